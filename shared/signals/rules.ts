import { createHash } from 'node:crypto';
import * as z from 'zod';
import { type Absence, awayInterval } from '../absences/absence.js';
import { addDaysIso, dateInPolicyZone, isoInPolicyZone } from '../time.js';
import { type Alert, type Device, type Reading, RULE_ACTION, type RuleName } from './model.js';

/**
 * The rules of remote monitoring, pure and explainable (issue 16 part 3). Each takes the household's
 * devices, their recent readings, the settings (county defaults, household overrides), the elder's
 * absences and `now`, and returns the firings. A firing's id is a hash of rule, device and window,
 * so evaluating again (every batch, every sweep) fires it once.
 *
 * Missing readings never fire a rule: a meter that stopped reporting is the vendor's or the device's
 * fault, not the elder's silence.
 */

const HOUR = 3_600_000;
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

export const ruleSettingsSchema = z.strictObject({
  /** water under a threshold in the waking hours (Shanghai Changning: 0.01 m³ in 12 hours) */
  waterLow: z
    .strictObject({
      enabled: z.boolean().default(true),
      thresholdM3: z.number().min(0).max(1).default(0.01),
      wakingFrom: hhmm.default('07:00'),
      wakingHours: z.number().int().min(4).max(16).default(12),
    })
    .prefault({}),
  /** no door opening in so many hours */
  noDoor: z
    .strictObject({ enabled: z.boolean().default(true), hours: z.number().int().min(6).max(96).default(24) })
    .prefault({}),
  /** an hour's use far from the household's own median for that hour over the last days */
  unusualUse: z
    .strictObject({
      enabled: z.boolean().default(true),
      days: z.number().int().min(7).max(28).default(14),
      /** how many of those days must have a figure for the hour */
      minDays: z.number().int().min(3).max(28).default(7),
      /** far = more than this many spreads (scaled median absolute deviation) from the median */
      spreads: z.number().min(1).max(10).default(4),
      /** and at least this far in absolute terms (kWh or m³), so a flat, quiet pattern does not fire */
      minDifference: z.number().min(0).default(0.2),
    })
    .prefault({}),
  /** a leak: flow in every half hour of a whole day */
  leak: z
    .strictObject({ enabled: z.boolean().default(true), minFlowM3: z.number().min(0).default(0.0005) })
    .prefault({}),
  button: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
  smokeGas: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
});
export type RuleSettings = z.output<typeof ruleSettingsSchema>;
export const DEFAULT_RULE_SETTINGS: RuleSettings = ruleSettingsSchema.parse({});

/** County defaults with a household's overrides on top (rule by rule, field by field). */
export function settingsFor(county: unknown, household: unknown): RuleSettings {
  const base = ruleSettingsSchema.parse(county ?? {});
  const over = (household ?? {}) as Record<string, Record<string, unknown>>;
  const merged: Record<string, unknown> = {};
  for (const [rule, value] of Object.entries(base)) merged[rule] = { ...value, ...(over[rule] ?? {}) };
  return ruleSettingsSchema.parse(merged);
}

export interface Firing {
  id: string;
  rule: RuleName;
  device: Device;
  window: { from: string; to: string };
  readings: Reading[];
  detail: string;
}

const firingId = (rule: RuleName, d: Device, key: string) =>
  createHash('sha256').update(`${rule}|${d.vendor}|${d.deviceId}|${key}`).digest('hex').slice(0, 32);

/** The running total of a meter at `t`: the last reading at or before it, if no older than `tolerance`. */
export function totalAt(readings: readonly Reading[], t: number, tolerance: number): number | undefined {
  let best: Reading | undefined;
  for (const r of readings) {
    const at = Date.parse(r.at);
    if (r.value === undefined || at > t) continue;
    if (!best || at > Date.parse(best.at)) best = r;
  }
  if (!best || t - Date.parse(best.at) > tolerance) return undefined;
  return best.value;
}

/** Use between two instants from running totals; undefined when either end has no recent reading. */
export function useBetween(readings: readonly Reading[], from: number, to: number, tolerance: number) {
  const a = totalAt(readings, from, tolerance);
  const b = totalAt(readings, to, tolerance);
  if (a === undefined || b === undefined) return undefined;
  // a meter swapped or reset runs backwards: no verdict
  return b >= a ? b - a : undefined;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** The household's usual use for an hour: median and spread (1.4826 × median absolute deviation). */
export function baseline(values: number[]): { median: number; spread: number } {
  const m = median(values);
  return { median: m, spread: 1.4826 * median(values.map((v) => Math.abs(v - m))) };
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
const local = (t: number) => isoInPolicyZone(new Date(t)).slice(0, 16).replace('T', ' ');
const within = (rs: readonly Reading[], from: number, to: number) =>
  rs.filter((r) => {
    const at = Date.parse(r.at);
    return at >= from && at <= to;
  });

const awayDuring = (absences: readonly Absence[], from: number, to: number) =>
  absences.some((a) => {
    const i = awayInterval(a);
    return i.start < to && i.end > from;
  });

/**
 * Every rule firing for one household at `now`. `readings` maps `vendor#deviceId` to that device's
 * readings of the last `unusualUse.days + 2` days (any order, no duplicates needed). Usage rules are
 * silent while the elder is away; a button press and a smoke or gas alarm never are.
 */
export function evaluateRules(args: {
  devices: readonly Device[];
  readings: ReadonlyMap<string, readonly Reading[]>;
  settings: RuleSettings;
  absences: readonly Absence[];
  now: Date;
}): Firing[] {
  const { settings: s, absences } = args;
  const now = args.now.getTime();
  const out: Firing[] = [];
  for (const device of args.devices) {
    const rs = args.readings.get(`${device.vendor}#${device.deviceId}`) ?? [];
    const fire = (rule: RuleName, key: string, from: number, to: number, used: Reading[], detail: string) =>
      out.push({
        id: firingId(rule, device, key),
        rule,
        device,
        window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
        readings: used.slice(-60),
        detail,
      });

    if (device.kind === 'alarmButton' && s.button.enabled) {
      for (const r of rs)
        if (r.event === 'press' && Date.parse(r.at) <= now + 5 * 60_000) {
          const t = Date.parse(r.at);
          fire('button', `${r.at}#${r.eventId}`, t, t, [r], `一键呼叫 ${local(t)} / alarm button pressed`);
        }
    }
    if (device.kind === 'smokeGasAlarm' && s.smokeGas.enabled) {
      for (const r of rs)
        if (r.event === 'alarm' && Date.parse(r.at) <= now + 5 * 60_000) {
          const t = Date.parse(r.at);
          fire(
            'smokeGas',
            `${r.at}#${r.eventId}`,
            t,
            t,
            [r],
            `烟感/燃气报警 ${local(t)} / smoke or gas alarm`,
          );
        }
    }

    if (device.kind === 'waterMeter' && s.waterLow.enabled) {
      // the latest waking window that has ended: today's or yesterday's
      const today = dateInPolicyZone(args.now);
      for (const date of [today, addDaysIso(today, -1)]) {
        const from = Date.parse(`${date}T${s.waterLow.wakingFrom}:00+08:00`);
        const to = from + s.waterLow.wakingHours * HOUR;
        if (to > now) continue;
        if (!awayDuring(absences, from, to)) {
          const used = useBetween(rs, from, to, 2 * HOUR);
          if (used !== undefined && used < s.waterLow.thresholdM3)
            fire(
              'waterLow',
              date,
              from,
              to,
              within(rs, from - 2 * HOUR, to),
              `${local(from)}–${local(to).slice(11)} 用水 ${round(used)} m³，低于 ${s.waterLow.thresholdM3} m³ / used ${round(used)} m³ in ${s.waterLow.wakingHours} waking hours, under ${s.waterLow.thresholdM3} m³`,
            );
        }
        break;
      }
    }

    if (device.kind === 'waterMeter' && s.leak.enabled) {
      // the last whole day: flow in each of its 48 half hours
      const day = addDaysIso(dateInPolicyZone(args.now), -1);
      const from = Date.parse(`${day}T00:00:00+08:00`);
      const to = from + 24 * HOUR;
      let flowing = 0;
      let least = Number.POSITIVE_INFINITY;
      for (let t = from; t < to; t += HOUR / 2) {
        const used = useBetween(rs, t, t + HOUR / 2, HOUR / 2);
        if (used === undefined || used < s.leak.minFlowM3) break;
        flowing++;
        least = Math.min(least, used);
      }
      if (flowing === 48)
        fire(
          'leak',
          day,
          from,
          to,
          within(rs, from, to),
          `${day} 每半小时均有用水（最少 ${round(least)} m³），疑似漏水 / flow in every half hour of ${day} (least ${round(least)} m³): a leak?`,
        );
    }

    if (device.kind === 'doorSensor' && s.noDoor.enabled) {
      const since = now - s.noDoor.hours * HOUR;
      const seen = rs.filter((r) => Date.parse(r.at) <= now);
      const opens = seen.filter((r) => r.event === 'open').map((r) => Date.parse(r.at));
      const lastOpen = opens.length ? Math.max(...opens) : undefined;
      const lastHeard = seen.length ? Math.max(...seen.map((r) => Date.parse(r.at))) : undefined;
      // the sensor must have been heard from within the period: a silent sensor is a device fault
      const heard = lastHeard !== undefined && lastHeard > since;
      const start = Math.max(lastOpen ?? Date.parse(device.registeredAt), Date.parse(device.registeredAt));
      if (heard && start <= since && !awayDuring(absences, since, now))
        fire(
          'noDoor',
          `since:${new Date(start).toISOString()}`,
          start,
          now,
          within(seen, since, now),
          `${s.noDoor.hours} 小时无开门（上次开门 ${lastOpen ? local(lastOpen) : '无记录'}）/ no door opening in ${s.noDoor.hours} hours`,
        );
    }

    if ((device.kind === 'electricityMeter' || device.kind === 'waterMeter') && s.unusualUse.enabled) {
      // the last whole hour, against the same hour of the days before
      const end = Math.floor(now / HOUR) * HOUR;
      const start = end - HOUR;
      const used = useBetween(rs, start, end, HOUR / 2);
      if (used !== undefined && !awayDuring(absences, start, end)) {
        const history: number[] = [];
        for (let d = 1; d <= s.unusualUse.days; d++) {
          const u = useBetween(rs, start - d * 24 * HOUR, end - d * 24 * HOUR, HOUR / 2);
          if (u !== undefined && !awayDuring(absences, start - d * 24 * HOUR, end - d * 24 * HOUR))
            history.push(u);
        }
        if (history.length >= s.unusualUse.minDays) {
          const b = baseline(history);
          const distance = Math.abs(used - b.median);
          if (distance > s.unusualUse.spreads * b.spread && distance >= s.unusualUse.minDifference) {
            const unit = device.kind === 'waterMeter' ? 'm³' : 'kWh';
            fire(
              'unusualUse',
              new Date(start).toISOString(),
              start,
              end,
              within(rs, start - HOUR / 2, end),
              `${local(start)} 这一小时用量 ${round(used)} ${unit}，平常 ${round(b.median)}±${round(b.spread)}（近 ${history.length} 天同一小时）/ used ${round(used)} ${unit} this hour, usually ${round(b.median)}±${round(b.spread)} (same hour, last ${history.length} days)`,
            );
          }
        }
      }
    }
  }
  return out;
}

/** The alert a firing stores (pending until the engine acts on it). */
export function alertOf(
  firing: Firing,
  elder: { id: string; county: string; township: string },
  now: Date,
): Alert {
  return {
    id: firing.id,
    rule: firing.rule,
    action: RULE_ACTION[firing.rule],
    elderId: elder.id,
    county: elder.county,
    township: elder.township,
    device: { vendor: firing.device.vendor, deviceId: firing.device.deviceId, kind: firing.device.kind },
    window: firing.window,
    readings: firing.readings.map((r) => ({
      at: r.at,
      ...(r.value !== undefined ? { value: r.value } : {}),
      ...(r.event ? { event: r.event } : {}),
    })),
    detail: firing.detail,
    firedAt: now.toISOString(),
    status: 'pending',
  };
}
