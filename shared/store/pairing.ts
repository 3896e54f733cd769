import { randomInt } from 'node:crypto';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { allocateCode } from '../homevisits/codes.js';
import type { AuditEntry, Elder } from '../register/elder.js';
import type { Db } from './client.js';
import { queryPrefix } from './query.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Pairing of elders with their visit contact, kept beside the contact so that a contact's elders are
 * one Query, not a scan:
 * - `CONTACT#<contactId> / PAIRED#<elderId>`: the pairing index (elder, code, since when);
 * - `CONTACT#<contactId> / CODE#<code>`: the home-visit code, unique among the contact's elders
 *   (written with `attribute_not_exists`, so two pairings racing for one code cannot both win);
 * - `ELDER#<elderId> / TRAIL#PAIRING#<at>#<version>`: one history item per change (who, when, from,
 *   to); it sorts after `PROFILE`, so it stays outside getElder's `EMERGENCY#`..`PROFILE` range.
 * All three are written in the elder's own transaction (createElder / replaceElder).
 */
export const pairingKeys = {
  paired: (contactId: string, elderId: string) => ({ pk: `CONTACT#${contactId}`, sk: `PAIRED#${elderId}` }),
  code: (contactId: string, code: string) => ({ pk: `CONTACT#${contactId}`, sk: `CODE#${code}` }),
  history: (elderId: string, at: string, version: number) => ({
    pk: `ELDER#${elderId}`,
    sk: `TRAIL#PAIRING#${at}#${String(version).padStart(8, '0')}`,
  }),
  attempt: (elderId: string, at: string, id: string) => ({
    pk: `ELDER#${elderId}`,
    sk: `ATTEMPT#${at}#${id}`,
  }),
};

export interface Pairing {
  contactId: string;
  elderId: string;
  code: string;
  pairedAt: string;
}

export interface PairingChange {
  elderId: string;
  at: string;
  by: string;
  from: string | null;
  to: string | null;
  /** the home-visit code under the new contact */
  code: string | null;
}

/** Reads the pairing of one elder with one contact. */
export async function getPairing(db: Db, contactId: string, elderId: string): Promise<Pairing | undefined> {
  const out = await db.doc.send(
    new GetCommand({
      TableName: db.tableName,
      Key: pairingKeys.paired(contactId, elderId),
      ConsistentRead: true,
    }),
  );
  if (!out.Item) return undefined;
  const { pk: _p, sk: _s, type: _t, ...pairing } = out.Item;
  return pairing as Pairing;
}

/** Lists a contact's paired elders with their codes (Query `CONTACT#id`, `PAIRED#…`). */
export async function listPairings(db: Db, contactId: string): Promise<Pairing[]> {
  return (await queryPrefix(db, `CONTACT#${contactId}`, 'PAIRED#')).map(
    ({ pk: _p, sk: _s, type: _t, ...p }) => p as unknown as Pairing,
  );
}

/** The elder a contact's home-visit code names (GetItem `CONTACT#id / CODE#code`). */
export async function elderIdByCode(db: Db, contactId: string, code: string): Promise<string | undefined> {
  const out = await db.doc.send(
    new GetCommand({ TableName: db.tableName, Key: pairingKeys.code(contactId, code), ConsistentRead: true }),
  );
  return out.Item?.elderId as string | undefined;
}

/** An elder's pairing history, oldest first (Query `ELDER#id`, `TRAIL#PAIRING#…`). */
export async function listPairingHistory(db: Db, elderId: string): Promise<PairingChange[]> {
  return (await queryPrefix(db, `ELDER#${elderId}`, 'TRAIL#PAIRING#')).map(
    ({ pk: _p, sk: _s, type: _t, ...c }) => c as unknown as PairingChange,
  );
}

/** Reads elder profiles by id (BatchGet, 100 at a time); missing ones are left out. */
export async function getElderProfiles(
  db: Db,
  elderIds: readonly string[],
): Promise<Omit<Elder, 'emergencyContacts'>[]> {
  const out: Omit<Elder, 'emergencyContacts'>[] = [];
  for (let i = 0; i < elderIds.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = elderIds
      .slice(i, i + 100)
      .map((id) => ({ pk: `ELDER#${id}`, sk: 'PROFILE' }));
    for (let tries = 0; keys && keys.length > 0 && tries < 8; tries++) {
      const res = await db.doc.send(
        new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: keys } } }),
      );
      for (const item of res.Responses?.[db.tableName] ?? []) {
        const { pk: _p, sk: _s, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, type: _t, ...elder } = item;
        out.push(elder as Omit<Elder, 'emergencyContacts'>);
      }
      keys = res.UnprocessedKeys?.[db.tableName]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return out;
}

/**
 * The transaction items that move an elder's pairing when its contact changes (nothing when it does
 * not): delete the old pairing and code, claim a free code under the new contact, append history.
 * Reads the codes in use first; the code's condition catches a concurrent pairing that took the same
 * code (the transaction fails and the caller reports a conflict to retry).
 */
export async function pairingChanges(
  db: Db,
  before: Pick<Elder, 'id' | 'contactId'> | undefined,
  after: Pick<Elder, 'id' | 'contactId' | 'version'>,
  audit: Pick<AuditEntry, 'at' | 'actor'>,
): Promise<TransactItem[]> {
  const from = before?.contactId ?? null;
  const to = after.contactId ?? null;
  if (from === to) return [];
  const items: TransactItem[] = [];
  if (from) {
    const old = await getPairing(db, from, after.id);
    items.push({ Delete: { TableName: db.tableName, Key: pairingKeys.paired(from, after.id) } });
    if (old) items.push({ Delete: { TableName: db.tableName, Key: pairingKeys.code(from, old.code) } });
  }
  let code: string | null = null;
  if (to) {
    const taken = new Set(
      (await queryPrefix(db, `CONTACT#${to}`, 'CODE#')).map((i) => String(i.sk).slice('CODE#'.length)),
    );
    code = allocateCode(taken, () => randomInt(1_000_000) / 1_000_000);
    const pairing: Pairing = { contactId: to, elderId: after.id, code, pairedAt: audit.at };
    items.push(
      {
        Put: {
          TableName: db.tableName,
          Item: { ...pairingKeys.paired(to, after.id), type: 'pairing', ...pairing },
        },
      },
      {
        Put: {
          TableName: db.tableName,
          Item: {
            ...pairingKeys.code(to, code),
            type: 'homeVisitCode',
            contactId: to,
            elderId: after.id,
            code,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    );
  }
  const change: PairingChange = { elderId: after.id, at: audit.at, by: audit.actor, from, to, code };
  items.push({
    Put: {
      TableName: db.tableName,
      Item: { ...pairingKeys.history(after.id, audit.at, after.version), type: 'pairingChange', ...change },
    },
  });
  return items;
}

/** Whether a cancelled transaction failed on a home-visit code another pairing took meanwhile. */
export function codeTaken(items: readonly TransactItem[], codes: readonly (string | undefined)[]): boolean {
  return codes.some(
    (c, i) => c === 'ConditionalCheckFailed' && items[i]?.Put?.Item?.type === 'homeVisitCode',
  );
}

/** A home visit that found nobody at home (`<code> 3`): kept, but it meets no obligation. */
export interface HomeVisitAttempt {
  id: string;
  elderId: string;
  contactId: string;
  at: string;
  outcome: 'notAtHome';
}

/** Stores a home-visit attempt under its elder (`ELDER#id / ATTEMPT#<time>#<id>`). */
export async function putHomeVisitAttempt(db: Db, attempt: HomeVisitAttempt): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...pairingKeys.attempt(attempt.elderId, attempt.at, attempt.id),
        type: 'homeVisitAttempt',
        ...attempt,
      },
    }),
  );
}

/** An elder's home-visit attempts, oldest first. */
export async function listHomeVisitAttempts(db: Db, elderId: string): Promise<HomeVisitAttempt[]> {
  return (await queryPrefix(db, `ELDER#${elderId}`, 'ATTEMPT#')).map(
    ({ pk: _p, sk: _s, type: _t, ...a }) => a as unknown as HomeVisitAttempt,
  );
}
