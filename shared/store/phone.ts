import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Case } from '../phone/case.js';
import type { CheckIn } from '../phone/checkin.js';
import type { CallContext, CallPrompt, DeliveryReceipt } from '../phone/providers.js';
import type { Db } from './client.js';
import { campaignKeys, DUE_SHARDS, dueKeys, phoneKeys } from './keys.js';
import { registerTable } from './table.js';

/** Runs a conditional write: true when it was written, false when its condition did not hold. */
async function written(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

type Item = Record<string, unknown>;
/** One item of a write transaction (counters other modules build go in the same transaction). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Another writer changed the item first (optimistic lock); the caller reads again and retries. */
export class StaleItem extends Error {
  override readonly name = 'StaleItem';
}

const KEYS = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi3pk', 'gsi3sk', 'type']);
const strip = <T>(item: Item): T =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !KEYS.has(k))) as T;

export interface Schedule {
  elderId: string;
  county: string;
  nextCheckInAt: string;
  openCheckInId?: string;
  suspended: boolean;
  /** the elder texted TD/退订/STOP: texts stop, calls go on */
  smsOptOut?: boolean;
}

/** Reads an elder's check-in schedule. */
export async function getSchedule(db: Db, elderId: string): Promise<Schedule | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: phoneKeys.schedule(elderId), ConsistentRead: true }),
  );
  return out.Item ? strip<Schedule>(out.Item) : undefined;
}

function checkInItem(c: CheckIn, now: Date): Item {
  return {
    ...phoneKeys.checkIn(c.id),
    ...phoneKeys.checkInsOfElder(c.elderId, c.openedAt),
    ...(c.next ? dueKeys('checkIn', c.id, c.next.at, now) : {}),
    type: 'checkIn',
    ...c,
  };
}

function caseItem(c: Case, now: Date): Item {
  return {
    ...phoneKeys.case(c.id),
    ...phoneKeys.casesOfCounty(c.county, c.openedAt, c.id),
    ...(c.next && c.status === 'open' ? dueKeys('case', c.id, c.next.at, now) : {}),
    type: 'case',
    ...c,
  };
}

const versioned = (db: Db, Item: Item, previous: number | undefined): TransactItem => ({
  Put: {
    TableName: db.tableName,
    Item,
    ConditionExpression: previous === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
    ...(previous === undefined ? {} : { ExpressionAttributeValues: { ':v': previous } }),
  },
});

async function transact(db: Db, items: TransactItem[]): Promise<void> {
  try {
    await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')
    ) {
      throw new StaleItem('a condition failed');
    }
    throw error;
  }
}

/**
 * Starts a check-in from a due schedule: the schedule takes the check-in's id (there is never a
 * second open one) and leaves the due index; the check-in is stored with its own due time.
 */
export async function startCheckIn(
  db: Db,
  schedule: Schedule,
  checkIn: CheckIn,
  now: Date,
  /** counters of what it starts (campaign progress, today's figures), all or nothing with it */
  alsoWrite: TransactItem[] = [],
): Promise<void> {
  await transact(db, [
    {
      Update: {
        TableName: db.tableName,
        Key: phoneKeys.schedule(schedule.elderId),
        UpdateExpression: 'SET openCheckInId = :id REMOVE gsi3pk, gsi3sk',
        ConditionExpression: 'attribute_not_exists(openCheckInId) AND nextCheckInAt = :at AND suspended = :f',
        ExpressionAttributeValues: { ':id': checkIn.id, ':at': schedule.nextCheckInAt, ':f': false },
      },
    },
    versioned(db, checkInItem(checkIn, now), undefined),
    ...alsoWrite,
  ]);
}

/** Takes a schedule off the due index (it is suspended, or a check-in is already open). */
export async function clearScheduleDue(db: Db, elderId: string): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: phoneKeys.schedule(elderId),
      UpdateExpression: 'REMOVE gsi3pk, gsi3sk',
    }),
  );
}

/** Reads one check-in. */
export async function getCheckIn(db: Db, id: string): Promise<CheckIn | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: phoneKeys.checkIn(id), ConsistentRead: true }),
  );
  return out.Item ? strip<CheckIn>(out.Item) : undefined;
}

/**
 * The schedule a closing check-in held is freed and due again at `nextCheckInAt`; a suspended one is
 * dropped from the index by the planner when it comes up.
 */
function freeSchedule(db: Db, checkIn: CheckIn, nextCheckInAt: string, now: Date): TransactItem {
  const due = dueKeys('schedule', checkIn.elderId, nextCheckInAt, now);
  return {
    Update: {
      TableName: db.tableName,
      Key: phoneKeys.schedule(checkIn.elderId),
      UpdateExpression: 'SET nextCheckInAt = :at, gsi3pk = :pk, gsi3sk = :sk REMOVE openCheckInId',
      ConditionExpression: 'openCheckInId = :id',
      ExpressionAttributeValues: {
        ':at': nextCheckInAt,
        ':id': checkIn.id,
        ':pk': due.gsi3pk,
        ':sk': due.gsi3sk,
      },
    },
  };
}

/**
 * Saves a changed check-in if nobody else did since `previousVersion`. When it closes, the schedule
 * is freed and the next check-in becomes due at `nextCheckInAt` (when the elder still receives them).
 */
export async function saveCheckIn(
  db: Db,
  checkIn: CheckIn,
  previousVersion: number,
  now: Date,
  closing?: { nextCheckInAt: string },
  /** items written with it, all or nothing (the visit a well reply records) */
  alsoPut: Item[] = [],
  /** counters of the change (campaign progress, today's figures), all or nothing with it */
  alsoWrite: TransactItem[] = [],
): Promise<CheckIn> {
  const saved = { ...checkIn, version: previousVersion + 1 };
  const items: TransactItem[] = [versioned(db, checkInItem(saved, now), previousVersion)];
  if (closing) items.push(freeSchedule(db, checkIn, closing.nextCheckInAt, now));
  for (const Item of alsoPut) items.push({ Put: { TableName: db.tableName, Item } });
  items.push(...alsoWrite);
  await transact(db, items);
  return saved;
}

/** An elder's check-ins, oldest first (gsi1). */
export async function listCheckIns(db: Db, elderId: string, limit = 50): Promise<CheckIn[]> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: registerTable.byCounty.indexName,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `CHECKINS#${elderId}` },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => strip<CheckIn>(i)).reverse();
}

/** Reads one case. */
export async function getCase(db: Db, id: string): Promise<Case | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: phoneKeys.case(id), ConsistentRead: true }),
  );
  return out.Item ? strip<Case>(out.Item) : undefined;
}

/** The open case a code names, if any. */
export async function caseIdByCode(db: Db, code: string): Promise<string | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: phoneKeys.caseCode(code), ConsistentRead: true }),
  );
  return out.Item?.caseId as string | undefined;
}

/**
 * Stores a new case with its code (unique among open cases) and links it to its check-in, all or
 * nothing. Throws StaleItem when the code is taken or the check-in changed: pick another code / retry.
 */
export async function createCase(
  db: Db,
  c: Case,
  now: Date,
  checkIn?: { checkIn: CheckIn; previousVersion: number; closing?: { nextCheckInAt: string } },
  /** counters of the change (campaign progress, today's figures), all or nothing with it */
  alsoWrite: TransactItem[] = [],
): Promise<void> {
  const items: TransactItem[] = [
    versioned(db, caseItem(c, now), undefined),
    {
      Put: {
        TableName: db.tableName,
        Item: { ...phoneKeys.caseCode(c.code), type: 'caseCode', caseId: c.id },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
  if (checkIn) {
    const linked = { ...checkIn.checkIn, version: checkIn.previousVersion + 1 };
    items.push(versioned(db, checkInItem(linked, now), checkIn.previousVersion));
    if (checkIn.closing) items.push(freeSchedule(db, checkIn.checkIn, checkIn.closing.nextCheckInAt, now));
  }
  items.push(...alsoWrite);
  await transact(db, items);
}

/** Saves a changed case if unchanged since `previousVersion`; a closed case frees its code. */
export async function saveCase(
  db: Db,
  c: Case,
  previousVersion: number,
  now: Date,
  /** counters of the change (a campaign's cases closed), all or nothing with it */
  alsoWrite: TransactItem[] = [],
): Promise<Case> {
  const saved = { ...c, version: previousVersion + 1 };
  const items: TransactItem[] = [versioned(db, caseItem(saved, now), previousVersion)];
  if (c.status === 'closed') {
    items.push({
      Delete: {
        TableName: db.tableName,
        Key: phoneKeys.caseCode(c.code),
        ConditionExpression: 'attribute_not_exists(pk) OR caseId = :id',
        ExpressionAttributeValues: { ':id': c.id },
      },
    });
  }
  items.push(...alsoWrite);
  await transact(db, items);
  return saved;
}

/** A county's cases, newest first (gsi1). */
export async function listCases(db: Db, county: string, limit = 100): Promise<Case[]> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: registerTable.byCounty.indexName,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `CASES#${county}` },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => strip<Case>(i));
}

export interface DueItem {
  kind: 'schedule' | 'checkIn' | 'case';
  id: string;
  at: string;
}

/** What is due in one hour bucket and shard, up to `until` (gsi3). */
export async function queryDue(
  db: Db,
  bucket: string,
  shard: number,
  until: string,
): Promise<{ items: DueItem[]; capacity: number }> {
  const { indexName, partitionKey, sortKey } = registerTable.byDue;
  const items: DueItem[] = [];
  let capacity = 0;
  let start: Item | undefined;
  do {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: indexName,
        KeyConditionExpression: `${partitionKey} = :pk AND ${sortKey} <= :until`,
        ExpressionAttributeValues: { ':pk': `DUE#${bucket}#${shard}`, ':until': `${until}~` },
        ProjectionExpression: 'gsi3sk',
        ExclusiveStartKey: start,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    capacity += out.ConsumedCapacity?.CapacityUnits ?? 0;
    for (const i of out.Items ?? []) {
      const [at, kind, id] = String(i.gsi3sk).split('#') as [string, DueItem['kind'], string];
      items.push({ kind, id, at });
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return { items, capacity };
}

export const SHARDS = Array.from({ length: DUE_SHARDS }, (_, i) => i);

/** The planner's cursor: the oldest hour bucket that may still hold due items. */
export async function getPlannerCursor(db: Db): Promise<string | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: phoneKeys.plannerCursor(), ConsistentRead: true }),
  );
  return out.Item?.bucket as string | undefined;
}

export async function setPlannerCursor(db: Db, bucket: string): Promise<void> {
  await db.doc.send(
    new PutCommand({ TableName: db.tableName, Item: { ...phoneKeys.plannerCursor(), bucket } }),
  );
}

/** Everyone a number belongs to: elders (own phone), emergency contacts, visit contacts. */
export async function ownersOfPhone(
  db: Db,
  e164: string,
): Promise<{ owner: string; elderId?: string; contactId?: string }[]> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': phoneKeys.phonePartition(e164) },
    }),
  );
  return (out.Items ?? []).map((i) => ({
    owner: String(i.owner),
    ...(i.elderId ? { elderId: String(i.elderId) } : {}),
    ...(i.contactId ? { contactId: String(i.contactId) } : {}),
  }));
}

/**
 * Claims a once-only key (an inbound message id, an outgoing one-off text): true the first time,
 * false ever after. Expires after `days` (TTL on AWS).
 */
export async function claimOnce(
  db: Db,
  key: { pk: string; sk: string },
  now: Date,
  days = 30,
): Promise<boolean> {
  return written(() =>
    db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...key,
          type: 'once',
          at: now.toISOString(),
          expiresAt: Math.floor(now.getTime() / 1000) + days * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** Forgets a once-only key (the work it guarded failed and must be possible again). */
export async function releaseOnce(db: Db, key: { pk: string; sk: string }): Promise<void> {
  await db.doc.send(new DeleteCommand({ TableName: db.tableName, Key: key }));
}

/**
 * Remembers what a placed call is for and what it says, by the provider's id: the adapter reads it
 * once when a call's events do not carry it yet (Chime's first events may not).
 */
export async function saveCall(
  db: Db,
  providerId: string,
  context: CallContext,
  now: Date,
  prompt?: CallPrompt,
): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...phoneKeys.call(providerId),
        type: 'call',
        ...context,
        ...(prompt ? { prompt } : {}),
        expiresAt: Math.floor(now.getTime() / 1000) + 7 * 86_400,
      },
    }),
  );
}

export async function getCall(
  db: Db,
  providerId: string,
): Promise<{ context: CallContext; prompt?: CallPrompt } | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: phoneKeys.call(providerId), ConsistentRead: true }),
  );
  const i = out.Item;
  if (!i) return undefined;
  return {
    context: {
      purpose: i.purpose,
      ref: i.ref,
      n: i.n,
      ...(i.county ? { county: i.county } : {}),
      ...(i.place !== undefined ? { place: i.place } : {}),
    } as CallContext,
    ...(i.prompt ? { prompt: i.prompt as CallPrompt } : {}),
  };
}

/** Sets the text opt-out on the schedule. */
export async function setSmsOptOut(db: Db, elderId: string, optOut: boolean): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: phoneKeys.schedule(elderId),
      UpdateExpression: 'SET smsOptOut = :o',
      ExpressionAttributeValues: { ':o': optOut },
    }),
  );
}

/** Keeps a text staff should read (not understood), under the elder. */
export async function keepMessage(
  db: Db,
  elderId: string,
  message: { at: string; id: string; body: string },
): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: { ...phoneKeys.message(elderId, message.at, message.id), type: 'message', elderId, ...message },
    }),
  );
}

/** Adds to a daily counter (texts from unknown numbers, …). */
export async function bumpStat(db: Db, name: string, date: string): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: phoneKeys.stats(name, date),
      UpdateExpression: 'ADD #count :one',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
}

export async function getStat(db: Db, name: string, date: string): Promise<number> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: phoneKeys.stats(name, date) }),
  );
  return Number(out.Item?.count ?? 0);
}

/**
 * Makes an elder's next check-in due at `at` (the due index moves with it, as the store does when a
 * check-in closes). Only a schedule that exists, is not suspended and has no open check-in; with
 * `onlyEarlier`, only one due later than `at`. True when it moved.
 */
export async function setCheckInDue(
  db: Db,
  elderId: string,
  at: string,
  now: Date,
  onlyEarlier = false,
): Promise<boolean> {
  const due = dueKeys('schedule', elderId, at, now);
  const open = 'attribute_exists(pk) AND attribute_not_exists(openCheckInId) AND suspended = :f';
  return written(() =>
    db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: phoneKeys.schedule(elderId),
        UpdateExpression: 'SET nextCheckInAt = :at, gsi3pk = :pk, gsi3sk = :sk',
        ConditionExpression: onlyEarlier ? `${open} AND nextCheckInAt > :at` : open,
        ExpressionAttributeValues: { ':at': at, ':pk': due.gsi3pk, ':sk': due.gsi3sk, ':f': false },
      }),
    ),
  );
}

/**
 * A campaign brings an elder's next check-in forward to `at`: never pushed later, and a second run
 * changes nothing. True when it moved.
 */
export function pullCheckInForward(db: Db, elderId: string, at: string, now: Date): Promise<boolean> {
  return setCheckInDue(db, elderId, at, now, true);
}

/** Where a campaign's activation has got to: the next page to read, and what it did so far. */
export interface Activation {
  campaignId: string;
  /** the instant this pass brings check-ins forward to the rounds from (the start, or a resume) */
  from: string;
  /** position in the campaign's (county, category) list, and the register page cursor inside it */
  part: number;
  cursor?: string;
  done: boolean;
  /** elders read / schedules brought forward, so far */
  seen: number;
  pulled: number;
  /** bumped by every saved step: two runners never both save from the same step */
  step: number;
  updatedAt: string;
}

/** Reads a campaign's activation progress (none before its first step). */
export async function getActivation(db: Db, campaignId: string): Promise<Activation | undefined> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: campaignKeys.activation(campaignId),
      ConsistentRead: true,
    }),
  );
  return out.Item ? strip<Activation>(out.Item) : undefined;
}

/**
 * Saves the activation's next position if nobody saved a step since `previousStep` (undefined: the
 * first). False when another runner got there first: it carries on, this one stops.
 */
export async function saveActivation(
  db: Db,
  activation: Omit<Activation, 'step'>,
  previousStep: number | undefined,
): Promise<boolean> {
  return written(() =>
    db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...campaignKeys.activation(activation.campaignId),
          type: 'campaignActivation',
          ...activation,
          step: (previousStep ?? 0) + 1,
        },
        ConditionExpression: previousStep === undefined ? 'attribute_not_exists(pk)' : 'step = :s',
        ...(previousStep === undefined ? {} : { ExpressionAttributeValues: { ':s': previousStep } }),
      }),
    ),
  );
}

/** Counts one attempt's end in its county's minute: a carrier fault or not (kept two days). */
export async function countAttemptHealth(db: Db, county: string, fault: boolean, now: Date): Promise<void> {
  await db.doc.send(
    new UpdateCommand({
      TableName: db.tableName,
      Key: phoneKeys.healthMinute(county, now.toISOString().slice(0, 16)),
      UpdateExpression: 'ADD attempts :one, faults :fault SET expiresAt = if_not_exists(expiresAt, :exp)',
      ExpressionAttributeValues: {
        ':one': 1,
        ':fault': fault ? 1 : 0,
        ':exp': Math.floor(now.getTime() / 1000) + 2 * 86_400,
      },
    }),
  );
}

/** A county's attempts and carrier faults from `since` to now, by minute. */
export async function attemptHealthSince(
  db: Db,
  county: string,
  since: Date,
): Promise<{ minute: string; attempts: number; faults: number }[]> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND sk >= :since',
      ExpressionAttributeValues: {
        ':pk': phoneKeys.health(county),
        ':since': `MIN#${since.toISOString().slice(0, 16)}`,
      },
    }),
  );
  return (out.Items ?? []).map((i) => ({
    minute: String(i.sk).slice(4),
    attempts: Number(i.attempts ?? 0),
    faults: Number(i.faults ?? 0),
  }));
}

/**
 * Records a text's delivery receipt under its carrier message id. Only the first final status is
 * kept: a late or repeated receipt never overwrites "delivered" or "failed". True when it was taken.
 */
export async function saveDeliveryReceipt(db: Db, receipt: DeliveryReceipt, now: Date): Promise<boolean> {
  return written(() =>
    db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: {
          ...phoneKeys.receipt(receipt.carrierMessageId),
          type: 'receipt',
          ...receipt,
          expiresAt: Math.floor(now.getTime() / 1000) + 30 * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

export async function getDeliveryReceipt(
  db: Db,
  carrierMessageId: string,
): Promise<DeliveryReceipt | undefined> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: phoneKeys.receipt(carrierMessageId),
      ConsistentRead: true,
    }),
  );
  if (!out.Item) return undefined;
  const { carrierMessageId: id, status, code, at } = out.Item as DeliveryReceipt;
  return { carrierMessageId: id, status, ...(code ? { code } : {}), at };
}
