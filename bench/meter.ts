/**
 * The billing meter: what DynamoDB would bill, on demand, for the requests a client sends, computed
 * from the requests themselves by DynamoDB's documented rules. It never asks for ConsumedCapacity
 * (DynamoDB Local under-reports transactions and bills no index writes).
 *
 * The rules, as the DynamoDB developer guide states them:
 * - Item size: attribute-name UTF-8 bytes plus the value's size. Strings: UTF-8 bytes. Numbers: 1 byte
 *   per two significant digits plus 1. Binary: raw bytes. Boolean and null: 1 byte. List and map: 3 bytes
 *   plus 1 byte per element plus the elements' sizes. Sets: the sum of their elements.
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 * - Reads: an item's size rounded up to 4 KB is one read unit strongly consistent, half a unit eventually
 *   consistent, two units transactional. GetItem and each BatchGetItem item are rounded one by one; a
 *   Query or Scan adds up the sizes of the items it read (filtered-out items included; a projection or
 *   Select COUNT does not make them smaller) and rounds per request. Reading an item that does not exist
 *   still costs the minimum.
 * - Writes: one write unit per 1 KB of the larger of the old and the new item (Put, Update, Delete;
 *   BatchWriteItem per item). A conditional write whose condition fails is still billed.
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
 * - Transactions: every item of TransactWriteItems (ConditionCheck included) and TransactGetItems costs
 *   two underlying writes or reads, prepare and commit.
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
 *   (section "Capacity management for transactions")
 * - Global secondary indexes: a table write that puts an item into an index costs one index write of the
 *   projected entry's size; changing an index key is a delete plus a put; an item that leaves a sparse
 *   index is a delete; a write that changes no projected attribute costs the index nothing.
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html
 *   (section "Provisioned throughput considerations for global secondary indexes", writes)
 *
 * What the meter does to know what DynamoDB knows, and does not bill:
 * - it reads each table's description once (key schema, indexes and their projections);
 * - before a write it reads the old item with a strongly consistent GetItem, and after an UpdateItem (or
 *   a transaction's Update) the new one; before a transaction's ConditionCheck the checked item;
 * - when a read does not return the whole items it was billed for (a projection, Select COUNT, a filter),
 *   it repeats the read without them (same key condition, Limit and start key) to learn their sizes.
 * These shadow requests run through the same client but are neither billed nor counted. They make each
 * metered request slower: take timings from an unmetered run. Under concurrent writes to one item the
 * old or new image read may be another writer's; the benches write each item from one place at a time.
 * PartiQL statements are counted as requests but not billed (`unmetered`); the project uses none.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AttributeValue,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';

type AV = AttributeValue;
export type RawItem = Record<string, AV>;

const KB = 1024;
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** The number's significant digits: sign, point, exponent and leading and trailing zeros left out. */
function significantDigits(n: string): number {
  const mantissa = n.trim().replace(/^[+-]/, '').split(/[eE]/)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length;
}

/** The size DynamoDB counts for one attribute value (without its name). */
export function valueSize(v: AV): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return Math.ceil(significantDigits(v.N) / 2) + 1;
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((sum, s) => sum + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((sum, n) => sum + Math.ceil(significantDigits(n) / 2) + 1, 0);
  if (v.BS !== undefined) return v.BS.reduce((sum, b) => sum + b.byteLength, 0);
  if (v.L !== undefined) return 3 + v.L.reduce((sum, e) => sum + 1 + valueSize(e), 0);
  if (v.M !== undefined)
    return 3 + Object.entries(v.M).reduce((sum, [name, e]) => sum + 1 + utf8(name) + valueSize(e), 0);
  throw new Error(`meter: unknown attribute value ${JSON.stringify(Object.keys(v))}`);
}

/**
 * The size of a value as the document client returns it (unmarshalled): the same rules applied to the
 * JavaScript value (strings, numbers, booleans, null, bytes, sets, arrays as lists, objects as maps).
 */
export function docValueSize(v: unknown): number {
  if (typeof v === 'string') return utf8(v);
  if (typeof v === 'number' || typeof v === 'bigint') return Math.ceil(significantDigits(String(v)) / 2) + 1;
  if (typeof v === 'boolean' || v === null) return 1;
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Set) return [...v].reduce((sum: number, e) => sum + docValueSize(e), 0);
  if (Array.isArray(v)) return 3 + v.reduce((sum: number, e) => sum + 1 + docValueSize(e), 0);
  if (v && typeof v === 'object') {
    // a NumberValue of the document client (wrapNumbers): its digits
    if (v.constructor?.name === 'NumberValue')
      return Math.ceil(significantDigits(String((v as { value: string }).value)) / 2) + 1;
    return (
      3 +
      Object.entries(v).reduce(
        (sum, [name, e]) => (e === undefined ? sum : sum + 1 + utf8(name) + docValueSize(e)),
        0,
      )
    );
  }
  throw new Error(`meter: unknown value of type ${typeof v}`);
}

/** An item's size as the document client returns it. */
export function docItemSize(item: Record<string, unknown> | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item))
    if (value !== undefined) size += utf8(name) + docValueSize(value);
  return size;
}

/** A key attribute's value as text, the same for `{ S: 'x' }` and the document client's `'x'`. */
function scalarText(v: unknown): string {
  if (v && typeof v === 'object' && !(v instanceof Uint8Array) && v.constructor?.name !== 'NumberValue') {
    const av = v as AV;
    if (av.S !== undefined) return `S:${av.S}`;
    if (av.N !== undefined) return `N:${av.N}`;
    if (av.B !== undefined) return `B:${Buffer.from(av.B).toString('base64')}`;
  }
  if (typeof v === 'string') return `S:${v}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `N:${v}`;
  if (v instanceof Uint8Array) return `B:${Buffer.from(v).toString('base64')}`;
  if (v && typeof v === 'object') return `N:${(v as { value: string }).value}`;
  return String(v);
}
const keyText = (item: Record<string, unknown>, keys: string[]) =>
  keys.map((k) => scalarText(item[k])).join('|');

/** An item's size in bytes: the names' UTF-8 bytes plus the values' sizes. */
export function itemSize(item: RawItem | undefined): number {
  if (!item) return 0;
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8(name) + valueSize(value);
  return size;
}

export type ReadKind = 'strong' | 'eventual' | 'transactional';
const readFactor: Record<ReadKind, number> = { strong: 1, eventual: 0.5, transactional: 2 };

/** Read units of one GetItem (or one BatchGetItem item) of `bytes`; a missing item costs the minimum. */
export function readUnits(bytes: number, kind: ReadKind): number {
  return Math.max(1, Math.ceil(bytes / (4 * KB))) * readFactor[kind];
}

/** Read units of one Query or Scan request that read items of these sizes (summed, then rounded). */
export function queryUnits(sizes: readonly number[], consistent: boolean): number {
  const bytes = sizes.reduce((a, b) => a + b, 0);
  return readUnits(bytes, consistent ? 'strong' : 'eventual');
}

/** Write units of one write: the larger of the old and the new item, per 1 KB, at least one. */
export function writeUnits(oldBytes: number, newBytes: number, transactional = false): number {
  return Math.max(1, Math.ceil(Math.max(oldBytes, newBytes) / KB)) * (transactional ? 2 : 1);
}

export interface IndexShape {
  name: string;
  keys: string[];
  projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  include: string[];
}
export interface TableShape {
  keys: string[];
  indexes: IndexShape[];
}

/** The entry an item has in an index (its projected attributes), or undefined if it is not in it. */
export function indexEntry(
  item: RawItem | undefined,
  index: IndexShape,
  tableKeys: string[],
): RawItem | undefined {
  if (!item) return undefined;
  if (index.keys.some((k) => item[k] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const names = new Set([
    ...tableKeys,
    ...index.keys,
    ...(index.projection === 'INCLUDE' ? index.include : []),
  ]);
  const entry: RawItem = {};
  for (const name of names) if (item[name] !== undefined) entry[name] = item[name] as AV;
  return entry;
}

const same = (a: AV | undefined, b: AV | undefined) => stable(a) === stable(b);
function stable(v: unknown): string {
  if (v instanceof Uint8Array) return `B:${Buffer.from(v).toString('base64')}`;
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${k}:${stable((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * Write units one table write costs an index: a put of the new entry, a delete of the old one, both when
 * the index key changed, one write of the larger entry when only projected attributes changed, none
 * when the entry is unchanged or the item is in the index neither before nor after.
 */
export function indexWriteUnits(
  oldItem: RawItem | undefined,
  newItem: RawItem | undefined,
  index: IndexShape,
  tableKeys: string[],
): number {
  const before = indexEntry(oldItem, index, tableKeys);
  const after = indexEntry(newItem, index, tableKeys);
  const units = (entry: RawItem) => writeUnits(0, itemSize(entry));
  if (!before && !after) return 0;
  if (!before && after) return units(after);
  if (before && !after) return units(before);
  if (!before || !after) return 0;
  if (index.keys.some((k) => !same(before[k], after[k]))) return units(before) + units(after);
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const name of names)
    if (!same(before[name], after[name])) return writeUnits(itemSize(before), itemSize(after));
  return 0;
}

/** Index write units of one table write, over every index of the table. */
export function allIndexWriteUnits(
  oldItem: RawItem | undefined,
  newItem: RawItem | undefined,
  table: TableShape,
) {
  return table.indexes.reduce((sum, index) => sum + indexWriteUnits(oldItem, newItem, index, table.keys), 0);
}

/** What one labelled phase cost. */
export interface PhaseFigures {
  phase: string;
  readUnits: number;
  writeUnits: number;
  gsiWriteUnits: number;
  totalUnits: number;
  /** requests sent, by command (`GetItem`, `Query`, `TransactWriteItems` …) */
  requests: Record<string, number>;
  requestCount: number;
  transactions: number;
  /** conditional writes and transactions that failed their condition (billed all the same) */
  failedConditions: number;
  /** PartiQL requests, counted but not billed */
  unmetered: number;
}

const emptyFigures = (phase: string): PhaseFigures => ({
  phase,
  readUnits: 0,
  writeUnits: 0,
  gsiWriteUnits: 0,
  totalUnits: 0,
  requests: {},
  requestCount: 0,
  transactions: 0,
  failedConditions: 0,
  unmetered: 0,
});

export const UNLABELLED = '(no phase)';

export interface Meter {
  /** Runs `fn` with every request it sends (awaited or not) billed to `label`. Phases may nest; the innermost wins. */
  phase<T>(label: string, fn: () => Promise<T>): Promise<T>;
  /** The figures per phase, in the order phases first sent a request. */
  report(): PhaseFigures[];
  /** The figures of one phase (zeros if it sent nothing). */
  figures(label: string): PhaseFigures;
  /** All phases added up. */
  total(): PhaseFigures;
  /** Forgets the figures so far (the table descriptions are kept). */
  reset(): void;
  /** The report as a plain-text table. */
  format(options?: { perUnitOf?: { label: string; count: number } }): string;
  /** Takes the meter off the client. */
  detach(): void;
}

type Sender = Pick<DynamoDBClient, 'send' | 'middlewareStack'>;

const phaseStore = new AsyncLocalStorage<string>();
const shadowStore = new AsyncLocalStorage<true>();
let meterSeq = 0;

/**
 * Attaches a billing meter to a DynamoDB client. Pass the `DynamoDBClient` or a `DynamoDBDocumentClient`
 * built on it (they share one middleware stack, so both are metered).
 *
 * @example
 * const meter = attachMeter(db.doc);
 * await meter.phase('planner', () => runPlanner(deps, now));
 * console.log(meter.format());
 */
export function attachMeter(client: Sender): Meter {
  const name = `anxinBillingMeter${++meterSeq}`;
  const phases = new Map<string, PhaseFigures>();
  const tables = new Map<string, Promise<TableShape>>();
  const figuresOf = (label: string) => {
    let f = phases.get(label);
    if (!f) {
      f = emptyFigures(label);
      phases.set(label, f);
    }
    return f;
  };
  const shadow = <T>(fn: () => Promise<T>) => shadowStore.run(true, fn);

  const describe = (tableName: string): Promise<TableShape> => {
    let shape = tables.get(tableName);
    if (!shape) {
      shape = shadow(() => client.send(new DescribeTableCommand({ TableName: tableName }))).then((out) => {
        const keyNames = (ks: { AttributeName?: string }[] | undefined) =>
          (ks ?? []).map((k) => k.AttributeName as string);
        const indexes = [
          ...(out.Table?.GlobalSecondaryIndexes ?? []),
          ...(out.Table?.LocalSecondaryIndexes ?? []),
        ];
        return {
          keys: keyNames(out.Table?.KeySchema),
          indexes: indexes.map((i) => ({
            name: i.IndexName as string,
            keys: keyNames(i.KeySchema),
            projection: (i.Projection?.ProjectionType ?? 'ALL') as IndexShape['projection'],
            include: i.Projection?.NonKeyAttributes ?? [],
          })),
        };
      });
      shape.catch(() => tables.delete(tableName));
      tables.set(tableName, shape);
    }
    return shape;
  };
  const getItem = async (TableName: string, Key: RawItem) =>
    (await shadow(() => client.send(new GetItemCommand({ TableName, Key, ConsistentRead: true })))).Item;
  const keyOf = async (tableName: string, item: RawItem): Promise<RawItem> => {
    const { keys } = await describe(tableName);
    return Object.fromEntries(keys.map((k) => [k, item[k] as AV]));
  };

  /** One write's bill: base units and index units, from the old and new images. */
  const billWrite = async (
    f: PhaseFigures,
    tableName: string,
    oldItem: RawItem | undefined,
    newItem: RawItem | undefined,
    transactional: boolean,
    succeeded: boolean,
  ) => {
    f.writeUnits += writeUnits(itemSize(oldItem), itemSize(newItem), transactional);
    if (succeeded) f.gsiWriteUnits += allIndexWriteUnits(oldItem, newItem, await describe(tableName));
  };

  /** Sizes of the items a Query or Scan page read, repeating it without what hides them if need be. */
  const pageSizes = async (
    command: 'Query' | 'Scan',
    input: Record<string, unknown>,
    output: Record<string, unknown> | undefined,
    outSize: (item: Record<string, unknown>) => number,
  ): Promise<number[]> => {
    const hides =
      input.ProjectionExpression ||
      input.AttributesToGet ||
      input.FilterExpression ||
      input.QueryFilter ||
      input.ScanFilter ||
      (input.Select && input.Select !== 'ALL_ATTRIBUTES' && input.Select !== 'ALL_PROJECTED_ATTRIBUTES');
    if (!hides && output) return ((output.Items as Record<string, unknown>[]) ?? []).map(outSize);
    const keyExpression = (input.KeyConditionExpression as string | undefined) ?? '';
    const used = (map: unknown, prefix: string) => {
      if (!map) return undefined;
      const kept = Object.entries(map as Record<string, unknown>).filter(
        ([k]) =>
          keyExpression.includes(k) &&
          new RegExp(`${prefix}${k.slice(1)}(?![A-Za-z0-9_])`).test(keyExpression),
      );
      return kept.length ? Object.fromEntries(kept) : undefined;
    };
    const base = {
      TableName: input.TableName as string,
      IndexName: input.IndexName as string | undefined,
      Limit: input.Limit as number | undefined,
      ExclusiveStartKey: input.ExclusiveStartKey as RawItem | undefined,
      ConsistentRead: input.ConsistentRead as boolean | undefined,
    };
    if (command === 'Query') {
      const out = await shadow(() =>
        client.send(
          new QueryCommand({
            ...base,
            KeyConditionExpression: input.KeyConditionExpression as string | undefined,
            KeyConditions: input.KeyConditions as never,
            ScanIndexForward: input.ScanIndexForward as boolean | undefined,
            ExpressionAttributeNames: used(input.ExpressionAttributeNames, '#') as
              | Record<string, string>
              | undefined,
            ExpressionAttributeValues: used(input.ExpressionAttributeValues, ':') as RawItem | undefined,
          }),
        ),
      );
      return (out.Items ?? []).map(itemSize);
    }
    const out = await shadow(() =>
      client.send(
        new ScanCommand({
          ...base,
          Segment: input.Segment as number | undefined,
          TotalSegments: input.TotalSegments as number | undefined,
        }),
      ),
    );
    return (out.Items ?? []).map(itemSize);
  };

  const meterRequest = async (
    command: string,
    input: Record<string, unknown>,
    send: () => Promise<{ output: unknown }>,
    docForm: boolean,
  ): Promise<{ output: unknown }> => {
    // the document client has already unmarshalled what comes back; shadow reads come back raw
    const outSize = (item: Record<string, unknown> | undefined) =>
      docForm ? docItemSize(item) : itemSize(item as RawItem | undefined);
    const f = figuresOf(phaseStore.getStore() ?? UNLABELLED);
    f.requests[command] = (f.requests[command] ?? 0) + 1;
    f.requestCount++;
    const table = input.TableName as string;
    const failedCondition = (error: unknown) =>
      (error as { name?: string })?.name === 'ConditionalCheckFailedException';
    switch (command) {
      case 'GetItem': {
        const result = await send();
        const out = result.output as { Item?: RawItem };
        const size =
          input.ProjectionExpression || input.AttributesToGet
            ? itemSize(await getItem(table, input.Key as RawItem))
            : outSize(out.Item);
        f.readUnits += readUnits(size, input.ConsistentRead ? 'strong' : 'eventual');
        return result;
      }
      case 'BatchGetItem': {
        const result = await send();
        const out = result.output as {
          Responses?: Record<string, RawItem[]>;
          UnprocessedKeys?: Record<string, { Keys?: RawItem[] }>;
        };
        const requested = input.RequestItems as Record<
          string,
          {
            Keys: RawItem[];
            ConsistentRead?: boolean;
            ProjectionExpression?: string;
            AttributesToGet?: string[];
          }
        >;
        for (const [tableName, request] of Object.entries(requested)) {
          const { keys } = await describe(tableName);
          const unprocessed = new Set(
            (out.UnprocessedKeys?.[tableName]?.Keys ?? []).map((k) => keyText(k, keys)),
          );
          const kind: ReadKind = request.ConsistentRead ? 'strong' : 'eventual';
          const returned = out.Responses?.[tableName] ?? [];
          const byKey = new Map(returned.map((item) => [keyText(item, keys), item]));
          for (const key of request.Keys) {
            const k = keyText(key, keys);
            if (unprocessed.has(k)) continue;
            const size =
              request.ProjectionExpression || request.AttributesToGet
                ? itemSize(await getItem(tableName, key))
                : outSize(byKey.get(k));
            f.readUnits += readUnits(size, kind);
          }
        }
        return result;
      }
      case 'Query':
      case 'Scan': {
        const result = await send();
        const sizes = await pageSizes(command, input, result.output as Record<string, unknown>, outSize);
        f.readUnits += queryUnits(sizes, Boolean(input.ConsistentRead));
        return result;
      }
      case 'TransactGetItems': {
        f.transactions++;
        const result = await send();
        const out = result.output as { Responses?: { Item?: RawItem }[] };
        const items = input.TransactItems as {
          Get: { TableName: string; Key: RawItem; ProjectionExpression?: string };
        }[];
        for (const [i, { Get }] of items.entries()) {
          const size = Get.ProjectionExpression
            ? itemSize(await getItem(Get.TableName, Get.Key))
            : outSize(out.Responses?.[i]?.Item);
          f.readUnits += readUnits(size, 'transactional');
        }
        return result;
      }
      case 'PutItem':
      case 'DeleteItem':
      case 'UpdateItem': {
        const key =
          command === 'PutItem' ? await keyOf(table, input.Item as RawItem) : (input.Key as RawItem);
        const oldItem = await getItem(table, key);
        try {
          const result = await send();
          const newItem =
            command === 'PutItem'
              ? (input.Item as RawItem)
              : command === 'DeleteItem'
                ? undefined
                : await getItem(table, key);
          await billWrite(f, table, oldItem, newItem, false, true);
          return result;
        } catch (error) {
          if (failedCondition(error)) {
            f.failedConditions++;
            await billWrite(
              f,
              table,
              oldItem,
              command === 'PutItem' ? (input.Item as RawItem) : undefined,
              false,
              false,
            );
          }
          throw error;
        }
      }
      case 'BatchWriteItem': {
        const requested = input.RequestItems as Record<
          string,
          { PutRequest?: { Item: RawItem }; DeleteRequest?: { Key: RawItem } }[]
        >;
        const olds = new Map<string, RawItem | undefined>();
        for (const [tableName, writes] of Object.entries(requested))
          for (const w of writes) {
            const key = w.PutRequest
              ? await keyOf(tableName, w.PutRequest.Item)
              : (w.DeleteRequest?.Key as RawItem);
            olds.set(`${tableName}|${stable(key)}`, await getItem(tableName, key));
          }
        const result = await send();
        type Unprocessed = {
          PutRequest?: { Item: Record<string, unknown> };
          DeleteRequest?: { Key: Record<string, unknown> };
        };
        const out = result.output as { UnprocessedItems?: Record<string, Unprocessed[]> };
        for (const [tableName, writes] of Object.entries(requested)) {
          const { keys } = await describe(tableName);
          const unprocessed = new Set(
            (out.UnprocessedItems?.[tableName] ?? []).map((u) =>
              keyText((u.PutRequest?.Item ?? u.DeleteRequest?.Key) as Record<string, unknown>, keys),
            ),
          );
          for (const w of writes) {
            const key = w.PutRequest
              ? await keyOf(tableName, w.PutRequest.Item)
              : (w.DeleteRequest?.Key as RawItem);
            if (unprocessed.has(keyText(key, keys))) continue;
            await billWrite(
              f,
              tableName,
              olds.get(`${tableName}|${stable(key)}`),
              w.PutRequest?.Item,
              false,
              true,
            );
          }
        }
        return result;
      }
      case 'TransactWriteItems': {
        f.transactions++;
        type Action = { TableName: string; Key?: RawItem; Item?: RawItem };
        const actions = (input.TransactItems as Record<string, Action>[]).map((t) => {
          const [kind, action] = Object.entries(t)[0] as [string, Action];
          return { kind, action };
        });
        const keys = await Promise.all(
          actions.map(({ action }) =>
            action.Item ? keyOf(action.TableName, action.Item) : (action.Key as RawItem),
          ),
        );
        const olds = await Promise.all(
          actions.map(({ action }, i) => getItem(action.TableName, keys[i] as RawItem)),
        );
        let result: { output: unknown };
        try {
          result = await send();
        } catch (error) {
          if ((error as { name?: string })?.name === 'TransactionCanceledException') {
            // a cancelled transaction is billed for what it tried, at 2x, with no index writes
            f.failedConditions++;
            for (const [i, { kind, action }] of actions.entries())
              await billWrite(
                f,
                action.TableName,
                olds[i],
                kind === 'Put' ? action.Item : undefined,
                true,
                false,
              );
          }
          throw error;
        }
        for (const [i, { kind, action }] of actions.entries()) {
          const newItem =
            kind === 'Put'
              ? action.Item
              : kind === 'Update'
                ? await getItem(action.TableName, keys[i] as RawItem)
                : kind === 'Delete'
                  ? undefined
                  : olds[i];
          await billWrite(f, action.TableName, olds[i], newItem, true, kind !== 'ConditionCheck');
        }
        return result;
      }
      case 'ExecuteStatement':
      case 'BatchExecuteStatement':
      case 'ExecuteTransaction':
        f.unmetered++;
        return send();
      default:
        // control-plane and other calls (DescribeTable, CreateTable …): counted, not billed
        return send();
    }
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (shadowStore.getStore()) return next(args);
      const command = String((context as { commandName?: string }).commandName ?? 'Unknown').replace(
        /Command$/,
        '',
      );
      const docForm =
        (context as { __aws_sdk_context?: { features?: Record<string, string> } }).__aws_sdk_context?.features
          ?.DDB_MAPPER === 'd';
      return meterRequest(
        command,
        args.input as Record<string, unknown>,
        () => next(args),
        docForm,
      ) as ReturnType<typeof next>;
    },
    // after the document client has marshalled the input (before the serializer), outside the retries
    { step: 'build', name, priority: 'high' },
  );

  const add = (into: PhaseFigures, f: PhaseFigures) => {
    into.readUnits += f.readUnits;
    into.writeUnits += f.writeUnits;
    into.gsiWriteUnits += f.gsiWriteUnits;
    into.requestCount += f.requestCount;
    into.transactions += f.transactions;
    into.failedConditions += f.failedConditions;
    into.unmetered += f.unmetered;
    for (const [c, n] of Object.entries(f.requests)) into.requests[c] = (into.requests[c] ?? 0) + n;
  };
  const finish = (f: PhaseFigures): PhaseFigures => ({
    ...f,
    requests: { ...f.requests },
    totalUnits: f.readUnits + f.writeUnits + f.gsiWriteUnits,
  });

  const meter: Meter = {
    phase: (label, fn) => phaseStore.run(label, fn),
    report: () => [...phases.values()].map(finish),
    figures: (label) => finish(phases.get(label) ?? emptyFigures(label)),
    total: () => {
      const t = emptyFigures('total');
      for (const f of phases.values()) add(t, f);
      return finish(t);
    },
    reset: () => phases.clear(),
    format: (options) => formatReport([...meter.report(), meter.total()], options),
    detach: () => {
      client.middlewareStack.remove(name);
    },
  };
  return meter;
}

const round = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, ''));

/**
 * The figures as a plain-text table: units (read, write, index write, total), requests by command and
 * transactions per phase; with `perUnitOf`, the named phase's units also divided by a count (for example
 * units per planned check-in).
 */
export function formatReport(
  rows: PhaseFigures[],
  options?: { perUnitOf?: { label: string; count: number } },
): string {
  const header = [
    'phase',
    'read',
    'write',
    'GSI write',
    'total units',
    'requests',
    'transactions',
    'by command',
  ];
  const lines = rows.map((r) => [
    r.phase,
    round(r.readUnits),
    round(r.writeUnits),
    round(r.gsiWriteUnits),
    round(r.totalUnits),
    String(r.requestCount),
    String(r.transactions),
    Object.entries(r.requests)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([c, n]) => `${c} ${n}`)
      .join(', ') +
      (r.failedConditions ? `; ${r.failedConditions} failed conditions` : '') +
      (r.unmetered ? `; ${r.unmetered} unmetered` : ''),
  ]);
  const per = options?.perUnitOf;
  if (per) {
    const r = rows.find((x) => x.phase === per.label);
    if (r && per.count > 0)
      lines.push([
        `${per.label} per 1 of ${per.count}`,
        round(r.readUnits / per.count),
        round(r.writeUnits / per.count),
        round(r.gsiWriteUnits / per.count),
        round(r.totalUnits / per.count),
        round(r.requestCount / per.count),
        round(r.transactions / per.count),
        '',
      ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]) =>
    cells
      .map((c, i) =>
        i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}
