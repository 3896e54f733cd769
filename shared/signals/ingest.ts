import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { msg } from '../i18n/messages.js';
import { SIGNAL_EVENTS, VENDOR_ID } from './model.js';

/**
 * The ingestion format of vendor platforms (docs/signals.md): a JSON batch signed with HMAC-SHA256
 * over `<timestamp>.<raw body>` under the shared secret, the timestamp (Unix seconds) in
 * `x-anxin-timestamp` and the signature as `v1=<hex>` in `x-anxin-signature`. A timestamp more than
 * five minutes from our clock is refused, so a captured request cannot be replayed later; within the
 * window a replay stores nothing new (readings are idempotent).
 */

/**
 * The signals secret of `npm start` and the tests: LOCAL ONLY. It is public (it is in this file), so a
 * deployed stack never uses it: there the secret comes from Secrets Manager (SIGNALS_SECRET_ARN).
 */
export const LOCAL_DEV_SIGNALS_SECRET = 'anxin-local-dev-only-signals-secret-not-for-aws';

export const SIGNATURE_HEADER = 'x-anxin-signature';
export const TIMESTAMP_HEADER = 'x-anxin-timestamp';
/** How far the timestamp may be from our clock, either way. */
export const REPLAY_WINDOW_SECONDS = 300;
export const MAX_BATCH = 500;

const mac = (secret: string, timestamp: string, body: Buffer | string) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');

/**
 * The signature header value for a body sent at `timestamp` (Unix seconds).
 * @example signBatch(secret, '1765760400', '{"vendor":"acme","readings":[]}') // 'v1=5d4c…'
 */
export function signBatch(secret: string, timestamp: string, body: Buffer | string): string {
  return `v1=${mac(secret, timestamp, body)}`;
}

export type BatchRefusal = 'unsigned' | 'forged' | 'stale';

/** Checks timestamp and signature (constant time). An empty secret never verifies. */
export function verifyBatch(
  secret: string | undefined,
  headers: Record<string, string | undefined>,
  body: Buffer,
  now: Date,
): { ok: true } | { ok: false; reason: BatchRefusal } {
  const timestamp = headers[TIMESTAMP_HEADER];
  const signature = headers[SIGNATURE_HEADER];
  if (!secret || !timestamp || !signature || !/^\d{9,11}$/.test(timestamp))
    return { ok: false, reason: 'unsigned' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > REPLAY_WINDOW_SECONDS)
    return { ok: false, reason: 'stale' };
  const given = Buffer.from(signature);
  const expected = Buffer.from(signBatch(secret, timestamp, body));
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'forged' };
  return { ok: true };
}

const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, msg('datetime.format'))
  .refine((s) => !Number.isNaN(Date.parse(s)), msg('datetime.format'));

export const readingInputSchema = z
  .strictObject({
    deviceId: z.string().regex(VENDOR_ID, msg('device.vendorId')),
    at: instant,
    eventId: z.string().regex(VENDOR_ID).optional(),
    /** a meter's running total: m³ (water) or kWh (electricity) */
    value: z.number().finite().min(0).optional(),
    event: z.enum(SIGNAL_EVENTS).optional(),
  })
  .refine((r) => (r.value === undefined) !== (r.event === undefined), {
    message: '须有读数 value 或事件 event 之一 / Exactly one of value or event',
  });

export const batchSchema = z.strictObject({
  vendor: z.string().regex(VENDOR_ID, msg('device.vendorId')),
  readings: z.array(z.unknown()).max(MAX_BATCH, msg('signals.tooMany')),
});
