/**
 * What the benches on DynamoDB Local share: a fresh table, a fast BatchWrite loader and the synthetic
 * elder of a register spread over Jiangmen's counties (no real person's data).
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../local/dynamo.js';
import type { Elder } from '../shared/register/elder.js';
import type { Category } from '../shared/registration/fields.js';
import { createDb, type Db } from '../shared/store/client.js';
import { elderKeys } from '../shared/store/keys.js';

export type Item = Record<string, unknown>;

/** A new table `bench-<8 hex>` on a running DynamoDB Local. */
export async function benchTable(endpoint: string): Promise<Db> {
  const tableName = `bench-${randomUUID().slice(0, 8)}`;
  await ensureTable(endpoint, tableName);
  return createDb({ tableName, endpoint });
}

/** Writes the items with BatchWrite: 25 a request, eight requests at once, unprocessed items again. */
export async function writeAll(db: Db, items: Item[]): Promise<void> {
  const batches: Item[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let b = batches.shift(); b; b = batches.shift()) {
        let request: Item[] = b;
        while (request.length > 0) {
          const out = await db.doc.send(
            new BatchWriteCommand({
              RequestItems: { [db.tableName]: request.map((Item) => ({ PutRequest: { Item } })) },
            }),
          );
          request = (out.UnprocessedItems?.[db.tableName] ?? []).map((r) => r.PutRequest?.Item as Item);
        }
      }
    }),
  );
}

type StoredElder = Omit<Elder, 'emergencyContacts'>;

/**
 * The i-th elder of a synthetic register spread over the counties (10 townships and 30 villages
 * each; 20% A, 20% B, 60% C), as the register stores it (profile item on gsi1); `own` gives the
 * fields a bench varies (channel, contact, consent, status …).
 */
export function spreadElder(
  i: number,
  counties: readonly string[],
  own: Pick<StoredElder, 'familyPlanningSpecial' | 'channel' | 'consent' | 'status'> & Partial<StoredElder>,
): { item: Item; elder: StoredElder } {
  const id = `bench-${String(i).padStart(7, '0')}`;
  const county = counties[i % counties.length] as string;
  const township = `镇${Math.floor(i / counties.length) % 10}`;
  const category: Category = i % 10 < 2 ? 'A' : i % 10 < 4 ? 'B' : 'C';
  const elder: StoredElder = {
    id,
    name: '测试',
    gender: i % 2 ? 'male' : 'female',
    birthDate: '1940-01-01',
    phone: `+86138${String(i).padStart(8, '0')}`,
    address: '测试地址',
    region: { county, township, village: `村${i % 30}` },
    living: i % 3 === 0 ? 'alone' : 'withFamily',
    emptyNest: i % 5 === 0,
    leftBehind: i % 7 === 0,
    ability: i % 11 === 0 ? 'moderate' : 'intact',
    dementia: false,
    lowIncome: false,
    caresForDisabledChild: false,
    partnerImpaired: false,
    language: 'yue',
    category,
    computedCategory: category,
    rules: [category === 'C' ? 'C' : `${category}1`] as Elder['rules'],
    registeredAt: '2025-01-10T02:00:00.000Z',
    registeredOn: '2025-01-10',
    updatedAt: '2025-01-10T02:00:00.000Z',
    version: 1,
    ...own,
  };
  return {
    item: { ...elderKeys.profile(id), ...elderKeys.byCounty(county, category, id), type: 'elder', ...elder },
    elder,
  };
}
