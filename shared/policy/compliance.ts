import type { Category } from '../registration/fields.js';
import {
  addMonths,
  daysInMonth,
  formatIsoDate,
  formatIsoMonth,
  ISO_MONTH,
  type IsoDate,
  type IsoMonth,
} from '../time.js';
import type { VisitMode } from '../visits/schema.js';

export type ObligationKind = 'monthlyHomeVisit' | 'monthlyVisit' | 'halfYearHomeVisit' | 'yearHomeVisit';
export type ObligationStatus = 'met' | 'open' | 'missed';

export interface Period {
  /** first day, YYYY-MM-DD */
  start: IsoDate;
  /** last day, YYYY-MM-DD: the visit is due by the end of it */
  end: IsoDate;
}

export interface Obligation {
  kind: ObligationKind;
  /** the calendar period (clipped to start with the registration month) */
  period: Period;
  status: ObligationStatus;
  /** date of the first visit that met it */
  metOn?: IsoDate;
}

export interface Compliance {
  month: IsoMonth;
  category: Category;
  /** false for months before the elder was registered: nothing is owed for them */
  applicable: boolean;
  obligations: Obligation[];
  /** the monthly obligation (a home visit for A, any visit for B and C) is met */
  monthlyMet: boolean;
  /** last day by which the next visit of each kind is due */
  nextDue: { visit: IsoDate; homeVisit: IsoDate };
}

/** A visit as the obligations see it: its mode and its calendar date in Asia/Shanghai. */
export interface DatedVisit {
  mode: VisitMode;
  date: IsoDate;
}

function monthParts(month: IsoMonth) {
  const m = ISO_MONTH.exec(month);
  if (!m) throw new RangeError(`not a month: ${month}`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

const firstDay = (year: number, month: number) => formatIsoDate({ year, month, day: 1 });
const lastDay = (year: number, month: number) =>
  formatIsoDate({ year, month, day: daysInMonth(year, month) });

/** The calendar period of the given length (1, 6 or 12 months) that holds the month. */
export function periodOf(month: IsoMonth, months: 1 | 6 | 12): { startMonth: IsoMonth; endMonth: IsoMonth } {
  const { year, month: m } = monthParts(month);
  const startM = months === 1 ? m : months === 6 ? (m <= 6 ? 1 : 7) : 1;
  const endM = startM + months - 1;
  return { startMonth: formatIsoMonth(year, startM), endMonth: formatIsoMonth(year, endM) };
}

const HOME_PERIOD: Record<Category, 1 | 6 | 12> = { A: 1, B: 6, C: 12 };

/**
 * Which visit obligations of a month are met, open or missed, and when the next visits are due.
 * Periods are calendar periods in Asia/Shanghai starting with the month of registration.
 * A: a home visit each month. B: any visit each month and a home visit each half-year.
 * C: any visit each month and a home visit each year.
 * @example compliance({ category: 'A', registeredOn: '2025-03-10', month: '2025-07',
 *   today: '2025-07-20', visits: [{ mode: 'home', date: '2025-07-02' }] }).monthlyMet // true
 */
export function compliance(input: {
  category: Category;
  registeredOn: IsoDate;
  month: IsoMonth;
  today: IsoDate;
  visits: readonly DatedVisit[];
}): Compliance {
  const { category, registeredOn, month, today, visits } = input;
  const registeredMonth = registeredOn.slice(0, 7);
  const applicable = month >= registeredMonth;

  const obligation = (kind: ObligationKind, months: 1 | 6 | 12, homeOnly: boolean): Obligation => {
    const { startMonth, endMonth } = periodOf(month, months);
    const from = startMonth < registeredMonth ? registeredMonth : startMonth;
    const start = firstDay(monthParts(from).year, monthParts(from).month);
    const end = lastDay(monthParts(endMonth).year, monthParts(endMonth).month);
    const qualifying = visits
      .filter((v) => v.date >= start && v.date <= end && (!homeOnly || v.mode === 'home'))
      .map((v) => v.date)
      .sort();
    const metOn = qualifying[0];
    const status: ObligationStatus = metOn ? 'met' : today > end ? 'missed' : 'open';
    return { kind, period: { start, end }, status, ...(metOn ? { metOn } : {}) };
  };

  const obligations: Obligation[] = !applicable
    ? []
    : category === 'A'
      ? [obligation('monthlyHomeVisit', 1, true)]
      : [
          obligation('monthlyVisit', 1, false),
          obligation(category === 'B' ? 'halfYearHomeVisit' : 'yearHomeVisit', HOME_PERIOD[category], true),
        ];

  const monthly = obligations[0];
  const home = obligations.find((o) => o.kind !== 'monthlyVisit');
  const nextDueAfter = (o: Obligation | undefined, months: 1 | 6 | 12): IsoDate => {
    const base = monthParts(month);
    if (!o) {
      // before registration: the first period is the one holding the registration month
      const reg = monthParts(registeredMonth);
      const p = periodOf(formatIsoMonth(reg.year, reg.month), months);
      const e = monthParts(p.endMonth);
      return lastDay(e.year, e.month);
    }
    if (o.status !== 'met') return o.period.end;
    const p = periodOf(formatIsoMonth(base.year, base.month), months);
    const e = monthParts(p.endMonth);
    const next = addMonths(e.year, e.month, months);
    return lastDay(next.year, next.month);
  };
  return {
    month,
    category,
    applicable,
    obligations,
    monthlyMet: monthly?.status === 'met',
    nextDue: {
      visit: nextDueAfter(monthly, 1),
      homeVisit: nextDueAfter(home ?? monthly, HOME_PERIOD[category]),
    },
  };
}

/** The monthly visit rate: elders whose monthly obligation is met / active elders who accepted. */
export interface VisitRate {
  month: IsoMonth;
  /** active elders who accepted the service and were registered by the month */
  served: number;
  met: number;
  /** met / served, 0..1; null when nobody is served */
  rate: number | null;
  /** refusals are counted apart and are not in the rate */
  refused: number;
}

export function visitRate(
  month: IsoMonth,
  elders: readonly {
    consent: 'accepted' | 'refused';
    status: string;
    registeredOn: IsoDate;
    monthlyMet: boolean;
  }[],
): VisitRate {
  let served = 0;
  let met = 0;
  let refused = 0;
  for (const e of elders) {
    if (e.status !== 'active' || e.registeredOn.slice(0, 7) > month) continue;
    if (e.consent === 'refused') {
      refused++;
      continue;
    }
    served++;
    if (e.monthlyMet) met++;
  }
  return { month, served, met, rate: served === 0 ? null : met / served, refused };
}
