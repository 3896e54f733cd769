import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../store/client.js';
import { phoneKeys } from '../store/keys.js';
import type { ProviderLimits } from './config.js';

/** Keeps every dispatcher, however many run at once, under the provider's limits. */
export interface Pacer {
  /** waits for the next slot of new calls (per second) */
  callSlot(): Promise<void>;
  /** takes one of the calls-in-progress places; false when all are taken */
  startCall(): Promise<boolean>;
  /** gives a place back (the call ended, or was never placed) */
  endCall(): Promise<void>;
  /** waits until `parts` SMS parts may go */
  smsSlot(parts: number): Promise<void>;
}

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
  return {
    callSlot: () => slot('calls', 1000 / limits.callsPerSecond),
    smsSlot: (parts) => slot('sms', (1000 / limits.smsPartsPerSecond) * parts),
    startCall: async () => {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: key,
            UpdateExpression: 'ADD #count :one',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':one': 1, ':max': limits.callsInProgress },
          }),
        );
        return true;
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') return false;
        throw error;
      }
    },
    endCall: async () => {
      try {
        await db.doc.send(
          new UpdateCommand({
            TableName: db.tableName,
            Key: key,
            UpdateExpression: 'ADD #count :minus',
            ConditionExpression: '#count > :zero',
            ExpressionAttributeNames: { '#count': 'count' },
            ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
          }),
        );
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    },
  };
}
