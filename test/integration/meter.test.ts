import {
  ConditionalCheckFailedException,
  GetItemCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attachMeter, type Meter } from '../../bench/meter.js';
import { freshDb } from '../support/db.js';

// The register table (three GSIs, every one projecting ALL): item sizes below are counted by hand from
// DynamoDB's rules (name bytes + value bytes; strings UTF-8, numbers 1 byte per 2 digits + 1).
let db: Awaited<ReturnType<typeof freshDb>>;
let meter: Meter;
beforeAll(async () => {
  db = await freshDb();
  meter = attachMeter(db.doc);
});
beforeEach(() => meter.reset());

const T = () => db.tableName;
/** pk (2 + len) + sk (2 + len) + `data` (4 + n bytes): an item of exactly `bytes` bytes. */
function sized(pk: string, sk: string, bytes: number, extra: Record<string, unknown> = {}) {
  const base = 2 + pk.length + 2 + sk.length + 4;
  const extraBytes = Object.entries(extra).reduce((s, [k, v]) => s + k.length + String(v).length, 0);
  return { pk, sk, ...extra, data: 'x'.repeat(bytes - base - extraBytes) };
}

describe('the billing meter on DynamoDB Local', () => {
  it('bills a PutItem by the larger of the old and the new item, per 1 KB, and each GSI it enters', async () => {
    await meter.phase('put', async () => {
      await db.doc.send(new PutCommand({ TableName: T(), Item: sized('M#1', 'A', 1500) }));
      // now 500 bytes: still billed 2 units, the old item was 1,500 bytes
      await db.doc.send(new PutCommand({ TableName: T(), Item: sized('M#1', 'A', 500) }));
    });
    const f = meter.figures('put');
    expect(f.writeUnits).toBe(4);
    expect(f.gsiWriteUnits).toBe(0);
    expect(f.requests).toEqual({ PutItem: 2 });

    meter.reset();
    // in gsi1 (ALL): a 2,100-byte item: 3 write units and 3 index units
    const item = sized('M#2', 'A', 2100, { gsi1pk: 'C', gsi1sk: 'D' });
    await meter.phase('gsi', () => db.doc.send(new PutCommand({ TableName: T(), Item: item })));
    expect(meter.figures('gsi')).toMatchObject({ writeUnits: 3, gsiWriteUnits: 3 });
  });

  it('bills an index key change as a delete and a put, and leaving a sparse index as a delete', async () => {
    await db.doc.send(
      new PutCommand({ TableName: T(), Item: { pk: 'M#3', sk: 'A', gsi3pk: 'DUE#1', gsi3sk: 'x' } }),
    );
    meter.reset();
    await meter.phase('move', () =>
      db.doc.send(
        new UpdateCommand({
          TableName: T(),
          Key: { pk: 'M#3', sk: 'A' },
          UpdateExpression: 'SET gsi3pk = :p',
          ExpressionAttributeValues: { ':p': 'DUE#2' },
        }),
      ),
    );
    expect(meter.figures('move')).toMatchObject({
      writeUnits: 1,
      gsiWriteUnits: 2,
      requests: { UpdateItem: 1 },
    });
    await meter.phase('leave', () =>
      db.doc.send(
        new UpdateCommand({ TableName: T(), Key: { pk: 'M#3', sk: 'A' }, UpdateExpression: 'REMOVE gsi3pk' }),
      ),
    );
    expect(meter.figures('leave')).toMatchObject({ writeUnits: 1, gsiWriteUnits: 1 });
    // a write that changes nothing in any index costs the indexes nothing
    await meter.phase('plain', () =>
      db.doc.send(
        new UpdateCommand({
          TableName: T(),
          Key: { pk: 'M#3', sk: 'A' },
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': 1 },
        }),
      ),
    );
    expect(meter.figures('plain')).toMatchObject({ writeUnits: 1, gsiWriteUnits: 0 });
  });

  it('bills a failed conditional write all the same, and a delete by the deleted item', async () => {
    await db.doc.send(
      new PutCommand({ TableName: T(), Item: sized('M#4', 'A', 3000, { gsi1pk: 'C', gsi1sk: 'E' }) }),
    );
    meter.reset();
    await meter.phase('failed', async () => {
      await expect(
        db.doc.send(
          new PutCommand({
            TableName: T(),
            Item: { pk: 'M#4', sk: 'A' },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    });
    expect(meter.figures('failed')).toMatchObject({ writeUnits: 3, gsiWriteUnits: 0, failedConditions: 1 });
    await meter.phase('delete', () =>
      db.doc.send(new DeleteCommand({ TableName: T(), Key: { pk: 'M#4', sk: 'A' } })),
    );
    expect(meter.figures('delete')).toMatchObject({ writeUnits: 3, gsiWriteUnits: 3 });
    // deleting what is not there still costs one unit
    await meter.phase('nothing', () =>
      db.doc.send(new DeleteCommand({ TableName: T(), Key: { pk: 'M#4', sk: 'A' } })),
    );
    expect(meter.figures('nothing')).toMatchObject({ writeUnits: 1, gsiWriteUnits: 0 });
  });

  it('bills GetItem per 4 KB, halved when eventually consistent, whatever the projection', async () => {
    await db.doc.send(new PutCommand({ TableName: T(), Item: sized('M#5', 'A', 5000) }));
    meter.reset();
    await meter.phase('get', async () => {
      await db.doc.send(
        new GetCommand({ TableName: T(), Key: { pk: 'M#5', sk: 'A' }, ConsistentRead: true }),
      );
      await db.doc.send(new GetCommand({ TableName: T(), Key: { pk: 'M#5', sk: 'A' } }));
      await db.doc.send(
        new GetCommand({ TableName: T(), Key: { pk: 'M#5', sk: 'A' }, ProjectionExpression: 'pk' }),
      );
      await db.doc.send(new GetCommand({ TableName: T(), Key: { pk: 'M#5', sk: 'missing' } }));
    });
    expect(meter.figures('get')).toMatchObject({ readUnits: 2 + 1 + 1 + 0.5, requests: { GetItem: 4 } });
    // the low-level client on the same stack is metered too
    await meter.phase('raw', () =>
      db.doc.send(
        new GetItemCommand({
          TableName: T(),
          Key: { pk: { S: 'M#5' }, sk: { S: 'A' } },
          ConsistentRead: true,
        }),
      ),
    );
    expect(meter.figures('raw').readUnits).toBe(2);
  });

  it('bills Query and Scan by the sum of the items read, filtered-out and counted ones included', async () => {
    const items = [0, 1, 2, 3, 4].map((i) => sized('M#6', `S${i}`, 1000));
    await db.doc.send(
      new BatchWriteCommand({ RequestItems: { [T()]: items.map((Item) => ({ PutRequest: { Item } })) } }),
    );
    meter.reset();
    const query = {
      TableName: T(),
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': 'M#6' },
    };
    await meter.phase('query', async () => {
      await db.doc.send(new QueryCommand({ ...query, ConsistentRead: true })); // 5,000 bytes: 2
      await db.doc.send(new QueryCommand(query)); // eventually consistent: 1
      await db.doc.send(
        new QueryCommand({
          ...query,
          FilterExpression: 'kind = :none',
          ExpressionAttributeValues: { ':p': 'M#6', ':none': 'zzz' },
          ConsistentRead: true,
        }),
      ); // nothing returned, 5,000 bytes read: 2
      await db.doc.send(new QueryCommand({ ...query, Select: 'COUNT', ConsistentRead: true })); // 2
      await db.doc.send(new QueryCommand({ ...query, Limit: 2, ConsistentRead: true })); // 2,000 bytes: 1
    });
    expect(meter.figures('query')).toMatchObject({ readUnits: 8, requests: { Query: 5 } });
    await meter.phase('scan', () =>
      db.doc.send(
        new ScanCommand({
          TableName: T(),
          FilterExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': 'M#6' },
        }),
      ),
    );
    expect(meter.figures('scan').readUnits).toBeGreaterThanOrEqual(1);
  });

  it('bills batches per item and transactions at twice, ConditionCheck included', async () => {
    meter.reset();
    const a = sized('M#7', 'A', 1500);
    const b = sized('M#7', 'B', 6500);
    await meter.phase('batch', async () => {
      await db.doc.send(
        new BatchWriteCommand({ RequestItems: { [T()]: [a, b].map((Item) => ({ PutRequest: { Item } })) } }),
      );
      await db.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [T()]: {
              Keys: [
                { pk: 'M#7', sk: 'A' },
                { pk: 'M#7', sk: 'B' },
              ],
              ConsistentRead: true,
            },
          },
        }),
      );
    });
    // the guide's BatchGetItem example: 1.5 KB and 6.5 KB are 4 KB + 8 KB, 3 units
    expect(meter.figures('batch')).toMatchObject({ writeUnits: 2 + 7, readUnits: 3 });

    await meter.phase('tx', async () => {
      await db.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: T(), Item: sized('M#7', 'C', 900, { gsi2pk: 'G', gsi2sk: 'H' }) } },
            {
              ConditionCheck: {
                TableName: T(),
                Key: { pk: 'M#7', sk: 'A' },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Update: {
                TableName: T(),
                Key: { pk: 'M#7', sk: 'B' },
                UpdateExpression: 'SET n = :n',
                ExpressionAttributeValues: { ':n': 5 },
              },
            },
          ],
        }),
      );
      await db.doc.send(
        new TransactGetCommand({ TransactItems: [{ Get: { TableName: T(), Key: { pk: 'M#7', sk: 'A' } } }] }),
      );
    });
    // put 1x2, check 2x2, update of a 6.5 KB item 7x2; the put enters gsi2 (1); a Get of 1.5 KB at 2
    expect(meter.figures('tx')).toMatchObject({
      writeUnits: 2 + 4 + 14,
      gsiWriteUnits: 1,
      readUnits: 2,
      transactions: 2,
    });

    await meter.phase('cancelled', async () => {
      await expect(
        db.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: T(), Item: { pk: 'M#7', sk: 'D' } } },
              {
                ConditionCheck: {
                  TableName: T(),
                  Key: { pk: 'M#7', sk: 'A' },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        ),
      ).rejects.toBeInstanceOf(TransactionCanceledException);
    });
    expect(meter.figures('cancelled')).toMatchObject({
      writeUnits: 2 + 4,
      gsiWriteUnits: 0,
      failedConditions: 1,
      transactions: 1,
    });
  });

  it('keeps phases apart under concurrency and prints a table', async () => {
    await Promise.all([
      meter.phase('one', () => db.doc.send(new GetCommand({ TableName: T(), Key: { pk: 'M#9', sk: 'A' } }))),
      meter.phase('two', async () => {
        await db.doc.send(new GetCommand({ TableName: T(), Key: { pk: 'M#9', sk: 'B' } }));
        await db.doc.send(new GetCommand({ TableName: T(), Key: { pk: 'M#9', sk: 'C' } }));
      }),
    ]);
    expect(meter.figures('one').requestCount).toBe(1);
    expect(meter.figures('two').requestCount).toBe(2);
    expect(meter.total()).toMatchObject({ readUnits: 1.5, requestCount: 3 });
    const table = meter.format({ perUnitOf: { label: 'two', count: 2 } });
    expect(table).toMatch(/^phase\s+read\s+write/);
    expect(table).toContain('GetItem 2');
    expect(table).toMatch(/two per 1 of 2\s+0\.5/);
  });
});
