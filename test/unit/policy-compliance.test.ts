import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Compliance,
  compliance,
  type DatedVisit,
  periodOf,
  visitRate,
} from '../../shared/policy/compliance.js';
import { CATEGORIES, type Category } from '../../shared/registration/fields.js';
import { dateInPolicyZone } from '../../shared/time.js';
import { VISIT_MODES, type VisitMode } from '../../shared/visits/schema.js';

const home = (date: string): DatedVisit => ({ mode: 'home', date });
const phone = (date: string): DatedVisit => ({ mode: 'phone', date });
const video = (date: string): DatedVisit => ({ mode: 'video', date });
const automated = (date: string): DatedVisit => ({ mode: 'automated', date });
/** A visit at an instant, dated by its calendar day in Asia/Shanghai. */
const at = (mode: VisitMode, instant: string): DatedVisit => ({
  mode,
  date: dateInPolicyZone(new Date(instant)),
});

function check(
  category: Category,
  month: string,
  today: string,
  visits: readonly DatedVisit[] = [],
  registeredOn = '2024-01-15',
): Compliance {
  return compliance({ category, registeredOn, month, today, visits });
}

const kinds = (c: Compliance) => c.obligations.map((o) => o.kind);
const byKind = (c: Compliance, kind: string) => {
  const found = c.obligations.find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} obligation in ${JSON.stringify(c.obligations)}`);
  return found;
};

describe('compliance: category A (a home visit each month)', () => {
  it('a home visit in the month meets it; the next is due by the end of next month', () => {
    const c = check('A', '2025-07', '2025-07-20', [home('2025-07-02')], '2025-03-10');
    expect(c).toEqual({
      month: '2025-07',
      category: 'A',
      applicable: true,
      obligations: [
        {
          kind: 'monthlyHomeVisit',
          period: { start: '2025-07-01', end: '2025-07-31' },
          status: 'met',
          metOn: '2025-07-02',
        },
      ],
      monthlyMet: true,
      nextDue: { visit: '2025-08-31', homeVisit: '2025-08-31' },
    });
  });

  it('remote visits do not meet it: open while the month runs, missed after', () => {
    const visits = [phone('2025-07-03'), video('2025-07-10'), automated('2025-07-15')];
    const open = check('A', '2025-07', '2025-07-31', visits);
    expect(open.obligations).toEqual([
      { kind: 'monthlyHomeVisit', period: { start: '2025-07-01', end: '2025-07-31' }, status: 'open' },
    ]);
    expect(open.monthlyMet).toBe(false);
    expect(open.nextDue).toEqual({ visit: '2025-07-31', homeVisit: '2025-07-31' });
    const missed = check('A', '2025-07', '2025-08-01', visits);
    expect(byKind(missed, 'monthlyHomeVisit').status).toBe('missed');
    expect(missed.monthlyMet).toBe(false);
    expect(missed.nextDue.homeVisit).toBe('2025-07-31');
  });

  it('home visits in the neighbouring months do not count', () => {
    const c = check('A', '2025-07', '2025-09-01', [home('2025-06-30'), home('2025-08-01')]);
    expect(byKind(c, 'monthlyHomeVisit').status).toBe('missed');
  });

  it('a home visit on the last day of the month counts (February in a leap year)', () => {
    const c = check('A', '2024-02', '2024-03-15', [home('2024-02-29')]);
    expect(byKind(c, 'monthlyHomeVisit')).toEqual({
      kind: 'monthlyHomeVisit',
      period: { start: '2024-02-01', end: '2024-02-29' },
      status: 'met',
      metOn: '2024-02-29',
    });
    expect(c.nextDue).toEqual({ visit: '2024-03-31', homeVisit: '2024-03-31' });
  });

  it('a future month with no visits is open', () => {
    expect(byKind(check('A', '2025-09', '2025-07-20'), 'monthlyHomeVisit').status).toBe('open');
  });

  it('metOn is the earliest qualifying visit whatever the order given', () => {
    const visits = [home('2025-07-25'), phone('2025-07-01'), home('2025-07-05'), home('2025-07-18')];
    expect(byKind(check('A', '2025-07', '2025-07-31', visits), 'monthlyHomeVisit').metOn).toBe('2025-07-05');
    expect(byKind(check('A', '2025-07', '2025-07-31', visits.toReversed()), 'monthlyHomeVisit').metOn).toBe(
      '2025-07-05',
    );
  });

  it('the December visit meets December; the next is due by the end of January', () => {
    const c = check('A', '2025-12', '2025-12-31', [home('2025-12-31')]);
    expect(c.monthlyMet).toBe(true);
    expect(c.nextDue).toEqual({ visit: '2026-01-31', homeVisit: '2026-01-31' });
  });
});

describe('compliance: category B (any visit each month, a home visit each half-year)', () => {
  it('has a monthly visit and a half-year home visit obligation', () => {
    const c = check('B', '2025-07', '2025-07-20', [phone('2025-07-10')], '2025-01-05');
    expect(kinds(c)).toEqual(['monthlyVisit', 'halfYearHomeVisit']);
    expect(byKind(c, 'monthlyVisit')).toEqual({
      kind: 'monthlyVisit',
      period: { start: '2025-07-01', end: '2025-07-31' },
      status: 'met',
      metOn: '2025-07-10',
    });
    expect(byKind(c, 'halfYearHomeVisit')).toEqual({
      kind: 'halfYearHomeVisit',
      period: { start: '2025-07-01', end: '2025-12-31' },
      status: 'open',
    });
    expect(c.monthlyMet).toBe(true);
    expect(c.nextDue).toEqual({ visit: '2025-08-31', homeVisit: '2025-12-31' });
  });

  it.each([
    ['phone', phone],
    ['video', video],
    ['automated', automated],
    ['home', home],
  ] as const)('a %s visit meets the monthly obligation', (_mode, make) => {
    expect(check('B', '2025-05', '2025-05-20', [make('2025-05-19')]).monthlyMet).toBe(true);
  });

  it('a home visit meets both the month and the half-year', () => {
    const c = check('B', '2025-03', '2025-03-20', [home('2025-03-04')]);
    expect(byKind(c, 'monthlyVisit').status).toBe('met');
    expect(byKind(c, 'halfYearHomeVisit')).toMatchObject({
      period: { start: '2025-01-01', end: '2025-06-30' },
      status: 'met',
      metOn: '2025-03-04',
    });
  });

  it('a home visit in another month of the half-year meets the half-year but not this month', () => {
    const c = check('B', '2025-07', '2025-10-01', [home('2025-09-15')]);
    expect(byKind(c, 'monthlyVisit').status).toBe('missed');
    expect(c.monthlyMet).toBe(false);
    expect(byKind(c, 'halfYearHomeVisit')).toMatchObject({ status: 'met', metOn: '2025-09-15' });
  });

  it('June 30 belongs to the first half-year, July 1 to the second', () => {
    const june30 = [home('2025-06-30')];
    expect(byKind(check('B', '2025-02', '2025-08-01', june30), 'halfYearHomeVisit').status).toBe('met');
    expect(byKind(check('B', '2025-07', '2025-08-01', june30), 'halfYearHomeVisit').status).toBe('open');
    const july1 = [home('2025-07-01')];
    expect(byKind(check('B', '2025-06', '2025-07-01', july1), 'halfYearHomeVisit').status).toBe('missed');
    expect(byKind(check('B', '2025-12', '2025-12-01', july1), 'halfYearHomeVisit')).toMatchObject({
      period: { start: '2025-07-01', end: '2025-12-31' },
      status: 'met',
      metOn: '2025-07-01',
    });
  });

  it('the first half-year is open on June 30 and missed on July 1', () => {
    expect(
      byKind(check('B', '2025-04', '2025-06-30', [phone('2025-04-02')]), 'halfYearHomeVisit').status,
    ).toBe('open');
    expect(
      byKind(check('B', '2025-04', '2025-07-01', [phone('2025-04-02')]), 'halfYearHomeVisit').status,
    ).toBe('missed');
  });

  it('met in the first half-year: the next home visit is due by the end of the second', () => {
    const c = check('B', '2025-03', '2025-03-20', [home('2025-02-10'), phone('2025-03-01')]);
    expect(c.nextDue).toEqual({ visit: '2025-04-30', homeVisit: '2025-12-31' });
  });

  it('met in the second half-year: the next home visit is due by 30 June of the next year', () => {
    const c = check('B', '2025-09', '2025-09-20', [home('2025-08-10'), video('2025-09-02')]);
    expect(c.nextDue).toEqual({ visit: '2025-10-31', homeVisit: '2026-06-30' });
  });

  it('not met: the visits are due by the end of the current periods', () => {
    const c = check('B', '2025-02', '2025-02-10');
    expect(c.nextDue).toEqual({ visit: '2025-02-28', homeVisit: '2025-06-30' });
  });
});

describe('compliance: category C (any visit each month, a home visit each year)', () => {
  it('has a monthly visit and a year home visit obligation over the calendar year', () => {
    const c = check('C', '2025-05', '2025-05-20', [automated('2025-05-03')]);
    expect(kinds(c)).toEqual(['monthlyVisit', 'yearHomeVisit']);
    expect(byKind(c, 'monthlyVisit')).toMatchObject({ status: 'met', metOn: '2025-05-03' });
    expect(byKind(c, 'yearHomeVisit')).toEqual({
      kind: 'yearHomeVisit',
      period: { start: '2025-01-01', end: '2025-12-31' },
      status: 'open',
    });
    expect(c.nextDue).toEqual({ visit: '2025-06-30', homeVisit: '2025-12-31' });
  });

  it('December 31 belongs to the year, January 1 to the next', () => {
    const dec31 = [home('2025-12-31')];
    expect(byKind(check('C', '2025-01', '2026-02-01', dec31), 'yearHomeVisit').status).toBe('met');
    expect(byKind(check('C', '2026-01', '2026-02-01', dec31), 'yearHomeVisit').status).toBe('open');
    const jan1 = [home('2026-01-01')];
    expect(byKind(check('C', '2025-12', '2026-01-01', jan1), 'yearHomeVisit').status).toBe('missed');
    expect(byKind(check('C', '2026-06', '2026-06-01', jan1), 'yearHomeVisit')).toMatchObject({
      status: 'met',
      metOn: '2026-01-01',
    });
  });

  it('the year is open on December 31 and missed on January 1', () => {
    expect(byKind(check('C', '2025-03', '2025-12-31'), 'yearHomeVisit').status).toBe('open');
    expect(byKind(check('C', '2025-03', '2026-01-01'), 'yearHomeVisit').status).toBe('missed');
    expect(byKind(check('C', '2025-12', '2025-12-31'), 'monthlyVisit').status).toBe('open');
    expect(byKind(check('C', '2025-12', '2026-01-01'), 'monthlyVisit').status).toBe('missed');
  });

  it('met: the next home visit is due by the end of next year; the next visit by the end of next month', () => {
    const c = check('C', '2025-12', '2025-12-20', [home('2025-04-01'), phone('2025-12-02')]);
    expect(c.nextDue).toEqual({ visit: '2026-01-31', homeVisit: '2026-12-31' });
  });
});

describe('compliance: registration month', () => {
  it('months before registration are not applicable and owe nothing', () => {
    const c = compliance({
      category: 'C',
      registeredOn: '2025-08-20',
      month: '2025-07',
      today: '2025-09-01',
      visits: [home('2025-07-10')],
    });
    expect(c.applicable).toBe(false);
    expect(c.obligations).toEqual([]);
    expect(c.monthlyMet).toBe(false);
    // the first visits are owed in the periods holding the registration month
    expect(c.nextDue).toEqual({ visit: '2025-08-31', homeVisit: '2025-12-31' });
  });

  it('not applicable for A and B either; next due in the registration periods', () => {
    const a = compliance({
      category: 'A',
      registeredOn: '2025-03-10',
      month: '2024-12',
      today: '2025-03-10',
      visits: [],
    });
    expect(a).toMatchObject({ applicable: false, obligations: [], monthlyMet: false });
    expect(a.nextDue).toEqual({ visit: '2025-03-31', homeVisit: '2025-03-31' });
    const b = compliance({
      category: 'B',
      registeredOn: '2025-03-10',
      month: '2025-02',
      today: '2025-03-10',
      visits: [],
    });
    expect(b).toMatchObject({ applicable: false, obligations: [] });
    expect(b.nextDue).toEqual({ visit: '2025-03-31', homeVisit: '2025-06-30' });
  });

  it('the registration month itself is applicable', () => {
    const c = compliance({
      category: 'A',
      registeredOn: '2025-07-31',
      month: '2025-07',
      today: '2025-07-31',
      visits: [],
    });
    expect(c.applicable).toBe(true);
    expect(byKind(c, 'monthlyHomeVisit')).toEqual({
      kind: 'monthlyHomeVisit',
      period: { start: '2025-07-01', end: '2025-07-31' },
      status: 'open',
    });
  });

  it('the half-year is clipped to start with the registration month', () => {
    const input = {
      category: 'B' as const,
      registeredOn: '2025-03-15',
      month: '2025-04',
      today: '2025-07-01',
    };
    const before = compliance({ ...input, visits: [home('2025-02-20'), phone('2025-04-03')] });
    expect(byKind(before, 'halfYearHomeVisit')).toEqual({
      kind: 'halfYearHomeVisit',
      period: { start: '2025-03-01', end: '2025-06-30' },
      status: 'missed',
    });
    // the period is the whole registration month
    const inMonth = compliance({ ...input, visits: [home('2025-03-01'), phone('2025-04-03')] });
    expect(byKind(inMonth, 'halfYearHomeVisit')).toMatchObject({ status: 'met', metOn: '2025-03-01' });
  });

  it('the year is clipped to start with the registration month; later years are whole', () => {
    const first = compliance({
      category: 'C',
      registeredOn: '2025-08-20',
      month: '2025-08',
      today: '2025-08-25',
      visits: [],
    });
    expect(byKind(first, 'yearHomeVisit').period).toEqual({ start: '2025-08-01', end: '2025-12-31' });
    expect(byKind(first, 'monthlyVisit').period).toEqual({ start: '2025-08-01', end: '2025-08-31' });
    const later = compliance({
      category: 'C',
      registeredOn: '2025-08-20',
      month: '2026-03',
      today: '2026-03-05',
      visits: [],
    });
    expect(byKind(later, 'yearHomeVisit').period).toEqual({ start: '2026-01-01', end: '2026-12-31' });
  });

  it('registration in the second half-year clips only that half-year', () => {
    const c = compliance({
      category: 'B',
      registeredOn: '2025-11-30',
      month: '2025-12',
      today: '2025-12-05',
      visits: [],
    });
    expect(byKind(c, 'halfYearHomeVisit').period).toEqual({ start: '2025-11-01', end: '2025-12-31' });
    const next = compliance({
      category: 'B',
      registeredOn: '2025-11-30',
      month: '2026-02',
      today: '2026-02-05',
      visits: [],
    });
    expect(byKind(next, 'halfYearHomeVisit').period).toEqual({ start: '2026-01-01', end: '2026-06-30' });
  });
});

describe('compliance: time zone (dates are Asia/Shanghai calendar days)', () => {
  it('a visit at 2025-06-30T16:30:00Z is on 2025-07-01 in Shanghai and counts for July', () => {
    const visit = at('home', '2025-06-30T16:30:00Z');
    expect(visit.date).toBe('2025-07-01');
    expect(check('A', '2025-07', '2025-07-10', [visit]).monthlyMet).toBe(true);
    expect(check('A', '2025-06', '2025-07-10', [visit]).monthlyMet).toBe(false);
    expect(byKind(check('B', '2025-06', '2025-07-10', [visit]), 'halfYearHomeVisit').status).toBe('missed');
    expect(byKind(check('B', '2025-07', '2025-07-10', [visit]), 'halfYearHomeVisit').status).toBe('met');
  });

  it('a visit at 2025-06-30T15:59:59Z is still on June 30 in Shanghai', () => {
    const visit = at('home', '2025-06-30T15:59:59Z');
    expect(visit.date).toBe('2025-06-30');
    expect(check('A', '2025-06', '2025-07-10', [visit]).monthlyMet).toBe(true);
    expect(check('A', '2025-07', '2025-07-10', [visit]).monthlyMet).toBe(false);
  });

  it('a visit at 2025-12-31T16:00:00Z counts for the next year', () => {
    const visit = at('home', '2025-12-31T16:00:00Z');
    expect(visit.date).toBe('2026-01-01');
    expect(byKind(check('C', '2025-12', '2026-01-05', [visit]), 'yearHomeVisit').status).toBe('missed');
    expect(byKind(check('C', '2026-01', '2026-01-05', [visit]), 'yearHomeVisit').status).toBe('met');
  });
});

describe('periodOf', () => {
  it('gives calendar months, half-years and years', () => {
    expect(periodOf('2025-07', 1)).toEqual({ startMonth: '2025-07', endMonth: '2025-07' });
    expect(periodOf('2025-06', 6)).toEqual({ startMonth: '2025-01', endMonth: '2025-06' });
    expect(periodOf('2025-07', 6)).toEqual({ startMonth: '2025-07', endMonth: '2025-12' });
    expect(periodOf('2025-01', 12)).toEqual({ startMonth: '2025-01', endMonth: '2025-12' });
    expect(periodOf('2025-12', 12)).toEqual({ startMonth: '2025-01', endMonth: '2025-12' });
  });

  it('refuses a value that is not a month', () => {
    expect(() => periodOf('2025-7', 1)).toThrow(RangeError);
  });
});

describe('visitRate', () => {
  const elder = (
    monthlyMet: boolean,
    extra: Partial<{ consent: 'accepted' | 'refused'; status: string; registeredOn: string }> = {},
  ) => ({ consent: 'accepted' as const, status: 'active', registeredOn: '2025-01-10', monthlyMet, ...extra });

  it('is met / served; refusals apart; inactive and later registrations left out', () => {
    const result = visitRate('2025-07', [
      elder(true),
      elder(true),
      elder(false),
      elder(false, { consent: 'refused' }),
      elder(true, { status: 'moved' }),
      elder(true, { status: 'died' }),
      elder(false, { status: 'left' }),
      elder(true, { registeredOn: '2025-08-01' }),
      elder(false, { registeredOn: '2025-08-01', consent: 'refused' }),
      elder(true, { registeredOn: '2025-07-31' }),
    ]);
    expect(result).toEqual({ month: '2025-07', served: 4, met: 3, rate: 0.75, refused: 1 });
  });

  it('a refusal is not counted in the rate even when marked met', () => {
    expect(visitRate('2025-07', [elder(true, { consent: 'refused' }), elder(false)])).toEqual({
      month: '2025-07',
      served: 1,
      met: 0,
      rate: 0,
      refused: 1,
    });
  });

  it('is null when nobody is served', () => {
    expect(visitRate('2025-07', [])).toEqual({ month: '2025-07', served: 0, met: 0, rate: null, refused: 0 });
    expect(visitRate('2025-07', [elder(true, { consent: 'refused' })]).rate).toBeNull();
  });

  it('is 1 when every served elder is met', () => {
    expect(visitRate('2025-07', [elder(true), elder(true, { registeredOn: '2025-07-01' })]).rate).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const dim = (y: number, m: number) =>
  [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const ymd = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
const ym = (y: number, m: number) => `${pad(y, 4)}-${pad(m)}`;
const monthIndex = (y: number, m: number) => y * 12 + m - 1;
const fromIndex = (i: number) => ({ y: Math.floor(i / 12), m: (i % 12) + 1 });

/** A (year, month) in 1950-2100, with weight on February of leap years and on June/December. */
const monthArb = fc.oneof(
  {
    arbitrary: fc.record({ y: fc.integer({ min: 1950, max: 2100 }), m: fc.integer({ min: 1, max: 12 }) }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      y: fc.integer({ min: 1950, max: 2100 }).filter(isLeap),
      m: fc.constant(2),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({ y: fc.integer({ min: 1950, max: 2100 }), m: fc.constantFrom(1, 6, 7, 12) }),
    weight: 1,
  },
);

/** A day of the given month, with weight on the first and last days. */
const dayIn = (y: number, m: number) =>
  fc.oneof(fc.integer({ min: 1, max: dim(y, m) }), fc.constantFrom(1, dim(y, m))).map((d) => ymd(y, m, d));

/** A date within `months` months either side of (y, m). */
const dateNear = (y: number, m: number, months: number) =>
  fc.integer({ min: -months, max: months }).chain((delta) => {
    const t = fromIndex(monthIndex(y, m) + delta);
    return dayIn(t.y, t.m);
  });

const visitsNear = (y: number, m: number) =>
  fc.array(fc.record({ mode: fc.constantFrom(...VISIT_MODES), date: dateNear(y, m, 14) }), { maxLength: 8 });

/** A scenario: category, month, registration on or before the month, today, visits around. */
const scenario = monthArb.chain(({ y, m }) =>
  fc.record({
    y: fc.constant(y),
    m: fc.constant(m),
    category: fc.constantFrom(...CATEGORIES),
    registeredOn: fc.integer({ min: 0, max: 30 }).chain((back) => {
      const r = fromIndex(monthIndex(y, m) - back);
      return dayIn(r.y, r.m);
    }),
    today: dateNear(y, m, 14),
    visits: visitsNear(y, m),
  }),
);

describe('compliance: properties', () => {
  it('a visit of any mode dated inside the month meets the monthly obligation for B and C', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) =>
          fc.record({
            s: fc.constant(s),
            category: fc.constantFrom<Category>('B', 'C'),
            visit: fc.record({ mode: fc.constantFrom(...VISIT_MODES), date: dayIn(s.y, s.m) }),
          }),
        ),
        ({ s, category, visit }) => {
          const c = compliance({
            category,
            registeredOn: s.registeredOn,
            month: ym(s.y, s.m),
            today: s.today,
            visits: [...s.visits, visit],
          });
          expect(c.applicable).toBe(true);
          expect(c.monthlyMet).toBe(true);
          const monthly = byKind(c, 'monthlyVisit');
          expect(monthly.status).toBe('met');
          expect(monthly.metOn?.slice(0, 7)).toBe(ym(s.y, s.m));
          expect(monthly.metOn && monthly.metOn <= visit.date).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a home visit dated inside the month always meets A's monthly obligation", () => {
    fc.assert(
      fc.property(
        scenario.chain((s) => fc.tuple(fc.constant(s), dayIn(s.y, s.m))),
        ([s, date]) => {
          const c = compliance({
            category: 'A',
            registeredOn: s.registeredOn,
            month: ym(s.y, s.m),
            today: s.today,
            visits: [...s.visits, home(date)],
          });
          expect(c.monthlyMet).toBe(true);
          expect(byKind(c, 'monthlyHomeVisit').status).toBe('met');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("remote visits (phone, video, automated) never meet A's obligation", () => {
    fc.assert(
      fc.property(
        scenario.chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.array(
              fc.record({
                mode: fc.constantFrom<VisitMode>('phone', 'video', 'automated'),
                date: dateNear(s.y, s.m, 2),
              }),
              { maxLength: 10 },
            ),
          ),
        ),
        ([s, remote]) => {
          const c = compliance({
            category: 'A',
            registeredOn: s.registeredOn,
            month: ym(s.y, s.m),
            today: s.today,
            visits: remote,
          });
          expect(c.monthlyMet).toBe(false);
          expect(byKind(c, 'monthlyHomeVisit').status).not.toBe('met');
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('every obligation period contains the queried month and starts no earlier than the registration month', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const month = ym(s.y, s.m);
        const c = compliance({
          category: s.category,
          registeredOn: s.registeredOn,
          month,
          today: s.today,
          visits: s.visits,
        });
        expect(c.obligations.length).toBe(s.category === 'A' ? 1 : 2);
        for (const o of c.obligations) {
          expect(o.period.start <= ymd(s.y, s.m, 1)).toBe(true);
          expect(o.period.end >= ymd(s.y, s.m, dim(s.y, s.m))).toBe(true);
          expect(o.period.start >= `${s.registeredOn.slice(0, 7)}-01`).toBe(true);
          expect(o.period.start.slice(0, 4)).toBe(o.period.end.slice(0, 4));
          expect(o.period.start.endsWith('-01')).toBe(true);
          const [ey, em] = o.period.end.split('-').map(Number) as [number, number];
          expect(o.period.end).toBe(ymd(ey, em, dim(ey, em)));
          const expectedEndMonth =
            o.kind === 'halfYearHomeVisit' ? (s.m <= 6 ? 6 : 12) : o.kind === 'yearHomeVisit' ? 12 : s.m;
          expect(em).toBe(expectedEndMonth);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('status is met iff a qualifying visit lies in the period, missed only when today is past the period end', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const c = compliance({
          category: s.category,
          registeredOn: s.registeredOn,
          month: ym(s.y, s.m),
          today: s.today,
          visits: s.visits,
        });
        for (const o of c.obligations) {
          const homeOnly = o.kind !== 'monthlyVisit';
          const qualifying = s.visits
            .filter(
              (v) => v.date >= o.period.start && v.date <= o.period.end && (!homeOnly || v.mode === 'home'),
            )
            .map((v) => v.date)
            .sort();
          if (qualifying.length > 0) expect(o).toMatchObject({ status: 'met', metOn: qualifying[0] });
          else expect(o.status).toBe(s.today > o.period.end ? 'missed' : 'open');
          if (s.today <= o.period.end) expect(o.status).not.toBe('missed');
        }
        expect(c.monthlyMet).toBe(c.obligations[0]?.status === 'met');
      }),
      { numRuns: 2000 },
    );
  });

  it('the order of the visits does not matter', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) =>
          fc.tuple(
            fc.constant(s),
            fc.array(fc.double({ noNaN: true }), { minLength: s.visits.length, maxLength: s.visits.length }),
          ),
        ),
        ([s, keys]) => {
          const shuffled = s.visits
            .map((v, i) => ({ v, k: keys[i] ?? 0 }))
            .sort((a, b) => a.k - b.k)
            .map(({ v }) => v);
          const input = {
            category: s.category,
            registeredOn: s.registeredOn,
            month: ym(s.y, s.m),
            today: s.today,
          };
          expect(compliance({ ...input, visits: shuffled })).toEqual(
            compliance({ ...input, visits: s.visits }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('next due dates: the end of the current period when not met, the end of the following one when met', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const c = compliance({
          category: s.category,
          registeredOn: s.registeredOn,
          month: ym(s.y, s.m),
          today: s.today,
          visits: s.visits,
        });
        const monthly = c.obligations[0];
        const homeObligation = c.obligations.at(-1);
        if (!monthly || !homeObligation) throw new Error('no obligations');
        const length = { A: 1, B: 6, C: 12 }[s.category];
        const followingEnd = (o: typeof monthly, months: number) => {
          const end = o.period.end;
          const e = fromIndex(monthIndex(Number(end.slice(0, 4)), Number(end.slice(5, 7))) + months);
          return ymd(e.y, e.m, dim(e.y, e.m));
        };
        expect(c.nextDue.visit).toBe(
          monthly.status === 'met' ? followingEnd(monthly, 1) : monthly.period.end,
        );
        expect(c.nextDue.homeVisit).toBe(
          homeObligation.status === 'met' ? followingEnd(homeObligation, length) : homeObligation.period.end,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('months before the registration month are not applicable and owe nothing', () => {
    fc.assert(
      fc.property(
        scenario.chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 1, max: 40 }))),
        ([s, ahead]) => {
          const r = fromIndex(monthIndex(s.y, s.m) + ahead);
          const c = compliance({
            category: s.category,
            registeredOn: ymd(r.y, r.m, 1),
            month: ym(s.y, s.m),
            today: s.today,
            visits: [...s.visits, home(ymd(s.y, s.m, 1))],
          });
          expect(c).toMatchObject({ applicable: false, obligations: [], monthlyMet: false });
          expect(c.nextDue.visit).toBe(ymd(r.y, r.m, dim(r.y, r.m)));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('visitRate: properties', () => {
  const elderArb = fc.record({
    consent: fc.constantFrom<'accepted' | 'refused'>('accepted', 'refused'),
    status: fc.constantFrom('active', 'moved', 'died', 'left'),
    registeredOn: fc.constantFrom(
      '2024-12-31',
      '2025-01-01',
      '2025-06-15',
      '2025-07-01',
      '2025-07-31',
      '2025-08-01',
      '2026-01-01',
    ),
    monthlyMet: fc.boolean(),
  });

  it('rate = met / served over active, accepted elders registered by the month; refusals apart', () => {
    fc.assert(
      fc.property(fc.array(elderArb, { maxLength: 40 }), (elders) => {
        const result = visitRate('2025-07', elders);
        const counted = elders.filter((e) => e.status === 'active' && e.registeredOn <= '2025-07-31');
        const served = counted.filter((e) => e.consent === 'accepted');
        const met = served.filter((e) => e.monthlyMet).length;
        expect(result.served).toBe(served.length);
        expect(result.met).toBe(met);
        expect(result.refused).toBe(counted.filter((e) => e.consent === 'refused').length);
        expect(result.rate).toBe(served.length === 0 ? null : met / served.length);
        if (result.rate !== null) {
          expect(result.rate).toBeGreaterThanOrEqual(0);
          expect(result.rate).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });
});
