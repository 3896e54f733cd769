import * as z from 'zod';
import { isQuietHour, localMinuteOfDay } from '../phone/windows.js';
import type { Carrier } from './outcome.js';

/**
 * The domestic carriers' own rules, beside Anxin's (issue 12, part 4). Pure: every function takes `now`.
 *
 * - Per-callee frequency limits: rolling windows (the carriers count from the first call, not by the
 *   clock), and a night window in which only a few calls may reach one number.
 * - The carriers' quiet hours, on top of Anxin's 21:00-08:00 for elders.
 * - SMS parts counted as the carriers bill them.
 *
 * Sources (checked): Alibaba voice 1/min, 5/h, 20/24 h per callee, calls that fail count too
 * (https://help.aliyun.com/document_detail/2680293.html); Alibaba notification texts 50 per 24 h per
 * signature, template and number (https://help.aliyun.com/document_detail/2881383.html); Tencent voice
 * notifications 1 per 30 s, 2 per 10 min, 5 a day and 1 between 22:00 and 08:00 per callee
 * (https://cloud.tencent.com/document/product/213/38004). Tencent SMS, 1 per 30 s (same content) and 10 a
 * day per number, is from a Tencent Cloud community article, not the product docs: check the console.
 */

export const FrequencyWindow = z.object({
  /** the rolling window, seconds */
  seconds: z.number().int().positive(),
  /** sends allowed to one callee within it */
  max: z.number().int().positive(),
});
export type FrequencyWindow = z.infer<typeof FrequencyWindow>;

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const CarrierLimits = z.object({
  windows: z.array(FrequencyWindow).min(1),
  /** a nightly window (local time, may wrap midnight) in which at most `max` sends reach one callee */
  night: z.object({ from: HHMM, until: HHMM, max: z.number().int().nonnegative() }).optional(),
});
export type CarrierLimits = z.infer<typeof CarrierLimits>;

/** The brief's shorthand: per minute, hour and day (rolling). */
export function perMinuteHourDay(perMinute: number, perHour: number, perDay: number): FrequencyWindow[] {
  return [
    { seconds: 60, max: perMinute },
    { seconds: 3600, max: perHour },
    { seconds: 86_400, max: perDay },
  ];
}

export const CarrierRules = z.object({ voice: CarrierLimits, sms: CarrierLimits });
export type CarrierRules = z.infer<typeof CarrierRules>;

/** The documented defaults; a county's configuration may override each (after raising it with the carrier). */
export const DEFAULT_CARRIER_RULES: Record<Carrier, CarrierRules> = {
  aliyun: {
    voice: { windows: perMinuteHourDay(1, 5, 20) },
    sms: { windows: [{ seconds: 86_400, max: 50 }] },
  },
  tencent: {
    voice: {
      windows: [
        { seconds: 30, max: 1 },
        { seconds: 600, max: 2 },
        { seconds: 86_400, max: 5 },
      ],
      night: { from: '22:00', until: '08:00', max: 1 },
    },
    sms: {
      windows: [
        { seconds: 30, max: 1 },
        { seconds: 86_400, max: 10 },
      ],
    },
  },
};

export type FrequencyVerdict =
  | { allowed: true }
  | { allowed: false; until: Date; reason: 'window' | 'night'; window?: FrequencyWindow };

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The start of the night window `at` falls in, or undefined when it is not night. */
function nightStart(at: Date, night: NonNullable<CarrierLimits['night']>): Date | undefined {
  const from = minutesOf(night.from);
  const until = minutesOf(night.until);
  const minute = localMinuteOfDay(at);
  const inside = from < until ? minute >= from && minute < until : minute >= from || minute < until;
  if (!inside) return undefined;
  const sinceStart = (minute - from + 1440) % 1440;
  return new Date(at.getTime() - sinceStart * 60_000);
}

function nightEnd(start: Date, night: NonNullable<CarrierLimits['night']>): Date {
  const length = (minutesOf(night.until) - minutesOf(night.from) + 1440) % 1440;
  return new Date(start.getTime() + length * 60_000);
}

/**
 * Whether one more call or text may go to a callee now, given when earlier ones went (to that callee,
 * through that carrier, calls and texts counted apart), and if not, the first instant it may.
 *
 * @example checkFrequency(['2026-12-08T02:00:00Z'], new Date('2026-12-08T02:00:30Z'), DEFAULT_CARRIER_RULES.aliyun.voice)
 *   // { allowed: false, until: 2026-12-08T02:01:00Z, reason: 'window', window: { seconds: 60, max: 1 } }
 */
export function checkFrequency(
  history: readonly (string | Date)[],
  now: Date,
  limits: CarrierLimits,
): FrequencyVerdict {
  const times = history
    .map((t) => new Date(t).getTime())
    .filter((t) => t <= now.getTime())
    .sort((a, b) => a - b);
  let at = now.getTime();
  let verdict: FrequencyVerdict = { allowed: true };
  // moving past one window can land inside another: repeat until every rule lets `at` through
  for (let round = 0; round < 10; round++) {
    let moved = false;
    for (const window of limits.windows) {
      const inside = times.filter((t) => t > at - window.seconds * 1000 && t <= at);
      if (inside.length >= window.max) {
        const oldestToDrop = inside[inside.length - window.max] as number;
        at = oldestToDrop + window.seconds * 1000;
        verdict = { allowed: false, until: new Date(at), reason: 'window', window };
        moved = true;
      }
    }
    if (limits.night) {
      const start = nightStart(new Date(at), limits.night);
      if (start) {
        const inNight = times.filter((t) => t >= start.getTime() && t <= at).length;
        if (inNight >= limits.night.max) {
          at = nightEnd(start, limits.night).getTime();
          verdict = { allowed: false, until: new Date(at), reason: 'night' };
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  return verdict;
}

/** Each carrier's own quiet hours for automated calls (local time), besides Anxin's. */
export const CARRIER_QUIET_HOURS: Record<Carrier, { from: string; until: string } | undefined> = {
  aliyun: undefined,
  tencent: { from: '22:00', until: '08:00' },
};

/**
 * True when a call or text may reach this callee now: never an elder in Anxin's quiet hours
 * (21:00-08:00), never anyone in the carrier's own quiet hours. Contacts and relatives may be reached at
 * night for an open case, unless the carrier forbids it.
 */
export function mayReachNow(
  at: Date,
  input: { carrier: Carrier; toElder: boolean; quietHours?: { from: string; until: string } | undefined },
): boolean {
  if (input.toElder && isQuietHour(at)) return false;
  const quiet = 'quietHours' in input ? input.quietHours : CARRIER_QUIET_HOURS[input.carrier];
  return !quiet || nightStart(at, { ...quiet, max: 0 }) === undefined;
}

/**
 * SMS parts as the mainland carriers bill them: signature and text together, every character (Chinese,
 * letter, digit, punctuation, space) counting one; up to 70 is one part, a longer text is cut in parts of
 * 67. A text of plain ASCII is billed the same way on the domestic carriers (no GSM-7 packing).
 *
 * @example carrierSmsParts('【安心】陈伯您好，平安回访：平安请回复1，需要帮助请回复2。') // 1
 */
export function carrierSmsParts(text: string): number {
  const length = [...text].length;
  if (length === 0) return 0;
  return length <= 70 ? 1 : Math.ceil(length / 67);
}
