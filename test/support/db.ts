import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { ensureTable } from '../../local/dynamo.js';
import { createDb, type Db } from '../../shared/store/client.js';

/** A fresh table of its own for one test file, in the tier's DynamoDB Local. */
export async function freshDb(): Promise<Db & { endpoint: string }> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `anxin-test-${randomUUID().slice(0, 8)}`;
  await ensureTable(endpoint, tableName);
  return { ...createDb({ tableName, endpoint }), endpoint };
}
