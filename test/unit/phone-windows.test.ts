import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CallWindow,
  closeOfDay,
  DEFAULT_WINDOWS,
  effectiveWindows,
  isInWindow,
  isQuietHour,
  nextWindowStart,
} from '../../shared/phone/windows.js';

/**
 * An oracle that does not share code with windows.ts: Asia/Shanghai is UTC+8 all year (no daylight
 * saving since 1991), so the local minute of day is plain arithmetic on the epoch.
 */
const DAY = 86_400_000;
const MINUTE = 60_000;
const OFFSET = 8 * 3_600_000;
const localMs = (at: Date) => (((at.getTime() + OFFSET) % DAY) + DAY) % DAY;
const localMinute = (at: Date) => localMs(at) / MINUTE;
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const shanghai = (local: string) => new Date(`${local}+08:00`);

/** The windows as allowed minute ranges: clipped to 08:00-21:00; none left means the defaults. */
function allowedRanges(windows: readonly CallWindow[]): [number, number][] {
  const clip = (list: readonly CallWindow[]) =>
    list
      .map((w): [number, number] => [Math.max(toMinutes(w.start), 480), Math.min(toMinutes(w.end), 1260)])
      .filter(([s, e]) => e > s);
  const own = clip(windows);
  return own.length > 0 ? own : clip(DEFAULT_WINDOWS);
}
const allowed = (at: Date, ranges: [number, number][]) => {
  const m = localMinute(at);
  return ranges.some(([s, e]) => m >= s && m < e);
};
/** Brute force: `after` itself if allowed, else the first whole local minute that is (within 2 days). */
function earliestAllowed(after: Date, ranges: [number, number][]): Date {
  if (allowed(after, ranges)) return after;
  let t = Math.ceil(after.getTime() / MINUTE) * MINUTE;
  for (let i = 0; i < 2 * 1440 + 2; i++, t += MINUTE) if (allowed(new Date(t), ranges)) return new Date(t);
  throw new Error('no allowed minute within two days');
}

const anInstant = fc.date({
  min: new Date('2020-01-01T00:00:00+08:00'),
  max: new Date('2030-12-31T23:59:59.999+08:00'),
  noInvalidDate: true,
});
/** 0-4 windows anywhere in the day, some reaching into quiet hours, some overlapping. */
const aWindow = fc
  .tuple(fc.integer({ min: 0, max: 1438 }), fc.integer({ min: 1, max: 600 }))
  .map(([start, length]) => ({ start: hhmm(start), end: hhmm(Math.min(start + length, 1439)) }));
const someWindows = fc.array(aWindow, { maxLength: 4 });

describe('nextWindowStart: the earliest instant an elder may be called', () => {
  it('uses the plan windows in Asia/Shanghai (09:00-11:30, 15:00-19:30)', () => {
    expect(nextWindowStart(shanghai('2025-07-01T07:00:00'), DEFAULT_WINDOWS)).toEqual(
      shanghai('2025-07-01T09:00:00'),
    );
    expect(nextWindowStart(shanghai('2025-07-01T10:15:30'), DEFAULT_WINDOWS)).toEqual(
      shanghai('2025-07-01T10:15:30'),
    );
    expect(nextWindowStart(shanghai('2025-07-01T11:30:00'), DEFAULT_WINDOWS)).toEqual(
      shanghai('2025-07-01T15:00:00'),
    );
    expect(nextWindowStart(shanghai('2025-07-01T19:30:00'), DEFAULT_WINDOWS)).toEqual(
      shanghai('2025-07-02T09:00:00'),
    );
    // across a month and a year end, and 29 February
    expect(nextWindowStart(shanghai('2024-02-28T20:00:00'), DEFAULT_WINDOWS)).toEqual(
      shanghai('2024-02-29T09:00:00'),
    );
    expect(nextWindowStart(shanghai('2025-12-31T23:59:00'), DEFAULT_WINDOWS)).toEqual(
      shanghai('2026-01-01T09:00:00'),
    );
  });

  it('clips windows to 08:00-21:00: a window into the night or the early morning is cut', () => {
    const wide = [{ start: '06:00', end: '23:00' }];
    expect(effectiveWindows(wide)).toEqual([{ start: 480, end: 1260 }]);
    expect(nextWindowStart(shanghai('2025-07-01T06:30:00'), wide)).toEqual(shanghai('2025-07-01T08:00:00'));
    expect(nextWindowStart(shanghai('2025-07-01T21:00:00'), wide)).toEqual(shanghai('2025-07-02T08:00:00'));
    expect(nextWindowStart(shanghai('2025-07-01T20:59:59'), wide)).toEqual(shanghai('2025-07-01T20:59:59'));
    expect(isInWindow(shanghai('2025-07-01T22:00:00'), wide)).toBe(false);
    expect(isQuietHour(shanghai('2025-07-01T21:00:00'))).toBe(true);
    expect(isQuietHour(shanghai('2025-07-01T07:59:59'))).toBe(true);
    expect(isQuietHour(shanghai('2025-07-01T08:00:00'))).toBe(false);
  });

  it("follows an elder's own windows rather than the plan's", () => {
    const evenings = [{ start: '18:00', end: '20:00' }];
    expect(nextWindowStart(shanghai('2025-07-01T09:00:00'), evenings)).toEqual(
      shanghai('2025-07-01T18:00:00'),
    );
    expect(isInWindow(shanghai('2025-07-01T10:00:00'), evenings)).toBe(false);
    expect(isInWindow(shanghai('2025-07-01T19:59:00'), evenings)).toBe(true);
    expect(closeOfDay(shanghai('2025-07-01T09:00:00'), evenings)).toEqual(shanghai('2025-07-01T20:00:00'));
    expect(closeOfDay(shanghai('2025-07-01T09:00:00'), DEFAULT_WINDOWS)).toEqual(
      shanghai('2025-07-01T19:30:00'),
    );
  });

  it('is never in quiet hours, always inside a window, never before its input, and the earliest such (any instant 2020-2030, any windows)', () => {
    fc.assert(
      fc.property(anInstant, someWindows, (after, windows) => {
        const ranges = allowedRanges(windows);
        const at = nextWindowStart(after, windows);
        expect(at.getTime()).toBeGreaterThanOrEqual(after.getTime());
        const m = localMinute(at);
        expect(m >= 480 && m < 1260, `${at.toISOString()} is in quiet hours`).toBe(true);
        expect(isQuietHour(at)).toBe(false);
        expect(allowed(at, ranges), `${at.toISOString()} is outside ${JSON.stringify(windows)}`).toBe(true);
        expect(
          isInWindow(
            at,
            windows.length > 0 && effectiveWindows(windows).length > 0 ? windows : DEFAULT_WINDOWS,
          ),
        ).toBe(true);
        expect(at).toEqual(earliestAllowed(after, ranges));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with isInWindow: an instant inside a window is its own next window start', () => {
    fc.assert(
      fc.property(anInstant, someWindows, (at, windows) => {
        const effective = effectiveWindows(windows).length > 0 ? windows : DEFAULT_WINDOWS;
        expect(nextWindowStart(at, windows).getTime() === at.getTime()).toBe(isInWindow(at, effective));
      }),
      { numRuns: 1000 },
    );
  });

  it("closeOfDay is the latest end among the day's windows, also when windows nest", () => {
    const nested = [
      { start: '09:00', end: '19:30' },
      { start: '15:00', end: '16:00' },
    ];
    expect(closeOfDay(shanghai('2025-07-01T10:00:00'), nested)).toEqual(shanghai('2025-07-01T19:30:00'));
  });

  it("closeOfDay follows the same windows as nextWindowStart when an elder's windows lie all in quiet hours", () => {
    const night = [{ start: '21:00', end: '22:00' }];
    // calls fall back to the plan's windows ...
    expect(nextWindowStart(shanghai('2025-07-01T16:00:00'), night)).toEqual(shanghai('2025-07-01T16:00:00'));
    // ... so the day closes with the plan's last window too
    expect(closeOfDay(shanghai('2025-07-01T16:00:00'), night)).toEqual(shanghai('2025-07-01T19:30:00'));
  });

  it('closeOfDay: the close of the last window of the local day, for any instant and any windows', () => {
    fc.assert(
      fc.property(anInstant, someWindows, (at, windows) => {
        const ranges = allowedRanges(windows);
        const midnight = at.getTime() - localMs(at);
        const close = new Date(midnight + Math.max(...ranges.map(([, e]) => e)) * MINUTE);
        expect(closeOfDay(at, windows)).toEqual(close);
      }),
      { numRuns: 1000 },
    );
  });
});
