import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.js';
import { exportKeys } from './keys.js';

/** An export of the register, as the audit trail keeps it: who, when, what was asked, how many rows. */
export interface ExportEntry {
  id: string;
  /** ISO-8601 in +08:00 */
  at: string;
  actor: string;
  /** the one county exported, or absent for several (the city administrator's) */
  county?: string;
  /** the filters as asked (no free text: it may hold a name or a number) */
  query: Record<string, string | number | boolean>;
  rows: number;
  /** ID numbers and phones whole (true) or masked */
  unmasked: boolean;
}

/** Writes an export's audit entry before the file is handed out (PutItem, must not exist). */
export async function recordExport(db: Db, entry: ExportEntry): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...exportKeys.entry(entry.county ?? 'city', entry.at, entry.id), type: 'export', ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** The newest exports of one county (or `city`), newest first, up to `limit`. */
export async function listExports(db: Db, scope: string, limit = 100): Promise<ExportEntry[]> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': exportKeys.partition(scope) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map(({ pk: _pk, sk: _sk, type: _type, ...entry }) => entry as ExportEntry);
}
