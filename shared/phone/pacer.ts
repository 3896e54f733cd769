import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../store/client.js';
import { phoneKeys } from '../store/keys.js';
import { DEFAULT_RESERVED_FOR_PRIORITY, type ProviderLimits } from './config.js';

/** Keeps every dispatcher, however many run at once, under the provider's limits. */
export interface Pacer {
  /** waits for the next slot of new calls (per second) */
  callSlot(): Promise<void>;
  /**
   * takes one of the calls-in-progress places for a call (token: what the call is for): the place's
   * number, or undefined when all are taken. Routine calls leave `reservedForPriority` places free for
   * priority ones. A place lapses by itself after CALL_PLACE_MS, so a lost hang-up cannot leak it.
   */
  startCall(token: string, priority?: boolean): Promise<number | undefined>;
  /** gives the call's place back (it hung up, or was never placed); safe to repeat */
  endCall(token: string, place?: number): Promise<void>;
  /** startCall, trying again for up to `maxWaitMs` while every place is taken */
  waitForCall(token: string, maxWaitMs: number, priority?: boolean): Promise<number | undefined>;
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
 * a conditional write), and one item per place among the calls in progress (as many as the limit,
 * never more, whatever the number of calls): a call takes a free or lapsed place with a conditional
 * write and gives it back with a conditional delete. `carrier` keeps each carrier's limits apart.
 */
export function dynamoPacer(
  db: Db,
  limits: ProviderLimits,
  clock: Clock = realClock,
  carrier = 'chime',
): Pacer {
  const slot = async (name: string, intervalMs: number) => {
    for (let tries = 0; tries < 50; tries++) {
      const key = phoneKeys.pace(`${carrier}#${name}`);
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
  const places = phoneKeys.pacePlaces(carrier);
  /** the live places: number → token (a lapsed place is free) */
  const livePlaces = async (): Promise<Map<number, string>> => {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': places },
        ProjectionExpression: '#place, #token, #until',
        ExpressionAttributeNames: { '#place': 'place', '#token': 'token', '#until': 'until' },
        ConsistentRead: true,
      }),
    );
    const now = clock.now();
    const live = new Map<number, string>();
    for (const item of out.Items ?? [])
      if ((item.until as number) > now && (item.place as number) < limits.callsInProgress)
        live.set(item.place as number, item.token as string);
    return live;
  };
  const pacer: Pacer = {
    callSlot: () => slot('calls', 1000 / limits.callsPerSecond),
    smsSlot: (parts) => slot('sms', (1000 / limits.smsPartsPerSecond) * parts),
    startCall: async (token, priority = false) => {
      const allowed = priority
        ? limits.callsInProgress
        : Math.max(1, limits.callsInProgress - (limits.reservedForPriority ?? DEFAULT_RESERVED_FOR_PRIORITY));
      for (let tries = 0; tries < 10; tries++) {
        const live = await livePlaces();
        for (const [place, holder] of live) if (holder === token) return place;
        if (live.size >= allowed) return undefined;
        const free = Array.from({ length: limits.callsInProgress }, (_, i) => i).filter((i) => !live.has(i));
        const place = free[Math.floor(Math.random() * free.length)] as number;
        const now = clock.now();
        try {
          await db.doc.send(
            new PutCommand({
              TableName: db.tableName,
              Item: { ...phoneKeys.pacePlace(carrier, place), place, token, until: now + CALL_PLACE_MS },
              ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
              ExpressionAttributeNames: { '#until': 'until' },
              ExpressionAttributeValues: { ':now': now },
            }),
          );
          return place;
        } catch (error) {
          if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
        }
      }
      return undefined;
    },
    waitForCall: async (token, maxWaitMs, priority) => {
      const deadline = clock.now() + maxWaitMs;
      for (;;) {
        const place = await pacer.startCall(token, priority);
        if (place !== undefined) return place;
        if (clock.now() >= deadline) return undefined;
        await clock.sleep(Math.min(1000, deadline - clock.now()));
      }
    },
    endCall: async (token, place) => {
      const held = place ?? [...(await livePlaces())].find(([, holder]) => holder === token)?.[0];
      if (held === undefined) return;
      try {
        await db.doc.send(
          new DeleteCommand({
            TableName: db.tableName,
            Key: phoneKeys.pacePlace(carrier, held),
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#token': 'token' },
            ExpressionAttributeValues: { ':token': token },
          }),
        );
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    },
  };
  return pacer;
}
