import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.js';

/**
 * Every item under one partition whose sort key starts with a prefix, in sort-key order, across
 * every page (a long audit trail or visit history is more than one 1 MB page).
 */
export async function queryPrefix(db: Db, pk: string, prefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client: db.doc },
    {
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
    },
  );
  for await (const page of pages) items.push(...(page.Items ?? []));
  return items;
}
