import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../store/client.js';
import { phoneKeys } from '../store/keys.js';
import type { ProviderLimits } from './config.js';

/** Keeps every dispatcher, however many run at once, under the provider's limits. */
export interface Pacer {
  /** waits for the next slot of new calls (per second) */
  callSlot(): Promise<void>;
  /**
   * takes one of the calls-in-progress places for a call (token: what the call is for); false when
   * all are taken. A place expires by itself after CALL_PLACE_MS, so a lost hang-up cannot leak it.
   */
  startCall(token: string): Promise<boolean>;
  /** gives the call's place back (it hung up, or was never placed); safe to repeat */
  endCall(token: string): Promise<void>;
  /** startCall, trying again for up to `maxWaitMs` while every place is taken */
  waitForCall(token: string, maxWaitMs: number): Promise<boolean>;
  /** waits until `parts` SMS parts may go */
  smsSlot(parts: number): Promise<void>;
}

/** A call's place among the calls in progress lapses after this, even if its hang-up is never seen. */
export const CALL_PLACE_MS = 15 * 60_000;

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/**
 * A pacer shared through the table: a slot item per kind ("the next free instant", moved forward with
 * a conditional write) and a counter of calls in progress (incremented only while under the limit).
 */
export function dynamoPacer(db: Db, limits: ProviderLimits, clock: Clock = realClock): Pacer {
  const slot = async (name: string, intervalMs: number) => {
    for (let tries = 0; tries < 50; tries++) {
      const key = phoneKeys.pace(name);
      const out = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }),
      );
      const previous = out.Item?.next as number | undefined;
      const at = Math.max(clock.now(), previous ?? 0);
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: key,
            UpdateExpression: 'SET #next = :next',
            ConditionExpression: previous === undefined ? 'attribute_not_exists(#next)' : '#next = :previous',
            ExpressionAttributeNames: { '#next': 'next' },
            ExpressionAttributeValues: {
              ':next': at + intervalMs,
              ...(previous === undefined ? {} : { ':previous': previous }),
            },
          }),
        );
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') continue;
        throw error;
      }
      const wait = at - clock.now();
      if (wait > 0) await clock.sleep(wait);
      return;
    }
    throw new Error(`pacing: no slot for ${name}`);
  };
  const key = phoneKeys.pace('inProgress');
  /** read-modify-write of the map of live places (token → expiry), guarded by a version */
  const update = async (
    change: (live: Record<string, number>) => Record<string, number> | undefined,
  ): Promise<boolean> => {
    for (let tries = 0; tries < 50; tries++) {
      const out = await db.doc.send(
        new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }),
      );
      const version = (out.Item?.version as number | undefined) ?? 0;
      const now = clock.now();
      const live = Object.fromEntries(
        Object.entries((out.Item?.calls ?? {}) as Record<string, number>).filter(([, exp]) => exp > now),
      );
      const next = change(live);
      if (!next) return false;
      try {
        await db.doc.send(
          new PutCommand({
            TableName: db.tableName,
            Item: { ...key, calls: next, version: version + 1 },
            ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
            ...(version === 0 ? {} : { ExpressionAttributeValues: { ':v': version } }),
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    throw new Error('pacing: calls in progress busy');
  };
  const pacer: Pacer = {
    callSlot: () => slot('calls', 1000 / limits.callsPerSecond),
    smsSlot: (parts) => slot('sms', (1000 / limits.smsPartsPerSecond) * parts),
    startCall: (token) =>
      update((live) =>
        token in live || Object.keys(live).length < limits.callsInProgress
          ? { ...live, [token]: clock.now() + CALL_PLACE_MS }
          : undefined,
      ),
    waitForCall: async (token, maxWaitMs) => {
      const deadline = clock.now() + maxWaitMs;
      for (;;) {
        if (await pacer.startCall(token)) return true;
        if (clock.now() >= deadline) return false;
        await clock.sleep(Math.min(1000, deadline - clock.now()));
      }
    },
    endCall: async (token) => {
      await update((live) => {
        if (!(token in live)) return undefined;
        const { [token]: _ended, ...rest } = live;
        return rest;
      });
    },
  };
  return pacer;
}
