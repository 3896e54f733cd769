import type { PolicyConfig } from '../config.js';
import { periodOf } from '../policy/compliance.js';
import type { Db } from '../store/client.js';
import { addMonths, dateInPolicyZone, type IsoMonth } from '../time.js';
import { buildMonthlyReport, type MonthlyReport, type ReportScope } from './monthly.js';
import { type OpenObligationsReport, openObligations } from './open.js';
import {
  type Capacity,
  readCountyCases,
  readCountyContacts,
  readCountyElders,
  readCountyMonthVisits,
} from './store.js';

export interface ReportDeps {
  db: Db;
  policy: PolicyConfig;
  /** counties read at once (default all); DynamoDB Local is faster with fewer (see bench/report.ts) */
  countyConcurrency?: number | undefined;
}

/** The months from the start of the month's year up to the month: what the year's home visit needs. */
export function monthsOfYearSoFar(month: IsoMonth): IsoMonth[] {
  const start = periodOf(month, 12).startMonth;
  const [y, m] = start.split('-').map(Number) as [number, number];
  const months: IsoMonth[] = [];
  for (let i = 0; ; i++) {
    const next = addMonths(y, m, i);
    const value = `${next.year}-${String(next.month).padStart(2, '0')}`;
    months.push(value);
    if (value === month) return months;
  }
}

/** Reads what a scope needs, one county at a time in parallel: elders, contacts, visits, cases. */
async function readScope(deps: ReportDeps, month: IsoMonth, scope: ReportScope, withCases: boolean) {
  const meter: Capacity = { units: 0, queries: 0 };
  const counties = scope.county ? [scope.county] : Object.keys(deps.policy.counties).sort();
  const months = monthsOfYearSoFar(month);
  const readCounty = async (county: string) => {
    const [elders, contacts, cases, ...visits] = await Promise.all([
      readCountyElders(deps.db, county, meter),
      readCountyContacts(deps.db, county, meter),
      withCases ? readCountyCases(deps.db, county, month, meter) : Promise.resolve([]),
      ...months.map((m) => readCountyMonthVisits(deps.db, county, m, meter)),
    ]);
    return { elders, contacts, cases, visits: visits.flat() };
  };
  const parts: Awaited<ReturnType<typeof readCounty>>[] = [];
  const step = Math.max(1, deps.countyConcurrency ?? counties.length);
  for (let i = 0; i < counties.length; i += step) {
    parts.push(...(await Promise.all(counties.slice(i, i + step).map(readCounty))));
  }
  return {
    meter,
    elders: parts.flatMap((p) => p.elders),
    contacts: parts.flatMap((p) => p.contacts),
    cases: parts.flatMap((p) => p.cases),
    visits: parts.flatMap((p) => p.visits),
  };
}

/**
 * The monthly statistics report of a scope, computed from stored records (elders, visit records,
 * cases, contacts), with the read capacity it cost.
 */
export async function monthlyReport(
  deps: ReportDeps,
  query: { month: IsoMonth } & ReportScope,
  now: Date,
): Promise<{ report: MonthlyReport; capacity: Capacity }> {
  const scope: ReportScope = { county: query.county, township: query.township };
  const data = await readScope(deps, query.month, scope, true);
  const report = buildMonthlyReport({
    month: query.month,
    today: dateInPolicyZone(now),
    scope,
    counties: deps.policy.counties,
    lossOfAbilityFrom: deps.policy.lossOfAbilityFrom,
    elders: data.elders,
    visits: data.visits,
    cases: data.cases,
    contacts: data.contacts,
  });
  return { report, capacity: data.meter };
}

/** Elders whose obligations of the month are still open, by contact, with the read capacity. */
export async function openObligationsReport(
  deps: ReportDeps,
  query: { month: IsoMonth } & ReportScope,
  now: Date,
): Promise<{ report: OpenObligationsReport; capacity: Capacity }> {
  const scope: ReportScope = { county: query.county, township: query.township };
  const data = await readScope(deps, query.month, scope, false);
  const report = openObligations({
    month: query.month,
    today: dateInPolicyZone(now),
    scope,
    elders: data.elders,
    visits: data.visits,
    contacts: data.contacts,
  });
  return { report, capacity: data.meter };
}
