/**
 * The monthly statistics report (《广东省江门市特殊困难老年人探访关爱服务情况统计表》): definitions.
 *
 * - Elders counted (特殊困难老年人总数, by category, by type): elder records whose status is `active`
 *   now and whose `registeredOn` is on or before the last day of the month. Refusals are included here
 *   and counted again in 拒绝服务人数.
 * - Served (the base of every rate and of 本月未联系上人数): counted elders whose consent is `accepted`.
 * - Types: 独居 living alone; 空巢 empty-nest or living alone (the rules count living alone as
 *   empty-nest); 留守 left-behind; 失能 ability at or above the county's `lossOfAbilityFrom`; 重残
 *   disability grade 1–2; 计划生育特殊家庭 family-planning special family.
 * - Visits by mode: visit records dated in the month (Asia/Shanghai) of any elder of the scope, whatever
 *   the elder's status now (a visit made to an elder who died since still happened).
 * - 月探访率: `compliance(...).monthlyMet` per served elder (A a home visit, B and C any visit in the
 *   month) / served; `visitRate` of shared/policy/compliance.ts.
 * - Home-visit compliance (上门达标率) per category, over the served elders of the category, counting
 *   visits up to the end of the month only: A a home visit in the month; B a home visit in the
 *   half-year so far (January–June or July–December, from the month of registration); C a home visit
 *   in the year so far. `missed`: not met when the period ended with this month (A every month, B June
 *   and December, C December) and the month is over.
 * - Cases: opened = `openedAt` in the month; closed = `closedAt` in the month (opened at any time
 *   before); both in Asia/Shanghai, by the case's county and township. 确认中位时长: median of
 *   acknowledgedAt − openedAt in minutes (one decimal) over the cases opened in the month and
 *   acknowledged by the end of the month; the total's median is over all those cases, not a median of
 *   the rows' medians.
 * - 本月未联系上人数: served elders with no visit record of any mode dated in the month.
 * - 探访关爱服务联系人数: visit contacts of the scope (by their county and township) as stored now.
 *
 * A past month gives the same figures every time: everything is computed from stored records (elder
 * records, visit records, cases, contacts), visits and acknowledgements after the month are ignored, and
 * the month is never compared with "today" once it is over. What still changes a past month: the elder
 * record is read as it is now, so a later change of category (the current category is used), of
 * township, of consent or of status (an elder who died, moved or left since drops out of the counts)
 * moves that elder; so do corrected or late-entered visit records dated in the month, and contacts added
 * or removed since.
 */

import { compliance, type ObligationKind, periodOf, visitRate } from '../policy/compliance.js';
import { elderTypes } from '../policy/definitions.js';
import type { Elder } from '../register/elder.js';
import type { AbilityGrade, Category } from '../registration/fields.js';
import { dateInPolicyZone, daysInMonth, formatIsoDate, type IsoDate, type IsoMonth } from '../time.js';
import { VISITOR_KINDS, type VisitMode, type VisitorKind } from '../visits/schema.js';

/** What the report reads of an elder record (the projection of the county query). */
export type ReportElder = Pick<
  Elder,
  | 'id'
  | 'name'
  | 'category'
  | 'region'
  | 'living'
  | 'emptyNest'
  | 'leftBehind'
  | 'ability'
  | 'familyPlanningSpecial'
  | 'consent'
  | 'status'
  | 'registeredOn'
> & { disabilityGrade?: number | undefined; contactId?: string | undefined } & Partial<
    Pick<
      Elder,
      | 'birthDate'
      | 'dementia'
      | 'assessment'
      | 'household'
      | 'registeredHome'
      | 'lowIncome'
      | 'extremePoverty'
    >
  >;

/** What the report reads of a visit record. */
export interface ReportVisit {
  elderId: string;
  mode: VisitMode;
  /** calendar date in Asia/Shanghai */
  visitedOn: IsoDate;
  /** false: recorded by text, contents not filled in yet */
  complete?: boolean | undefined;
  safetyRisks?: readonly string[] | undefined;
  referrals?: string | undefined;
  urgentHelp?: string | undefined;
  visitorKinds?: readonly VisitorKind[] | undefined;
}

/** What the report reads of a case (times are instants, ISO-8601). */
export interface ReportCase {
  county: string;
  township: string;
  openedAt: string;
  acknowledgedAt?: string | undefined;
  closedAt?: string | undefined;
}

export interface ReportContact {
  id: string;
  name: string;
  county: string;
  township: string;
}

/** One county, or one township of a county, or every configured county (the city). */
export interface ReportScope {
  county?: string | undefined;
  township?: string | undefined;
}

export interface HomeCompliance {
  /** elders of the category who are served (active, accepted, registered by the end of the month) */
  served: number;
  /** of them, elders whose home visit of the category's period is met by the end of the month */
  met: number;
  /** met / served; null when nobody is served */
  rate: number | null;
  /** not met at the end of a period that ended with this month (B: June and December; C: December; A: every month) */
  missed: number;
}

/** One row of the statistics form: a county, a township, or the total. */
export interface MonthlyRow {
  county: string | null;
  countyName: string;
  township: string | null;
  /** active elders registered by the end of the month, refusals included */
  elders: number;
  byCategory: Record<Category, number>;
  byType: {
    livingAlone: number;
    emptyNest: number;
    leftBehind: number;
    lossOfAbility: number;
    severeDisability: number;
    familyPlanningSpecial: number;
    /** 高龄: 80 or older at the end of the month */
    advancedAge: number;
    /** 低保 */
    lowIncome: number;
    /** 特困 */
    extremePoverty: number;
  };
  /** elders (not visits) with a visit of the kind in the month: home, remote by a person, automated */
  eldersVisited: { any: number; home: number; remote: number; automated: number };
  /** visits recorded by text and not yet filled in (counted in `visits` too) */
  visitsIncomplete: number;
  /** visits of the month that found a safety risk, made a referral, gave urgent help */
  problemsFound: number;
  referrals: number;
  urgentHelp: number;
  /** visits of the month by the kind of visitor */
  visitorsByKind: Record<VisitorKind, number>;
  contacts: number;
  visits: Record<VisitMode, number>;
  visitRate: { served: number; met: number; rate: number | null };
  homeCompliance: Record<Category, HomeCompliance>;
  refused: number;
  casesOpened: number;
  casesClosed: number;
  /** median minutes from opening to acknowledgement of the cases opened in the month; null if none */
  medianAckMinutes: number | null;
  /** served elders with no visit of any mode in the month */
  notReached: number;
}

export interface MonthlyReport {
  month: IsoMonth;
  scope: { county: string | null; countyName: string; township: string | null };
  /** the date the report counts up to: the month's last day, or today while the month runs */
  asOf: IsoDate;
  rows: MonthlyRow[];
  total: MonthlyRow;
}

export interface ReportInput {
  month: IsoMonth;
  /** today in Asia/Shanghai */
  today: IsoDate;
  scope: ReportScope;
  /** county code → names: the rows of a city report, in code order */
  counties: Readonly<Record<string, { zh: string; en: string }>>;
  lossOfAbilityFrom: (county: string) => AbilityGrade;
  elders: readonly ReportElder[];
  /** visits of the scope's counties, dated from the first month of the year up to the end of the month */
  visits: readonly ReportVisit[];
  cases: readonly ReportCase[];
  contacts: readonly ReportContact[];
}

export const lastDayOf = (month: IsoMonth): IsoDate => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return formatIsoDate({ year: y, month: m, day: daysInMonth(y, m) });
};

const inMonth = (instant: string | undefined, month: IsoMonth) =>
  instant !== undefined && dateInPolicyZone(new Date(instant)).slice(0, 7) === month;

/** The earlier of two ISO dates (string order is date order). */
const earlier = (a: IsoDate, b: IsoDate): IsoDate => (a.localeCompare(b) <= 0 ? a : b);

/** The median of numbers; the mean of the two middle ones for an even count. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Elders counted in a month: active now, registered by the end of the month (refusals included). */
export const countedIn = (elder: Pick<ReportElder, 'status' | 'registeredOn'>, month: IsoMonth) =>
  elder.status === 'active' && elder.registeredOn <= lastDayOf(month);

const HOME_KIND: Record<Category, ObligationKind> = {
  A: 'monthlyHomeVisit',
  B: 'halfYearHomeVisit',
  C: 'yearHomeVisit',
};
const HOME_MONTHS: Record<Category, 1 | 6 | 12> = { A: 1, B: 6, C: 12 };

/** Per served elder: the month's compliance, counted from visits up to the end of the month only. */
export function elderStanding(
  elder: ReportElder,
  month: IsoMonth,
  today: IsoDate,
  visits: readonly ReportVisit[],
) {
  const end = lastDayOf(month);
  // later visits must not change a past month's figures
  const dated = visits.filter((v) => v.visitedOn <= end).map((v) => ({ mode: v.mode, date: v.visitedOn }));
  const c = compliance({
    category: elder.category,
    registeredOn: elder.registeredOn,
    month,
    today: earlier(today, end),
    visits: dated,
  });
  const home = c.obligations.find((o) => o.kind === HOME_KIND[elder.category]);
  const periodEnds = periodOf(month, HOME_MONTHS[elder.category]).endMonth === month;
  return {
    compliance: c,
    homeMet: home?.status === 'met',
    homeMissed: home?.status !== 'met' && periodEnds && today > end,
    reached: dated.some((v) => v.date.slice(0, 7) === month),
  };
}

function emptyRow(county: string | null, countyName: string, township: string | null): MonthlyRow {
  const hc = (): HomeCompliance => ({ served: 0, met: 0, rate: null, missed: 0 });
  return {
    county,
    countyName,
    township,
    elders: 0,
    byCategory: { A: 0, B: 0, C: 0 },
    byType: {
      livingAlone: 0,
      emptyNest: 0,
      leftBehind: 0,
      lossOfAbility: 0,
      severeDisability: 0,
      familyPlanningSpecial: 0,
      advancedAge: 0,
      lowIncome: 0,
      extremePoverty: 0,
    },
    eldersVisited: { any: 0, home: 0, remote: 0, automated: 0 },
    visitsIncomplete: 0,
    problemsFound: 0,
    referrals: 0,
    urgentHelp: 0,
    visitorsByKind: Object.fromEntries(VISITOR_KINDS.map((k) => [k, 0])) as Record<VisitorKind, number>,
    contacts: 0,
    visits: { home: 0, phone: 0, video: 0, automated: 0 },
    visitRate: { served: 0, met: 0, rate: null },
    homeCompliance: { A: hc(), B: hc(), C: hc() },
    refused: 0,
    casesOpened: 0,
    casesClosed: 0,
    medianAckMinutes: null,
    notReached: 0,
  };
}

/**
 * The monthly statistics report (《探访关爱服务情况统计表》) from stored records: one row per county of
 * the city (or per township of a county), and the total. Pure: the same records give the same report.
 * @example buildMonthlyReport({ month: '2025-07', today: '2025-08-03', scope: { county: '440703' }, ... })
 *   .total.visitRate // { served: 6, met: 4, rate: 0.6667 }
 */
export function buildMonthlyReport(input: ReportInput): MonthlyReport {
  const { month, today, scope, counties } = input;
  const end = lastDayOf(month);
  const byTownship = scope.county !== undefined;
  const countyName = (c: string | null) => (c ? (counties[c]?.zh ?? c) : '江门市');
  const inScope = (county: string, township: string) =>
    (scope.county === undefined ? Object.hasOwn(counties, county) : county === scope.county) &&
    (scope.township === undefined || township === scope.township);

  const rows = new Map<string, MonthlyRow>();
  const rowOf = (county: string, township: string): MonthlyRow => {
    const key = byTownship ? township : county;
    let row = rows.get(key);
    if (!row) {
      row = emptyRow(county, countyName(county), byTownship ? township : null);
      rows.set(key, row);
    }
    return row;
  };
  // every county of a city report has its row, even an empty one
  if (!byTownship) for (const c of Object.keys(counties)) rowOf(c, '');
  if (scope.county !== undefined && scope.township !== undefined) rowOf(scope.county, scope.township);

  const visitsOf = new Map<string, ReportVisit[]>();
  for (const v of input.visits) {
    const list = visitsOf.get(v.elderId);
    if (list) list.push(v);
    else visitsOf.set(v.elderId, [v]);
  }
  const elderById = new Map(input.elders.map((e) => [e.id, e]));
  const ackMinutes = new Map<MonthlyRow, number[]>();
  const allAck: number[] = [];

  const rateElders: Parameters<typeof visitRate>[1][number][] = [];
  for (const elder of input.elders) {
    const { county, township } = elder.region;
    if (!inScope(county, township) || !countedIn(elder, month)) continue;
    const row = rowOf(county, township);
    row.elders++;
    row.byCategory[elder.category]++;
    // the national reference's definitions (shared/policy/definitions.ts), on the month's last day
    const types = elderTypes({ dementia: false, ...elder, birthDate: elder.birthDate ?? end }, end, {
      lossOfAbilityFrom: input.lossOfAbilityFrom,
    });
    if (types.livingAlone) row.byType.livingAlone++;
    if (types.emptyNest) row.byType.emptyNest++;
    if (types.leftBehind) row.byType.leftBehind++;
    if (types.lossOfAbility) row.byType.lossOfAbility++;
    if (types.severeDisability) row.byType.severeDisability++;
    if (elder.familyPlanningSpecial) row.byType.familyPlanningSpecial++;
    if (elder.birthDate !== undefined && types.advancedAge) row.byType.advancedAge++;
    if (elder.lowIncome) row.byType.lowIncome++;
    if (elder.extremePoverty) row.byType.extremePoverty++;
    const visitedIn = (visitsOf.get(elder.id) ?? []).filter((v) => v.visitedOn.slice(0, 7) === month);
    if (visitedIn.length > 0) row.eldersVisited.any++;
    if (visitedIn.some((v) => v.mode === 'home')) row.eldersVisited.home++;
    if (visitedIn.some((v) => v.mode === 'phone' || v.mode === 'video')) row.eldersVisited.remote++;
    if (visitedIn.some((v) => v.mode === 'automated')) row.eldersVisited.automated++;
    if (elder.consent === 'refused') {
      row.refused++;
      rateElders.push({ ...elder, monthlyMet: false });
      continue;
    }
    const standing = elderStanding(elder, month, today, visitsOf.get(elder.id) ?? []);
    rateElders.push({ ...elder, monthlyMet: standing.compliance.monthlyMet });
    row.visitRate.served++;
    if (standing.compliance.monthlyMet) row.visitRate.met++;
    const hc = row.homeCompliance[elder.category];
    hc.served++;
    if (standing.homeMet) hc.met++;
    if (standing.homeMissed) hc.missed++;
    if (!standing.reached) row.notReached++;
  }

  for (const v of input.visits) {
    if (v.visitedOn.slice(0, 7) !== month) continue;
    const elder = elderById.get(v.elderId);
    if (!elder || !inScope(elder.region.county, elder.region.township)) continue;
    const row = rowOf(elder.region.county, elder.region.township);
    row.visits[v.mode]++;
    if (v.complete === false) row.visitsIncomplete++;
    if ((v.safetyRisks ?? []).length > 0) row.problemsFound++;
    if (v.referrals) row.referrals++;
    if (v.urgentHelp) row.urgentHelp++;
    for (const k of v.visitorKinds ?? []) row.visitorsByKind[k]++;
  }

  for (const contact of input.contacts) {
    if (!inScope(contact.county, contact.township)) continue;
    rowOf(contact.county, contact.township).contacts++;
  }

  for (const c of input.cases) {
    if (!inScope(c.county, c.township)) continue;
    const row = rowOf(c.county, c.township);
    if (inMonth(c.openedAt, month)) {
      row.casesOpened++;
      // only acknowledgements made by the end of the month, so a past month never changes
      if (c.acknowledgedAt && dateInPolicyZone(new Date(c.acknowledgedAt)) <= end) {
        const minutes = (Date.parse(c.acknowledgedAt) - Date.parse(c.openedAt)) / 60_000;
        const list = ackMinutes.get(row) ?? [];
        list.push(minutes);
        ackMinutes.set(row, list);
        allAck.push(minutes);
      }
    }
    if (inMonth(c.closedAt, month)) row.casesClosed++;
  }

  const finish = (row: MonthlyRow, minutes: readonly number[]) => {
    row.visitRate.rate = ratio(row.visitRate.met, row.visitRate.served);
    for (const cat of ['A', 'B', 'C'] as const) {
      const hc = row.homeCompliance[cat];
      hc.rate = ratio(hc.met, hc.served);
    }
    const m = median(minutes);
    row.medianAckMinutes = m === null ? null : Math.round(m * 10) / 10;
  };

  const ordered = [...rows.entries()].sort(([a], [b]) => a.localeCompare(b, 'zh-CN')).map(([, r]) => r);
  const total = emptyRow(scope.county ?? null, countyName(scope.county ?? null), scope.township ?? null);
  for (const row of ordered) {
    finish(row, ackMinutes.get(row) ?? []);
    addInto(total, row);
  }
  finish(total, allAck);
  // the shared rate function is the reference for the total: the same served, met and refused
  const reference = visitRate(month, rateElders);
  total.visitRate = {
    served: reference.served,
    met: reference.met,
    rate: ratio(reference.met, reference.served),
  };
  return {
    month,
    scope: {
      county: scope.county ?? null,
      countyName: countyName(scope.county ?? null),
      township: scope.township ?? null,
    },
    asOf: earlier(today, end),
    rows: ordered,
    total,
  };
}

const ratio = (met: number, served: number) =>
  served === 0 ? null : Math.round((met / served) * 10_000) / 10_000;

function addInto(total: MonthlyRow, row: MonthlyRow) {
  total.elders += row.elders;
  for (const c of ['A', 'B', 'C'] as const) {
    total.byCategory[c] += row.byCategory[c];
    total.homeCompliance[c].served += row.homeCompliance[c].served;
    total.homeCompliance[c].met += row.homeCompliance[c].met;
    total.homeCompliance[c].missed += row.homeCompliance[c].missed;
  }
  for (const k of Object.keys(total.byType) as (keyof MonthlyRow['byType'])[])
    total.byType[k] += row.byType[k];
  for (const k of Object.keys(total.visits) as VisitMode[]) total.visits[k] += row.visits[k];
  for (const k of Object.keys(total.eldersVisited) as (keyof MonthlyRow['eldersVisited'])[])
    total.eldersVisited[k] += row.eldersVisited[k];
  for (const k of VISITOR_KINDS) total.visitorsByKind[k] += row.visitorsByKind[k];
  total.visitsIncomplete += row.visitsIncomplete;
  total.problemsFound += row.problemsFound;
  total.referrals += row.referrals;
  total.urgentHelp += row.urgentHelp;
  total.contacts += row.contacts;
  total.visitRate.served += row.visitRate.served;
  total.visitRate.met += row.visitRate.met;
  total.refused += row.refused;
  total.casesOpened += row.casesOpened;
  total.casesClosed += row.casesClosed;
  total.notReached += row.notReached;
}
