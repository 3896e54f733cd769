import { afterEach, describe, expect, it } from 'vitest';
import { clockOffset, clockOffsetMs, serverNow, syncClock } from '../../console/src/clock.js';
import { monthOf, todayIn } from '../../console/src/format.js';

/**
 * The console's clock is the server's: a local stack started with ANXIN_CLOCK_START on the festival
 * morning says so in GET /api/me's `now`, and the dashboard month, the reports month and the festival
 * year follow it rather than the browser's clock.
 */
const BROWSER = Date.parse('2026-11-29T21:30:00Z');
const FESTIVAL_MORNING = '2026-10-18T09:05:00+08:00';

afterEach(() => syncClock(undefined, Date.now()));

describe('the offset from the server clock', () => {
  it('is server-now minus browser-now', () => {
    expect(clockOffset(FESTIVAL_MORNING, BROWSER)).toBe(Date.parse(FESTIVAL_MORNING) - BROWSER);
    expect(clockOffset('2026-11-29T21:30:05Z', BROWSER)).toBe(5000);
  });

  it('is 0 when the server does not say its time, or says something that is not an instant', () => {
    expect(clockOffset(undefined, BROWSER)).toBe(0);
    expect(clockOffset('tomorrow', BROWSER)).toBe(0);
    expect(clockOffset(1_700_000_000_000, BROWSER)).toBe(0);
  });

  it('takes the middle of the request as the moment the server read its clock', () => {
    syncClock('2026-11-29T21:30:01Z', BROWSER, BROWSER + 2000);
    expect(clockOffsetMs()).toBe(0);
  });
});

describe("the console's today, this month and this year", () => {
  it('are the server clock: the festival month although the browser is a month later', () => {
    syncClock(FESTIVAL_MORNING, BROWSER);
    expect(todayIn(serverNow(BROWSER))).toBe('2026-10-18');
    expect(monthOf(serverNow(BROWSER))).toBe('2026-10');
    // and the clock runs on from there with the browser's
    expect(serverNow(BROWSER + 3_600_000).toISOString()).toBe('2026-10-18T02:05:00.000Z');
  });

  it("are the browser's when /api/me has no `now`", () => {
    syncClock(FESTIVAL_MORNING, BROWSER);
    syncClock(undefined, BROWSER);
    expect(serverNow(BROWSER).getTime()).toBe(BROWSER);
    expect(monthOf(serverNow(BROWSER))).toBe('2026-11');
  });

  it('turns the year in China time, not in the browser time zone (UTC 16:00 is midnight in Beijing)', () => {
    syncClock('2026-12-31T16:00:00Z', BROWSER);
    expect(todayIn(serverNow(BROWSER)).slice(0, 4)).toBe('2027');
  });
});
