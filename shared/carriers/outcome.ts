import { createHash } from 'node:crypto';

/**
 * The carrier-neutral shapes the domestic carriers' adapters produce (issue 12). Pure: no network.
 *
 * A carrier pushes its receipts in batches, repeats a batch it thinks was lost and never promises an
 * order; the functions here make a batch, a repeat and a shuffle give the same result. h11core's phone
 * contract (issue 11) may name these differently: the lead maps one onto the other when merging.
 */

export const CARRIERS = ['aliyun', 'tencent'] as const;
export type Carrier = (typeof CARRIERS)[number];

/**
 * What one check-in call attempt came to, as the engine needs it.
 * - `pressed1` / `pressed2` / `pressedOther`: answered, and the person pressed that key;
 * - `answeredNoKey`: answered (or voicemail) and no key: not proof that a person answered;
 * - `noAnswer`: rang out, switched off or out of reach: the elder's silence, retried;
 * - `busy`: the line was busy;
 * - `rejected`: the number is invalid, suspended or refuses the call: retrying will not help;
 * - `providerFailure`: the carrier or our account failed (limits, display number, system error):
 *   never the elder's silence.
 */
export const CALL_OUTCOMES = [
  'pressed1',
  'pressed2',
  'pressedOther',
  'answeredNoKey',
  'noAnswer',
  'busy',
  'rejected',
  'providerFailure',
] as const;
export type CallOutcomeKind = (typeof CALL_OUTCOMES)[number];

export interface CallOutcome {
  carrier: Carrier;
  /** the carrier's call id (Alibaba `call_id`, Tencent `callid`) */
  callId: string;
  /** what we sent as the call's out id / session context, when the receipt carries it */
  outId?: string;
  outcome: CallOutcomeKind;
  /** the carrier's own status or failure code, kept as it came (`200002`, `failure:8`, …) */
  carrierCode: string;
  /** the keys pressed, as the carrier reported them */
  keys?: string;
  /** ISO-8601 with offset */
  startedAt?: string;
  endedAt?: string;
  durationSeconds?: number;
}

/** A text an elder or a contact sent to us. */
export interface InboundText {
  carrier: Carrier;
  /** E.164 when the carrier's number could be read as one, else as the carrier sent it */
  from: string;
  /** our number or the extension code the reply came to */
  to: string;
  body: string;
  /** the carrier's message id; stable across repeats of the same push */
  carrierMessageId: string;
  /** ISO-8601 with offset */
  receivedAt: string;
}

/** A delivery receipt for a text we sent. */
export interface DeliveryReceipt {
  carrier: Carrier;
  /** the id the send returned (Alibaba `BizId`, Tencent `SerialNo`) */
  carrierMessageId: string;
  status: 'delivered' | 'failed';
  /** the carrier's report code (`DELIVERED`, `DELIVRD`, `MK:0001`, …) */
  code: string;
  /** ISO-8601 with offset */
  at?: string;
}

/** A send or a dial the carrier refused; `retryable` says whether a later try can succeed. */
export class CarrierRefused extends Error {
  override readonly name = 'CarrierRefused';
  constructor(
    readonly carrier: Carrier,
    readonly code: string,
    readonly retryable: boolean,
    message?: string,
  ) {
    super(`${carrier} refused (${code})${message ? `: ${message}` : ''}`);
  }
}

/**
 * The carrier's error code of an SDK error, or `Transport` for a network error (`ECONNRESET`, a timeout):
 * a transport error is retryable, since the engine claims an attempt before it dials and never dials a
 * claimed attempt twice.
 */
export function carrierCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || code === '' || /^E[A-Z_]+$/.test(code)) return 'Transport';
  return code;
}

/**
 * How much a call outcome says, for merging several receipts of one call: a key beats an answer without
 * one, an answer beats a failed dial, and what the elder's phone did beats a carrier failure. Among keys,
 * 2 (help) ranks highest, so a call for help is never lost to a later 1.
 */
export const OUTCOME_RANK: Record<CallOutcomeKind, number> = {
  pressed2: 7,
  pressed1: 6,
  pressedOther: 5,
  answeredNoKey: 4,
  busy: 3,
  noAnswer: 3,
  rejected: 3,
  providerFailure: 1,
};

/** The outcome keys say, from the keys pressed in order ('' = none): any 2 is a call for help. */
export function outcomeOfKeys(
  keys: string | undefined,
): 'pressed1' | 'pressed2' | 'pressedOther' | undefined {
  const pressed = (keys ?? '').replace(/[^0-9*#]/g, '');
  if (pressed === '') return undefined;
  if (pressed.includes('2')) return 'pressed2';
  if (pressed[0] === '1') return 'pressed1';
  return 'pressedOther';
}

/**
 * One outcome per call from any number of receipts, in any order, repeated or not: the highest-ranked
 * (`OUTCOME_RANK`) wins; ties go to the receipt with more detail, then to the larger code, so the result
 * never depends on the order of arrival.
 *
 * @example settleCalls([{ callId: 'c1', outcome: 'answeredNoKey', … }, { callId: 'c1', outcome: 'pressed1', … }])
 *   // → [{ callId: 'c1', outcome: 'pressed1', … }]
 */
export function settleCalls(outcomes: readonly CallOutcome[]): CallOutcome[] {
  const best = new Map<string, CallOutcome>();
  for (const o of outcomes) {
    const key = `${o.carrier}:${o.callId}`;
    const known = best.get(key);
    best.set(key, known && compareOutcome(known, o) >= 0 ? mergeDetail(known, o) : mergeDetail(o, known));
  }
  return [...best.values()].sort((a, b) => (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0));
}

function compareOutcome(a: CallOutcome, b: CallOutcome): number {
  const rank = OUTCOME_RANK[a.outcome] - OUTCOME_RANK[b.outcome];
  if (rank !== 0) return rank;
  const detail = detailOf(a) - detailOf(b);
  if (detail !== 0) return detail;
  return a.carrierCode === b.carrierCode ? 0 : a.carrierCode > b.carrierCode ? 1 : -1;
}
const detailOf = (o: CallOutcome) =>
  [o.outId, o.keys, o.startedAt, o.endedAt, o.durationSeconds].filter((v) => v !== undefined).length;

/** The winner, with the times and out id a losing receipt of the same call knew and it did not. */
function mergeDetail(winner: CallOutcome, other: CallOutcome | undefined): CallOutcome {
  if (!other) return winner;
  const merged: CallOutcome = { ...winner };
  for (const field of ['outId', 'startedAt', 'endedAt', 'durationSeconds'] as const) {
    if (merged[field] === undefined && other[field] !== undefined)
      Object.assign(merged, { [field]: other[field] });
  }
  return merged;
}

/** Each inbound text once, however often it was pushed, ordered by arrival time then id. */
export function uniqueInbound(texts: readonly InboundText[]): InboundText[] {
  const seen = new Map<string, InboundText>();
  for (const t of texts) {
    const key = `${t.carrier}:${t.carrierMessageId}`;
    if (!seen.has(key)) seen.set(key, t);
  }
  return [...seen.values()].sort(
    (a, b) =>
      Date.parse(a.receivedAt) - Date.parse(b.receivedAt) ||
      (a.carrierMessageId < b.carrierMessageId ? -1 : a.carrierMessageId > b.carrierMessageId ? 1 : 0),
  );
}

/**
 * One receipt per sent text: `delivered` beats `failed` (a carrier that retried and then delivered must not
 * have the earlier failure win because it arrived last); ties keep the larger code, whatever the order.
 */
export function settleReceipts(receipts: readonly DeliveryReceipt[]): DeliveryReceipt[] {
  const best = new Map<string, DeliveryReceipt>();
  for (const r of receipts) {
    const key = `${r.carrier}:${r.carrierMessageId}`;
    const known = best.get(key);
    if (!known) {
      best.set(key, r);
      continue;
    }
    const rank = (x: DeliveryReceipt) => (x.status === 'delivered' ? 1 : 0);
    if (rank(r) > rank(known) || (rank(r) === rank(known) && r.code > known.code)) best.set(key, r);
  }
  return [...best.values()].sort((a, b) =>
    a.carrierMessageId < b.carrierMessageId ? -1 : a.carrierMessageId > b.carrierMessageId ? 1 : 0,
  );
}

/**
 * A mainland number as E.164: `13800138000`, `8613800138000` and `+8613800138000` all give
 * `+8613800138000`; anything else comes back trimmed, as the carrier sent it.
 */
export function toE164(number: string, nationCode = '86'): string {
  const digits = number.trim().replace(/^\+/, '');
  if (/^1\d{10}$/.test(digits) && nationCode === '86') return `+86${digits}`;
  if (/^861\d{10}$/.test(digits)) return `+${digits}`;
  return number.trim();
}

/** The 11-digit national form the mainland carriers take for a mobile number. */
export function nationalMobile(e164: string): string {
  const digits = e164.trim().replace(/^\+?86/, '');
  if (!/^1\d{10}$/.test(digits))
    throw new CarrierRefused('aliyun', 'InvalidNumber', false, 'not a mainland mobile');
  return digits;
}

/** A Beijing-time carrier timestamp (`2017-01-01 00:00:00`) as ISO-8601 with its +08:00 offset. */
export function beijingTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(value.trim());
  if (m) return `${m[1]}T${m[2]}+08:00`;
  const compact = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value.trim());
  if (compact)
    return `${compact[1]}-${compact[2]}-${compact[3]}T${compact[4]}:${compact[5]}:${compact[6]}+08:00`;
  return undefined;
}

/** Unix seconds as ISO-8601 in Beijing time. */
export function fromUnixSeconds(seconds: number): string {
  const shifted = new Date(seconds * 1000 + 8 * 3600_000).toISOString().slice(0, 19);
  return `${shifted}+08:00`;
}

/**
 * A carrier out id of at most 15 ASCII bytes (Alibaba's IvrCall limit) for an attempt: the first 15
 * characters of the base64url SHA-256 of the attempt's key (90 bits: no collision in practice). The engine
 * stores it beside the call id, so a receipt that overtakes the dial's answer still finds its attempt.
 *
 * @example outIdFor('checkIn:CHK#e1#2026-12-08:1') // → 15 characters of [A-Za-z0-9_-]
 */
export function outIdFor(attemptKey: string): string {
  return createHash('sha256').update(attemptKey).digest('base64url').slice(0, 15);
}
