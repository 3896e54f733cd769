import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Category, RuleCode } from '../registration/fields.js';
import type { Db } from './client.js';
import { reviewKeys } from './keys.js';

/** Where a proposed change of category came from. */
export const REVIEW_SOURCES = ['definitions', 'ageLine', 'partnerList', 'update', 'import'] as const;
export type ReviewSource = (typeof REVIEW_SOURCES)[number];

/** One line of the category review list: who would change, from what to what, and why. */
export interface ReviewItem {
  elderId: string;
  name: string;
  county: string;
  township: string;
  /** the category in force (kept until a person confirms) */
  current: Category;
  /** what the definitions in force give */
  proposed: Category;
  direction: 'raise' | 'lower';
  source: ReviewSource;
  /** rules that would be gained or lost, each with its plain-language reason */
  reasons: { rule: RuleCode; change: 'gained' | 'lost'; text: string }[];
  at: string;
}

/** Lists (or replaces) an elder on the review list: one item per elder, the newest proposal wins. */
export async function putReview(db: Db, item: ReviewItem): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...reviewKeys.item(item.county, item.elderId), type: 'review', ...item },
    }),
  );
}

/** Takes an elder off a county's review list (nothing happens when it is not there). */
export async function deleteReview(db: Db, county: string, elderId: string): Promise<void> {
  await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: reviewKeys.item(county, elderId) }));
}

/** Reads a county's review list, one page: Query `REVIEW#<county>`. */
export async function listReviews(
  db: Db,
  county: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: ReviewItem[]; cursor?: string }> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': reviewKeys.partition(county) },
      Limit: page.limit,
      ...(page.cursor ? { ExclusiveStartKey: { pk: reviewKeys.partition(county), sk: page.cursor } } : {}),
    }),
  );
  const items = (out.Items ?? []).map(({ pk: _p, sk: _s, type: _t, ...item }) => item as ReviewItem);
  const last = out.LastEvaluatedKey?.sk;
  return typeof last === 'string' ? { items, cursor: last } : { items };
}

/** One elder's line on a county's review list, if listed: GetItem `REVIEW#<county>` / `ELDER#<id>`. */
export async function getReview(db: Db, county: string, elderId: string): Promise<ReviewItem | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: reviewKeys.item(county, elderId), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { pk: _p, sk: _s, type: _t, ...item } = out.Item;
  return item as ReviewItem;
}
