import { TZDate } from '@date-fns/tz';
import { addDaysIso, dateInPolicyZone, type IsoDate, POLICY_TIME_ZONE } from '../time.js';

/** A daily calling window in Asia/Shanghai local time, "HH:mm" to "HH:mm" (end exclusive). */
export interface CallWindow {
  start: string;
  end: string;
}

/** The plan's defaults: morning and late afternoon, when elders are home and awake. */
export const DEFAULT_WINDOWS: readonly CallWindow[] = [
  { start: '09:00', end: '11:30' },
  { start: '15:00', end: '19:30' },
];

/** Nothing is ever placed or sent to an elder outside 08:00-21:00, whatever a window says. */
export const QUIET_HOURS = { from: '21:00', until: '08:00' } as const;

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

const QUIET_FROM = minutesOf(QUIET_HOURS.from);
const QUIET_UNTIL = minutesOf(QUIET_HOURS.until);

/** The windows clipped to the allowed hours, sorted, without empty ones. */
export function effectiveWindows(windows: readonly CallWindow[]): { start: number; end: number }[] {
  return windows
    .map((w) => ({
      start: Math.max(minutesOf(w.start), QUIET_UNTIL),
      end: Math.min(minutesOf(w.end), QUIET_FROM),
    }))
    .filter((w) => w.end > w.start)
    .sort((a, b) => a.start - b.start);
}

/** The instant of a local date and minute of day in Asia/Shanghai. */
export function localInstant(date: IsoDate, minuteOfDay: number): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(
    new TZDate(y, m - 1, d, Math.floor(minuteOfDay / 60), minuteOfDay % 60, POLICY_TIME_ZONE).getTime(),
  );
}

/** Minutes since local midnight in Asia/Shanghai. */
export function localMinuteOfDay(at: Date): number {
  const t = new TZDate(at.getTime(), POLICY_TIME_ZONE);
  return t.getHours() * 60 + t.getMinutes() + t.getSeconds() / 60;
}

/** True when the instant is inside one of the windows (and so outside quiet hours). */
export function isInWindow(at: Date, windows: readonly CallWindow[]): boolean {
  const minute = localMinuteOfDay(at);
  return effectiveWindows(windows).some((w) => minute >= w.start && minute < w.end);
}

/** True when nothing may reach an elder now (21:00-08:00 in Asia/Shanghai). */
export function isQuietHour(at: Date): boolean {
  const minute = localMinuteOfDay(at);
  return minute >= QUIET_FROM || minute < QUIET_UNTIL;
}

/**
 * The earliest instant at or after `after` inside a calling window.
 * @example nextWindowStart(new Date('2025-07-01T04:00:00Z'), DEFAULT_WINDOWS) // 2025-07-01T07:00:00Z (15:00 local)
 */
export function nextWindowStart(after: Date, windows: readonly CallWindow[]): Date {
  const list = effectiveWindows(windows.length > 0 ? windows : DEFAULT_WINDOWS);
  const eff = list.length > 0 ? list : effectiveWindows(DEFAULT_WINDOWS);
  let date = dateInPolicyZone(after);
  const minute = localMinuteOfDay(after);
  for (const w of eff) {
    if (minute < w.start) return localInstant(date, w.start);
    if (minute < w.end) return after;
  }
  date = addDaysIso(date, 1);
  return localInstant(date, (eff[0] as { start: number }).start);
}

/** The close of the last window of the local day of `at` (the latest an attempt may be placed that day). */
export function closeOfDay(at: Date, windows: readonly CallWindow[]): Date {
  // the same windows nextWindowStart uses; the latest end, not the end of the latest start
  const own = effectiveWindows(windows.length > 0 ? windows : DEFAULT_WINDOWS);
  const eff = own.length > 0 ? own : effectiveWindows(DEFAULT_WINDOWS);
  return localInstant(dateInPolicyZone(at), Math.max(...eff.map((w) => w.end)));
}
