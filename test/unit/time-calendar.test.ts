import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDaysIso,
  addMonths,
  compareIso,
  dateInPolicyZone,
  daysInMonth,
  formatIsoDate,
  formatIsoMonth,
  isLeapYear,
  isoInPolicyZone,
  monthOf,
  POLICY_TIME_ZONE,
  parseIsoDate,
} from '../../shared/time.js';

const zoned = (iso: string) => dateInPolicyZone(new Date(iso));

describe('dateInPolicyZone: the Asia/Shanghai calendar date (UTC+8)', () => {
  it('uses Asia/Shanghai', () => {
    expect(POLICY_TIME_ZONE).toBe('Asia/Shanghai');
  });

  it.each([
    ['2025-06-30T15:59:59.999Z', '2025-06-30'],
    ['2025-06-30T16:00:00.000Z', '2025-07-01'],
    ['2025-06-30T16:30:00Z', '2025-07-01'],
    ['2025-06-30T23:59:59Z', '2025-07-01'],
    ['2025-07-01T00:00:00Z', '2025-07-01'],
    ['2025-07-01T15:59:59Z', '2025-07-01'],
    ['2025-12-31T15:59:59Z', '2025-12-31'],
    ['2025-12-31T16:00:00Z', '2026-01-01'],
    ['2024-02-28T16:00:00Z', '2024-02-29'],
    ['2024-02-29T16:00:00Z', '2024-03-01'],
    ['2025-02-28T16:00:00Z', '2025-03-01'],
    ['2025-07-01T00:00:00+08:00', '2025-07-01'],
    ['2025-06-30T23:59:59+08:00', '2025-06-30'],
    ['2025-06-30T12:00:00-04:00', '2025-07-01'],
  ])('%s is %s', (instant, date) => {
    expect(zoned(instant)).toBe(date);
  });

  it('has no daylight saving time: midnight is 16:00 UTC in winter and in summer', () => {
    for (const month of ['01', '03', '04', '07', '10', '11', '12']) {
      expect(zoned(`2025-${month}-14T15:59:59Z`)).toBe(`2025-${month}-14`);
      expect(zoned(`2025-${month}-14T16:00:00Z`)).toBe(`2025-${month}-15`);
    }
  });

  it('isoInPolicyZone shows the +08:00 offset', () => {
    expect(isoInPolicyZone(new Date('2025-06-30T16:30:00Z'))).toBe('2025-07-01T00:30:00.000+08:00');
    expect(isoInPolicyZone(new Date('2025-01-15T03:04:05.006Z'))).toBe('2025-01-15T11:04:05.006+08:00');
  });

  it('is the UTC date of the instant shifted by 8 hours, for instants 1992-2100', () => {
    const min = Date.parse('1992-01-01T00:00:00Z');
    const max = Date.parse('2100-12-31T23:59:59Z');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min, max }),
          // around midnight in Shanghai (16:00 UTC) on random days
          fc
            .record({
              day: fc.integer({ min: Math.ceil(min / 86_400_000), max: Math.floor(max / 86_400_000) - 1 }),
              ms: fc.integer({ min: -2, max: 1 }),
            })
            .map(({ day, ms }) => day * 86_400_000 + 16 * 3_600_000 + ms),
        ),
        (t) => {
          const expected = new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
          expect(dateInPolicyZone(new Date(t))).toBe(expected);
          expect(isoInPolicyZone(new Date(t))).toMatch(/\+08:00$/);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('addDaysIso', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2024-02-28', 2, '2024-03-01'],
    ['2024-02-29', 1, '2024-03-01'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-03-01', -1, '2025-02-28'],
    ['2000-02-28', 1, '2000-02-29'],
    ['1900-02-28', 1, '1900-03-01'],
    ['2100-02-28', 1, '2100-03-01'],
    ['2025-01-31', 1, '2025-02-01'],
    ['2025-04-30', 1, '2025-05-01'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2026-01-01', -1, '2025-12-31'],
    ['2025-07-01', 0, '2025-07-01'],
    ['2024-01-01', 366, '2025-01-01'],
    ['2025-01-01', 365, '2026-01-01'],
    ['2025-07-01', -365, '2024-07-01'],
    ['2025-07-01', 30, '2025-07-31'],
    ['2025-07-01', 10_000, '2052-11-16'],
  ])('%s %+i days is %s', (date, days, expected) => {
    expect(addDaysIso(date, days)).toBe(expected);
  });

  it.each(['2025-02-29', '2025-13-01', 'not a date', '2025-7-1', ''])('refuses %j', (date) => {
    expect(() => addDaysIso(date, 1)).toThrow(RangeError);
  });

  it('works for years before 100 (the format allows 0000-9999)', () => {
    // Date.UTC maps years 0-99 to 1900-1999, so these come out a whole number of centuries off
    expect(addDaysIso('0050-01-01', 1)).toBe('0050-01-02');
    expect(addDaysIso('0099-12-31', 1)).toBe('0100-01-01');
    expect(addDaysIso('0100-01-01', -1)).toBe('0099-12-31');
  });
});

describe('parseIsoDate', () => {
  it('reads a calendar date into its parts', () => {
    expect(parseIsoDate('2025-07-01')).toEqual({ year: 2025, month: 7, day: 1 });
    expect(parseIsoDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
    expect(parseIsoDate('2000-02-29')).toEqual({ year: 2000, month: 2, day: 29 });
    expect(parseIsoDate('1900-12-31')).toEqual({ year: 1900, month: 12, day: 31 });
  });

  it.each([
    '2023-02-29',
    '2025-02-29',
    '1900-02-29',
    '2100-02-29',
    '2025-02-30',
    '2025-04-31',
    '2025-06-31',
    '2025-09-31',
    '2025-11-31',
    '2025-13-01',
    '2025-00-10',
    '2025-01-00',
    '2025-01-32',
    '2025-1-01',
    '2025-01-1',
    '25-01-01',
    '20250101',
    '2025/01/01',
    '2025-01-01T00:00:00Z',
    '2025-01-01 ',
    ' 2025-01-01',
    '2025-01-01\n',
    '２０２５-01-01',
    '+2025-01-01',
    '-2025-01-01',
    'abcd-ef-gh',
    '',
  ])('rejects %j', (value) => {
    expect(parseIsoDate(value)).toBeUndefined();
  });
});

describe('calendar helpers', () => {
  it('isLeapYear follows the Gregorian rule', () => {
    expect([1900, 2000, 2023, 2024, 2100, 2400].map(isLeapYear)).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
    ]);
  });

  it('daysInMonth', () => {
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2025, 2)).toBe(28);
    expect(daysInMonth(2025, 4)).toBe(30);
    expect(daysInMonth(2025, 12)).toBe(31);
    expect(daysInMonth(2025, 13)).toBe(0);
  });

  it('formatIsoDate and formatIsoMonth pad with zeros', () => {
    expect(formatIsoDate({ year: 2025, month: 7, day: 1 })).toBe('2025-07-01');
    expect(formatIsoDate({ year: 950, month: 1, day: 9 })).toBe('0950-01-09');
    expect(formatIsoMonth(2025, 7)).toBe('2025-07');
  });

  it('addMonths moves over year ends both ways', () => {
    expect(addMonths(2025, 12, 1)).toEqual({ year: 2026, month: 1 });
    expect(addMonths(2025, 1, -1)).toEqual({ year: 2024, month: 12 });
    expect(addMonths(2025, 7, 6)).toEqual({ year: 2026, month: 1 });
    expect(addMonths(2025, 7, -19)).toEqual({ year: 2023, month: 12 });
    expect(addMonths(2025, 6, 0)).toEqual({ year: 2025, month: 6 });
  });

  it('monthOf and compareIso', () => {
    expect(monthOf('2025-07-31')).toBe('2025-07');
    expect(compareIso('2025-06-30', '2025-07-01')).toBe(-1);
    expect(compareIso('2025-07-01', '2025-07-01')).toBe(0);
    expect(compareIso('2026-01-01', '2025-12-31')).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Dates 1900-2200, with weight on 29 February, month ends and year ends. */
const dateArb = fc.oneof(
  {
    arbitrary: fc.integer({ min: dayNumber('1900-01-01'), max: dayNumber('2200-12-31') }).map(isoOfDay),
    weight: 3,
  },
  {
    arbitrary: fc
      .integer({ min: 1900, max: 2200 })
      .filter(isLeapYear)
      .map((y) => `${y}-02-29`),
    weight: 1,
  },
  {
    arbitrary: fc
      .record({ y: fc.integer({ min: 1900, max: 2200 }), m: fc.integer({ min: 1, max: 12 }) })
      .map(({ y, m }) => formatIsoDate({ year: y, month: m, day: daysInMonth(y, m) })),
    weight: 1,
  },
);
const daysArb = fc.oneof(fc.integer({ min: -400, max: 400 }), fc.integer({ min: -50_000, max: 50_000 }));

describe('calendar properties', () => {
  it('addDaysIso(d, n) then addDaysIso(.., -n) is the identity', () => {
    fc.assert(
      fc.property(dateArb, daysArb, (d, n) => {
        expect(addDaysIso(addDaysIso(d, n), -n)).toBe(d);
      }),
      { numRuns: 2000 },
    );
  });

  it('addDaysIso gives a real date exactly n days away, and composes', () => {
    fc.assert(
      fc.property(dateArb, daysArb, daysArb, (d, a, b) => {
        const moved = addDaysIso(d, a);
        expect(parseIsoDate(moved)).toBeDefined();
        expect(dayNumber(moved) - dayNumber(d)).toBe(a);
        expect(compareIso(moved, d)).toBe(Math.sign(a));
        expect(addDaysIso(moved, b)).toBe(addDaysIso(d, a + b));
      }),
      { numRuns: 2000 },
    );
  });

  it('the day after the last day of a month is the first of the next month', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2200 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const last = formatIsoDate({ year, month, day: daysInMonth(year, month) });
        const next = addMonths(year, month, 1);
        expect(addDaysIso(last, 1)).toBe(formatIsoDate({ year: next.year, month: next.month, day: 1 }));
      }),
    );
  });

  it('parseIsoDate and formatIsoDate round-trip every real date', () => {
    fc.assert(
      fc.property(dateArb, (d) => {
        const parts = parseIsoDate(d);
        expect(parts).toBeDefined();
        if (parts) expect(formatIsoDate(parts)).toBe(d);
      }),
    );
  });

  it('parseIsoDate accepts YYYY-MM-DD strings exactly when the day exists in the month', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        (y, m, d) => {
          const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const valid = m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
          expect(parseIsoDate(text)).toEqual(valid ? { year: y, month: m, day: d } : undefined);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('parseIsoDate never throws and rejects strings not shaped YYYY-MM-DD', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        const parsed = parseIsoDate(s);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) expect(parsed).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});
