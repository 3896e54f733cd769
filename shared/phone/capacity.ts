/**
 * Capacity planning (pure): the next 24 hours' calls and SMS parts against what the provider limits
 * carry inside the calling windows, which limits to ask the carrier for, and what share moved to texts
 * would finish in time.
 *
 * The model: a call holds one of `callsInProgress` for `callSeconds` on average, and at most
 * `callsPerSecond` start each second, so inside the windows the calls carried are
 * `windowSeconds × min(callsPerSecond, callsInProgress / callSeconds)`. Texts go at `smsPartsPerSecond`
 * inside the same windows (nothing reaches an elder in quiet hours). Demand due at an hour can only be
 * served from that hour on: the demand fits when, from every hour on, what falls due from then fits in
 * the window time left before the horizon ends. Demand that falls due after the horizon's last window
 * is served in the next day's windows, just as the same overnight demand before the horizon is served
 * in these: it counts from the start (a day in the steady state).
 *
 * @example
 * // the default Chime limits (1 new call a second, 10 in progress), 37 s a call, the default windows
 * // (09:00–11:30, 15:00–19:30: 7 hours) carry 10 × 25,200 / 37 ≈ 6,810 calls a day
 * adviseCapacity({ now, demand: [{ hour: '2025-07-01T01', calls: 10_700, smsParts: 0 }], windows,
 *   limits: DEFAULT_LIMITS }).carries.calls // 6810
 */
import type { Campaign } from '../campaigns/campaign.js';
import { type AudienceMember, previewCampaign } from '../campaigns/preview.js';
import { addDaysIso, dateInPolicyZone } from '../time.js';
import { DEFAULT_LIMITS, type ProviderLimits } from './config.js';
import { type CallWindow, DEFAULT_WINDOWS, effectiveWindows, localInstant } from './windows.js';

/** The mean check-in call, in seconds, until enough calls are measured (issue 11's figure). */
export const DEFAULT_CALL_SECONDS = 37;
/** Measured calls needed before their mean replaces the default. */
export const MIN_CALL_SAMPLES = 20;
export const HORIZON_HOURS = 24;
/** The metric the planner emits after each run and the alarm watches (infra/lib/phone-visits.ts). */
export const CAPACITY_METRICS = { namespace: 'Anxin/Phone', oldestDue: 'OldestDueMinutes' } as const;
/** The alarm fires when the oldest due check-in has waited longer than this. */
export const OLDEST_DUE_ALARM_MINUTES = 60;

/** Calls and SMS parts falling due in one hour (the hour's UTC start, `YYYY-MM-DDTHH`, as the due index). */
export interface DemandHour {
  hour: string;
  calls: number;
  smsParts: number;
}

export interface Demand {
  calls: number;
  smsParts: number;
}

/** The advice as the API, the dashboard and the campaign preview show it. */
export interface CapacityAdvice {
  generatedAt: string;
  horizonHours: number;
  demand: Demand;
  carries: Demand;
  exceeds: boolean;
  /** the limits that would carry the demand within the windows (never below today's), or null */
  ask: { callsPerSecond: number; callsInProgress: number } | null;
  /** the share (0–1, whole percent rounded up) and number of calls to send as texts instead, or null */
  moveToTexts: { share: number; calls: number } | null;
  /** how long the oldest due check-in has waited, or null when nothing is overdue */
  oldestDueMinutes: number | null;
}

export interface CapacityInput {
  now: Date;
  /** demand per hour; hours before `now` are the backlog, due now */
  demand: readonly DemandHour[];
  windows?: readonly CallWindow[];
  limits: ProviderLimits;
  /** the mean call length in seconds (default 37) */
  callSeconds?: number;
  /** SMS parts one check-in text takes, for calls moved to texts (default 1) */
  partsPerText?: number;
  /** when the oldest due check-in fell due (ISO), if any is waiting */
  oldestDueAt?: string | null;
  horizonHours?: number;
}

/** Calling-window seconds between two instants (Asia/Shanghai windows, quiet hours excluded). */
export function windowSecondsBetween(from: Date, to: Date, windows: readonly CallWindow[]): number {
  if (to <= from) return 0;
  const own = effectiveWindows(windows.length > 0 ? windows : DEFAULT_WINDOWS);
  const eff = own.length > 0 ? own : effectiveWindows(DEFAULT_WINDOWS);
  let ms = 0;
  const last = dateInPolicyZone(to);
  for (let date = addDaysIso(dateInPolicyZone(from), -1); date <= last; date = addDaysIso(date, 1)) {
    for (const w of eff) {
      const start = Math.max(localInstant(date, w.start).getTime(), from.getTime());
      const end = Math.min(localInstant(date, w.end).getTime(), to.getTime());
      if (end > start) ms += end - start;
    }
  }
  return ms / 1000;
}

/** The calls a second the limits sustain: new calls a second, or the calls in progress turned over. */
export function callRate(limits: ProviderLimits, callSeconds: number): number {
  return Math.min(limits.callsPerSecond, limits.callsInProgress / callSeconds);
}

/**
 * The mean length of measured voice calls (placed to ended), or the default while fewer than
 * `MIN_CALL_SAMPLES` are measured.
 * @example meanCallSeconds([{ channel: 'voice', placedAt: '…T01:00:00Z', endedAt: '…T01:00:40Z' }]) // 37 (too few)
 */
export function meanCallSeconds(
  attempts: readonly { channel?: string; placedAt?: string; endedAt?: string }[],
  minSamples = MIN_CALL_SAMPLES,
): number {
  const lengths = attempts
    .filter((a) => a.channel !== 'sms' && a.placedAt && a.endedAt)
    .map((a) => (Date.parse(a.endedAt as string) - Date.parse(a.placedAt as string)) / 1000)
    .filter((s) => Number.isFinite(s) && s > 0 && s < 3600);
  if (lengths.length < minSamples) return DEFAULT_CALL_SECONDS;
  return lengths.reduce((a, b) => a + b, 0) / lengths.length;
}

const hourStart = (hour: string) => Date.parse(`${hour}:00:00.000Z`);

/**
 * Demand against the limits over the next `horizonHours` (24).
 *
 * @example
 * // routine demand for 60,000 elders, about 10,700 calls a day, at the default Chime limits:
 * // carries 6,810 (63%), exceeds; ask for 16 calls in progress (1 a second is enough);
 * // moving 37% of the calls (3,890) to texts finishes the day
 */
export function adviseCapacity(input: CapacityInput): CapacityAdvice {
  const { now, limits } = input;
  const windows = input.windows ?? DEFAULT_WINDOWS;
  const callSeconds = input.callSeconds ?? DEFAULT_CALL_SECONDS;
  const partsPerText = input.partsPerText ?? 1;
  const horizonHours = input.horizonHours ?? HORIZON_HOURS;
  const end = new Date(now.getTime() + horizonHours * 3_600_000);

  // demand per starting instant, inside the horizon; backlog starts now
  const byStart = new Map<number, Demand>();
  const demand: Demand = { calls: 0, smsParts: 0 };
  for (const d of input.demand) {
    let at = Math.max(hourStart(d.hour), now.getTime());
    if (!Number.isFinite(at) || at >= end.getTime()) continue;
    // due after the horizon's last window: served in the next day's windows, as the same overnight
    // demand before the horizon is served in these (the backlog): counted from the start
    if (windowSecondsBetween(new Date(at), end, windows) <= 0) at = now.getTime();
    const slot = byStart.get(at) ?? { calls: 0, smsParts: 0 };
    slot.calls += d.calls;
    slot.smsParts += d.smsParts;
    byStart.set(at, slot);
    demand.calls += d.calls;
    demand.smsParts += d.smsParts;
  }

  const totalSeconds = windowSecondsBetween(now, end, windows);
  const rate = callRate(limits, callSeconds);
  const carries: Demand = {
    calls: Math.floor(totalSeconds * rate),
    smsParts: Math.floor(totalSeconds * limits.smsPartsPerSecond),
  };

  // every suffix: what falls due from t on against the window time left after t
  const starts = [...byStart.keys()].sort((a, b) => b - a);
  let suffixCalls = 0;
  let suffixParts = 0;
  let neededRate = 0; // calls a second the worst suffix needs
  let callShare = 1; // the smallest share of a suffix's calls the limits carry
  let textsFit = true;
  const suffixes: { seconds: number; calls: number; parts: number }[] = [];
  for (const t of starts) {
    const slot = byStart.get(t) as Demand;
    suffixCalls += slot.calls;
    suffixParts += slot.smsParts;
    const seconds = windowSecondsBetween(new Date(t), end, windows);
    if (seconds <= 0) continue; // no calling window at all in the horizon
    suffixes.push({ seconds, calls: suffixCalls, parts: suffixParts });
    neededRate = Math.max(neededRate, suffixCalls / seconds);
    if (suffixCalls > 0) callShare = Math.min(callShare, (seconds * rate) / suffixCalls);
    if (suffixParts > seconds * limits.smsPartsPerSecond) textsFit = false;
  }
  const callsExceed = neededRate > rate + 1e-9;
  const exceeds = callsExceed || !textsFit;

  const ask = callsExceed
    ? {
        callsPerSecond: Math.max(limits.callsPerSecond, Math.ceil(neededRate)),
        callsInProgress: Math.max(limits.callsInProgress, Math.ceil(neededRate * callSeconds)),
      }
    : null;

  let moveToTexts: CapacityAdvice['moveToTexts'] = null;
  if (callsExceed) {
    const share = Math.ceil((1 - callShare) * 100 - 1e-9) / 100;
    // the moved calls' texts must fit too, from every hour on
    const fits = suffixes.every(
      (s) => s.parts + share * s.calls * partsPerText <= s.seconds * limits.smsPartsPerSecond,
    );
    if (fits && share < 1) moveToTexts = { share, calls: Math.ceil(share * demand.calls) };
  }

  const oldest = input.oldestDueAt ? Date.parse(input.oldestDueAt) : Number.NaN;
  return {
    generatedAt: now.toISOString(),
    horizonHours,
    demand,
    carries,
    exceeds,
    ask,
    moveToTexts,
    oldestDueMinutes: Number.isFinite(oldest)
      ? Math.max(0, Math.floor((now.getTime() - oldest) / 60_000))
      : null,
  };
}

/** Adds demand (a campaign's own rounds) to a forecast's hours. */
export function addDemand(a: readonly DemandHour[], b: readonly DemandHour[]): DemandHour[] {
  const byHour = new Map<string, DemandHour>();
  for (const d of [...a, ...b]) {
    const h = byHour.get(d.hour) ?? { hour: d.hour, calls: 0, smsParts: 0 };
    h.calls += d.calls;
    h.smsParts += d.smsParts;
    byHour.set(d.hour, h);
  }
  return [...byHour.values()].sort((x, y) => x.hour.localeCompare(y.hour));
}

/** The UTC hour bucket of an instant, as the due index keys it (`2025-07-01T01`). */
export const hourOf = (at: Date | string) => new Date(at).toISOString().slice(0, 13);

/** The hourly demand forecast the planner writes (shared/store/capacity.ts) and the API reads. */
export interface ForecastData {
  generatedAt: string;
  horizonHours: number;
  /** calls and SMS parts falling due per hour, by county */
  byCounty: Record<string, DemandHour[]>;
  /** the oldest due check-in at or before `generatedAt`, by county */
  oldestDueAt: Record<string, string>;
  callSeconds: number;
  limits: ProviderLimits;
  windows: CallWindow[];
}

const DAY = 86_400_000;
const totals = (hours: readonly DemandHour[]): Demand =>
  hours.reduce((t, h) => ({ calls: t.calls + h.calls, smsParts: t.smsParts + h.smsParts }), {
    calls: 0,
    smsParts: 0,
  });

/** Moves each hour by whole days into the 24 hours from `start` (a forecast read today, for a later day). */
export function shiftIntoDay(hours: readonly DemandHour[], start: Date): DemandHour[] {
  return hours.map((h) => {
    const at = hourStart(h.hour);
    const days = Math.floor((at - start.getTime()) / DAY);
    return days === 0 ? h : { ...h, hour: hourOf(new Date(at - days * DAY)) };
  });
}

/**
 * The advice for some counties: the provider limits serve the whole city, so the counties are shown
 * their own demand against their fair share of what the limits carry (in proportion to their demand);
 * whether demand exceeds, which limits to ask for and the share to move to texts are the city's.
 *
 * @param counties the counties in view, or `undefined` for the whole city
 * @param extra demand to add to those counties (a campaign's own rounds)
 */
export function adviseForCounties(
  forecast: ForecastData | undefined,
  now: Date,
  counties: readonly string[] | undefined,
  options: {
    extra?: readonly DemandHour[];
    /** the limits and windows to assume while no forecast is written yet */
    fallback?: { limits: ProviderLimits; windows: readonly CallWindow[] };
  } = {},
): CapacityAdvice {
  const byCounty = forecast?.byCounty ?? {};
  const all = Object.values(byCounty).flat();
  const inView = counties ? counties.flatMap((c) => byCounty[c] ?? []) : all;
  const extra = options.extra ?? [];
  const start =
    extra.length > 0
      ? new Date(Math.max(now.getTime(), Math.min(...extra.map((h) => hourStart(h.hour)))))
      : now;
  const shift = (hours: readonly DemandHour[]) => (extra.length > 0 ? shiftIntoDay(hours, start) : hours);
  const oldestOf = (list: readonly string[]) => list.filter(Boolean).sort()[0] ?? null;
  const cityOldest = oldestOf(Object.values(forecast?.oldestDueAt ?? {}));
  const city = adviseCapacity({
    now: start,
    demand: addDemand(shift(all), extra),
    windows: forecast?.windows ?? options.fallback?.windows ?? DEFAULT_WINDOWS,
    limits: forecast?.limits ?? options.fallback?.limits ?? DEFAULT_LIMITS,
    callSeconds: forecast?.callSeconds ?? DEFAULT_CALL_SECONDS,
    // a campaign's day ahead has no overdue check-ins yet
    oldestDueAt: extra.length > 0 ? null : cityOldest,
  });
  if (!counties) return city;
  const demand = totals(addDemand(shift(inView), extra));
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : 1);
  const callShare = share(demand.calls, city.demand.calls);
  const partShare = share(demand.smsParts, city.demand.smsParts);
  const oldest = extra.length > 0 ? null : oldestOf(counties.map((c) => forecast?.oldestDueAt[c] ?? ''));
  return {
    ...city,
    demand,
    carries: {
      calls: Math.floor(city.carries.calls * Math.min(1, callShare)),
      smsParts: Math.floor(city.carries.smsParts * Math.min(1, partShare)),
    },
    moveToTexts: city.moveToTexts
      ? { share: city.moveToTexts.share, calls: Math.ceil(city.moveToTexts.share * demand.calls) }
      : null,
    oldestDueMinutes: oldest
      ? Math.max(0, Math.floor((start.getTime() - Date.parse(oldest)) / 60_000))
      : null,
  };
}

/**
 * A campaign's own demand for the capacity advice: its rounds in the 24 hours from its first round
 * (calls and SMS parts at each round's hour).
 * @example campaignDemand([{ start: '2025-07-01T09:00:00+08:00', calls: 500, smsParts: 40 }]) // [{ hour: '2025-07-01T01', calls: 500, smsParts: 40 }]
 */
export function campaignDemand(
  rounds: readonly { start: string; calls: number; smsParts: number }[],
): DemandHour[] {
  const starts = rounds.map((r) => Date.parse(r.start)).filter(Number.isFinite);
  if (starts.length === 0) return [];
  const first = Math.min(...starts);
  return addDemand(
    [],
    rounds
      .filter((r) => Date.parse(r.start) < first + DAY)
      .map((r) => ({ hour: hourOf(r.start), calls: r.calls, smsParts: r.smsParts })),
  );
}

/**
 * A live campaign's demand in the horizon that the due index does not hold yet, by county: a scheduled
 * campaign's rounds (its activation brings check-ins forward only when it starts); a running campaign's
 * rounds after its next one (each elder's next round is already their schedule's due time). The rounds
 * are the preview's; each round's calls and parts are split over the counties by audience.
 */
export function campaignForecast(
  campaign: Campaign & { status: string },
  audience: readonly AudienceMember[],
  limits: ProviderLimits,
  windows: readonly CallWindow[],
  now: Date,
  horizonHours = HORIZON_HOURS,
): Record<string, DemandHour[]> {
  if (campaign.status !== 'scheduled' && campaign.status !== 'running') return {};
  const end = now.getTime() + horizonHours * 3_600_000;
  const preview = previewCampaign(campaign, audience, limits, windows, now);
  let rounds = preview.rounds.filter((r) => Date.parse(r.start) < end);
  if (campaign.status === 'running') rounds = rounds.slice(1);
  const total = preview.audience.total;
  const byCounty: Record<string, DemandHour[]> = {};
  if (total === 0) return byCounty;
  for (const [county, counts] of Object.entries(preview.audience.byCounty)) {
    const share = counts.total / total;
    const hours = rounds
      .map((r) => ({
        hour: hourOf(r.start),
        calls: Math.round(r.calls * share),
        smsParts: Math.round(r.smsParts * share),
      }))
      .filter((h) => h.calls > 0 || h.smsParts > 0);
    if (hours.length > 0) byCounty[county] = addDemand([], hours);
  }
  return byCounty;
}
