import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentChange, ContactNotFound, ElderAlreadyRegistered } from '../errors.js';
import type { AuditEntry, Elder } from '../register/elder.js';
import type { SearchRow } from '../register/search.js';
import type { Category } from '../registration/fields.js';
import type { IsoDate } from '../time.js';
import type { Db } from './client.js';
import { contactKeys, dueKeys, elderKeys, personKey, phoneKeys } from './keys.js';
import { codeTaken, pairingChanges } from './pairing.js';
import { queryPrefix } from './query.js';
import { registerTable } from './table.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Item = Record<string, unknown>;

const KEY_NAMES = new Set<string>(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type']);
const strip = <T>(item: Item): T =>
  Object.fromEntries(Object.entries(item).filter(([k]) => !KEY_NAMES.has(k))) as T;

function profileItem(elder: Elder): Item {
  const { emergencyContacts: _kept, ...profile } = elder;
  return {
    ...elderKeys.profile(elder.id),
    ...elderKeys.byCounty(elder.region.county, elder.category, elder.id),
    ...(elder.nextAgeLine ? elderKeys.ageLine(elder.nextAgeLine, elder.id) : {}),
    type: 'elder',
    ...profile,
  };
}

function auditItem(entry: AuditEntry, version: number): Item {
  return { ...elderKeys.audit(entry.elderId, version), type: 'audit', version, ...entry };
}

const put = (db: Db, Item: Item, ConditionExpression?: string, values?: Item): TransactItem => ({
  Put: {
    TableName: db.tableName,
    Item,
    ...(ConditionExpression ? { ConditionExpression } : {}),
    ...(values ? { ExpressionAttributeValues: values } : {}),
  },
});

/** Whether automated check-ins go to this elder: active and not refused. */
export const receivesCheckIns = (elder: Pick<Elder, 'status' | 'consent'>) =>
  elder.status === 'active' && elder.consent === 'accepted';

/** The phone numbers that lead back to this elder (own and emergency contacts), for inbound texts. */
function phoneOwners(elder: Elder): { e164: string; owner: string }[] {
  return [
    { e164: elder.phone, owner: `ELDER#${elder.id}` },
    ...elder.emergencyContacts.map((c, i) => ({
      e164: c.phone,
      owner: `EMERGENCY#${elder.id}#${String(i).padStart(2, '0')}`,
    })),
  ];
}

function phoneItems(db: Db, elder: Elder): TransactItem[] {
  return phoneOwners(elder).map(({ e164, owner }) =>
    put(db, { ...phoneKeys.phone(e164, owner), type: 'phone', owner, elderId: elder.id }),
  );
}

/** The check-in schedule of a new elder: the first check-in is due at once (the next calling window). */
function scheduleItem(elder: Elder, now: Date): Item {
  const at = now.toISOString();
  return {
    ...phoneKeys.schedule(elder.id),
    ...(receivesCheckIns(elder) ? dueKeys('schedule', elder.id, at, now) : {}),
    type: 'schedule',
    elderId: elder.id,
    county: elder.region.county,
    nextCheckInAt: at,
    suspended: !receivesCheckIns(elder),
  };
}

const emergencyItems = (elder: Elder): Item[] =>
  elder.emergencyContacts.map((c, i) => ({
    ...elderKeys.emergencyContact(elder.id, i),
    type: 'emergencyContact',
    ...c,
  }));

function contactCheck(db: Db, contactId: string | undefined): TransactItem[] {
  if (!contactId) return [];
  return [
    {
      ConditionCheck: {
        TableName: db.tableName,
        Key: contactKeys.profile(contactId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
  ];
}

/** The reasons DynamoDB gave for a cancelled transaction, one per item in order. */
function cancellationCodes(error: unknown): (string | undefined)[] | undefined {
  if (error instanceof TransactionCanceledException) return error.CancellationReasons?.map((r) => r.Code);
  return undefined;
}

export interface RefusalRecord {
  elderId: string;
  date: IsoDate;
  note: string;
  recordedBy: string;
}

/**
 * Writes a new elder: profile, person key (no duplicates), emergency contacts, refusal record and the
 * audit entry, all or nothing. Throws ElderAlreadyRegistered or ContactNotFound.
 */
export async function createElder(db: Db, elder: Elder, audit: AuditEntry, eventId: string): Promise<void> {
  // a home-visit code taken by a pairing written at the same moment: draw another code and try again
  for (let attempt = 1; ; attempt++) {
    try {
      return await createElderOnce(db, elder, audit, eventId);
    } catch (error) {
      if (!(error instanceof CodeCollision)) throw error;
      // out of tries: the caller sees the conflict it can retry later
      if (attempt >= CODE_ATTEMPTS) throw error.cause;
    }
  }
}

/** A pairing's home-visit code was claimed by someone else between reading and writing. */
class CodeCollision extends Error {
  override readonly name = 'CodeCollision';
}
const CODE_ATTEMPTS = 8;

async function createElderOnce(db: Db, elder: Elder, audit: AuditEntry, eventId: string): Promise<void> {
  const person = personKey(elder);
  const items: TransactItem[] = [
    put(db, { ...person, type: 'person', elderId: elder.id }, 'attribute_not_exists(pk)'),
    put(db, profileItem(elder), 'attribute_not_exists(pk)'),
    ...emergencyItems(elder).map((i) => put(db, i)),
    ...refusalItems(db, elder, eventId),
    put(db, auditItem(audit, elder.version), 'attribute_not_exists(pk)'),
    put(db, scheduleItem(elder, new Date(audit.at)), 'attribute_not_exists(pk)'),
    ...phoneItems(db, elder),
    // home visits (issue 4): the pairing index, the home-visit code and the pairing history
    ...(await pairingChanges(db, undefined, elder, audit)),
    ...contactCheck(db, elder.contactId),
  ];
  try {
    await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes && codeTaken(items, codes))
      throw new CodeCollision('code taken', { cause: new ConcurrentChange(elder.id) });
    if (codes?.[0] === 'ConditionalCheckFailed') {
      const existing = await findElderIdByPerson(db, elder);
      throw new ElderAlreadyRegistered(existing ?? 'unknown');
    }
    if (codes?.at(-1) === 'ConditionalCheckFailed' && elder.contactId)
      throw new ContactNotFound(elder.contactId);
    throw error;
  }
}

/** The written record of a refusal, kept apart so that later changes of consent do not erase it. */
function refusalItems(db: Db, elder: Elder, eventId: string): TransactItem[] {
  if (elder.consent !== 'refused' || !elder.refusal) return [];
  const record: RefusalRecord = { elderId: elder.id, ...elder.refusal };
  return [
    put(db, { ...elderKeys.refusal(elder.id, elder.refusal.date, eventId), type: 'refusal', ...record }),
  ];
}

/**
 * Replaces an elder record that has not changed since it was read (version check), moving the person
 * key and the emergency contacts with it, and appends the audit entry: all or nothing.
 */
export async function replaceElder(
  db: Db,
  before: Elder,
  after: Elder,
  audit: AuditEntry,
  eventId: string,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await replaceElderOnce(db, before, after, audit, eventId);
    } catch (error) {
      if (!(error instanceof CodeCollision)) throw error;
      // out of tries: the caller sees the conflict it can retry later
      if (attempt >= CODE_ATTEMPTS) throw error.cause;
    }
  }
}

async function replaceElderOnce(
  db: Db,
  before: Elder,
  after: Elder,
  audit: AuditEntry,
  eventId: string,
): Promise<void> {
  const oldPerson = personKey(before);
  const newPerson = personKey(after);
  const personMoves = oldPerson.pk !== newPerson.pk;
  const keep = after.emergencyContacts.length;
  const items: TransactItem[] = [
    put(db, profileItem(after), 'version = :version', { ':version': before.version }),
    ...emergencyItems(after).map((i) => put(db, i)),
    ...before.emergencyContacts.slice(keep).map((_, i) => ({
      Delete: { TableName: db.tableName, Key: elderKeys.emergencyContact(before.id, keep + i) },
    })),
    ...(personMoves
      ? [
          put(db, { ...newPerson, type: 'person', elderId: after.id }, 'attribute_not_exists(pk)'),
          { Delete: { TableName: db.tableName, Key: oldPerson } },
        ]
      : []),
    ...(before.consent !== 'refused' || before.refusal?.date !== after.refusal?.date
      ? refusalItems(db, after, eventId)
      : []),
    put(db, auditItem(audit, after.version), 'attribute_not_exists(pk)'),
    ...phoneChanges(db, before, after),
    ...scheduleChange(db, before, after, new Date(audit.at)),
    // home visits (issue 4): move the pairing index and the code, append the pairing history
    ...(await pairingChanges(db, before, after, audit)),
    ...(after.contactId !== before.contactId ? contactCheck(db, after.contactId) : []),
  ];
  try {
    await db.doc.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed') throw new ConcurrentChange(before.id);
    if (codes && codeTaken(items, codes))
      throw new CodeCollision('code taken', { cause: new ConcurrentChange(before.id) });
    if (personMoves && codes?.includes('ConditionalCheckFailed')) {
      const index = codes.indexOf('ConditionalCheckFailed');
      const item = items[index];
      if (item?.Put?.Item?.type === 'person') {
        throw new ElderAlreadyRegistered((await findElderIdByPerson(db, after)) ?? 'unknown');
      }
    }
    if (codes?.at(-1) === 'ConditionalCheckFailed' && after.contactId)
      throw new ContactNotFound(after.contactId);
    throw error;
  }
}

/** Moves the phone index with changed numbers. */
function phoneChanges(db: Db, before: Elder, after: Elder): TransactItem[] {
  const key = (o: { e164: string; owner: string }) => `${o.e164}|${o.owner}`;
  const old = phoneOwners(before);
  const now = phoneOwners(after);
  const kept = new Set(now.map(key));
  const had = new Set(old.map(key));
  return [
    ...old
      .filter((o) => !kept.has(key(o)))
      .map((o) => ({ Delete: { TableName: db.tableName, Key: phoneKeys.phone(o.e164, o.owner) } })),
    ...now
      .filter((o) => !had.has(key(o)))
      .map((o) =>
        put(db, { ...phoneKeys.phone(o.e164, o.owner), type: 'phone', owner: o.owner, elderId: after.id }),
      ),
  ];
}

/**
 * A refusal or a status change stops the check-ins (the due keys go); accepting again makes one due
 * at once. An open check-in is left to finish: the dispatcher checks consent before it dials.
 */
function scheduleChange(db: Db, before: Elder, after: Elder, now: Date): TransactItem[] {
  const was = receivesCheckIns(before);
  const is = receivesCheckIns(after);
  if (was === is) return [];
  const key = phoneKeys.schedule(after.id);
  if (!is) {
    return [
      {
        Update: {
          TableName: db.tableName,
          Key: key,
          UpdateExpression: 'SET suspended = :t REMOVE gsi3pk, gsi3sk',
          ExpressionAttributeValues: { ':t': true },
        },
      },
    ];
  }
  const at = now.toISOString();
  const due = dueKeys('schedule', after.id, at, now);
  return [
    {
      Update: {
        TableName: db.tableName,
        Key: key,
        UpdateExpression:
          'SET suspended = :f, nextCheckInAt = :at, gsi3pk = :pk, gsi3sk = :sk, elderId = :id, county = :county, #type = :type',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':f': false,
          ':at': at,
          ':pk': due.gsi3pk,
          ':sk': due.gsi3sk,
          ':id': after.id,
          ':county': after.region.county,
          ':type': 'schedule',
        },
      },
    },
  ];
}

/** Reads the elder id registered for a person (ID number, else name, birth date and village). */
export async function findElderIdByPerson(
  db: Db,
  person: Parameters<typeof personKey>[0],
): Promise<string | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: personKey(person), ConsistentRead: true }),
  );
  return out.Item?.elderId as string | undefined;
}

/** Reads one elder: the profile and its emergency contacts (the sort keys EMERGENCY#.. to PROFILE). */
export async function getElder(db: Db, elderId: string): Promise<Elder | undefined> {
  const out = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': elderKeys.profile(elderId).pk,
        ':from': 'EMERGENCY#',
        ':to': 'PROFILE',
      },
      ConsistentRead: true,
    }),
  );
  const items = out.Items ?? [];
  const profile = items.find((i) => i.sk === 'PROFILE');
  if (!profile) return undefined;
  const emergencyContacts = items
    .filter((i) => String(i.sk).startsWith('EMERGENCY#'))
    .sort((a, b) => String(a.sk).localeCompare(String(b.sk)))
    .map((i) => strip<Elder['emergencyContacts'][number]>(i));
  return { ...strip<Elder>(profile), emergencyContacts };
}

export interface Page<T> {
  items: T[];
  cursor?: string | undefined;
}

const encodeCursor = (key: Item | undefined) =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
export const decodeCursor = (cursor: string | undefined): Item | undefined => {
  if (!cursor) return undefined;
  const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new TypeError('bad cursor');
  return parsed as Item;
};

/** Lists a county's elders (gsi1), optionally of one category, a page at a time (without emergency contacts). */
export async function listEldersByCounty(
  db: Db,
  query: { county: string; category?: Category | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<Omit<Elder, 'emergencyContacts'>>> {
  const { indexName, partitionKey, sortKey } = registerTable.byCounty;
  const out: QueryCommandOutput = await db.doc.send(
    new QueryCommand({
      TableName: db.tableName,
      IndexName: indexName,
      KeyConditionExpression: `${partitionKey} = :pk AND begins_with(${sortKey}, :prefix)`,
      ExpressionAttributeValues: {
        ':pk': `COUNTY#${query.county}`,
        ':prefix': `ELDER#${query.category ?? ''}`,
      },
      Limit: query.limit,
      ExclusiveStartKey: decodeCursor(query.cursor),
    }),
  );
  return { items: (out.Items ?? []).map((i) => strip(i)), cursor: encodeCursor(out.LastEvaluatedKey) };
}

/** Lists the ids of elders whose category may change on this date (sparse gsi2). */
export async function eldersOnAgeLine(db: Db, date: IsoDate): Promise<string[]> {
  const { indexName, partitionKey } = registerTable.byAgeLine;
  const ids: string[] = [];
  const pages = paginateQuery(
    { client: db.doc },
    {
      TableName: db.tableName,
      IndexName: indexName,
      KeyConditionExpression: `${partitionKey} = :pk`,
      ExpressionAttributeValues: { ':pk': `AGELINE#${date}` },
      ProjectionExpression: 'id',
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) ids.push(String(item.id));
  return ids;
}

/** Reads an elder's audit trail, oldest first. */
export async function listAudit(db: Db, elderId: string): Promise<AuditEntry[]> {
  return (await queryPrefix(db, elderKeys.profile(elderId).pk, 'AUDIT#')).map((i) => strip<AuditEntry>(i));
}

/** Reads an elder's refusal records, oldest first. */
export async function listRefusals(db: Db, elderId: string): Promise<RefusalRecord[]> {
  return (await queryPrefix(db, elderKeys.profile(elderId).pk, 'REFUSAL#')).map((i) =>
    strip<RefusalRecord>(i),
  );
}

/** The fields of a register search (shared/register/search.ts `SearchRow`). */
const SEARCH_FIELDS = [
  'id',
  'name',
  'gender',
  'birthDate',
  'idNumber',
  'phone',
  'region',
  'category',
  'computedCategory',
  'status',
  'consent',
  'contactId',
  'registeredOn',
] as const;

/**
 * A county's elders projected to what a register search filters, sorts and shows (issue 13): gsi1
 * `COUNTY#<county>` begins_with `ELDER#`, every page. Read capacity is billed on the items' whole size
 * (a projection does not lower it); `meter` adds up what DynamoDB reports.
 */
export async function readSearchRows(
  db: Db,
  county: string,
  meter: { units: number; pages: number } = { units: 0, pages: 0 },
): Promise<SearchRow[]> {
  const names = Object.fromEntries(SEARCH_FIELDS.map((f, i) => [`#f${i}`, f]));
  const { indexName, partitionKey, sortKey } = registerTable.byCounty;
  const rows: SearchRow[] = [];
  let start: Item | undefined;
  do {
    const page = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: indexName,
        KeyConditionExpression: `${partitionKey} = :pk AND begins_with(${sortKey}, :prefix)`,
        ExpressionAttributeValues: { ':pk': `COUNTY#${county}`, ':prefix': 'ELDER#' },
        ExpressionAttributeNames: names,
        ProjectionExpression: Object.keys(names).join(', '),
        ReturnConsumedCapacity: 'TOTAL',
        ExclusiveStartKey: start,
      }),
    );
    meter.pages++;
    meter.units += page.ConsumedCapacity?.CapacityUnits ?? 0;
    for (const item of page.Items ?? []) rows.push(item as SearchRow);
    start = page.LastEvaluatedKey;
  } while (start);
  return rows;
}

/**
 * The search rows of a few elders by id (an exact ID number or phone number names at most a few):
 * one consistent read of each profile.
 */
export async function getSearchRows(db: Db, ids: readonly string[]): Promise<SearchRow[]> {
  const rows = await Promise.all(
    [...new Set(ids)].map(async (id) => {
      const out = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: elderKeys.profile(id), ConsistentRead: true }),
      );
      return out.Item ? (strip<Elder>(out.Item) as SearchRow) : undefined;
    }),
  );
  return rows.filter((r): r is SearchRow => r !== undefined);
}
