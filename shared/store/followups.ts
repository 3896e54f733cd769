import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.js';
import { queryPrefix } from './query.js';

/**
 * A follow-up item: a home visit found that the elder needs follow-up, or a safety risk. It shows in
 * the paired contact's next digest and on the elder's timeline until someone closes it.
 */
export interface FollowUp {
  id: string;
  elderId: string;
  contactId?: string;
  /** the visit record that opened it */
  visitId: string;
  reason: 'needsFollowUp' | 'safetyRisk';
  /** safety risks found (gas, electricity, falls, fire, food, medicine, other) */
  risks: string[];
  /** follow-up date from the visit record, if any (YYYY-MM-DD) */
  dueOn?: string;
  openedAt: string;
  status: 'open' | 'closed';
  closedAt?: string;
}

const key = (elderId: string, id: string) => ({ pk: `ELDER#${elderId}`, sk: `FOLLOWUP#${id}` });

/** Opens a follow-up item under its elder (once per visit record and reason). */
export async function openFollowUp(db: Db, item: FollowUp): Promise<void> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { ...key(item.elderId, item.id), type: 'followUp', ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

/** An elder's follow-up items, oldest first (open and closed). */
export async function listFollowUps(db: Db, elderId: string): Promise<FollowUp[]> {
  return (await queryPrefix(db, `ELDER#${elderId}`, 'FOLLOWUP#')).map(
    ({ pk: _p, sk: _s, type: _t, ...f }) => f as unknown as FollowUp,
  );
}

/** Closes a follow-up item (a later visit dealt with it). */
export async function closeFollowUp(db: Db, elderId: string, id: string, at: string): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: key(elderId, id),
      UpdateExpression: 'SET #status = :closed, closedAt = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':closed': 'closed', ':at': at },
    }),
  );
}
