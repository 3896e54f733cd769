import { type Principal, seesPlace } from '../auth/principal.js';
import type { PolicyConfig } from '../config.js';
import { openObligationsReport } from '../reports/service.js';
import type { Db } from '../store/client.js';
import { findElderIdByPerson, getSearchRows, readSearchRows } from '../store/elders.js';
import { ownersOfPhone } from '../store/phone.js';
import { addMonths, dateInPolicyZone, type IsoDate } from '../time.js';
import { matchesQuery, type SearchQuery, type SearchRow, searchTerm, sortRows } from './search.js';

export interface SearchDeps {
  db: Db;
  policy: PolicyConfig;
  now: () => Date;
}

/** Counties read at once by a city-wide search (seven in Jiangmen). */
const COUNTY_CONCURRENCY = 4;

/** What a search covers, already checked against the caller (functions/api/auth.ts). */
export interface SearchScope {
  counties: readonly string[];
  township?: string | undefined;
}

/**
 * Elders overdue for a visit: an obligation of this month's or last month's periods whose last day
 * has passed unmet (the open-obligations report's reading, shared/reports/open.ts).
 */
export async function overdueElderIds(
  deps: SearchDeps,
  scope: SearchScope,
  today: IsoDate,
): Promise<Set<string>> {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const last = addMonths(y, m, -1);
  const months = [today.slice(0, 7), `${last.year}-${String(last.month).padStart(2, '0')}`];
  const ids = new Set<string>();
  for (const county of scope.counties) {
    for (const month of months) {
      const { report } = await openObligationsReport(
        deps,
        { month, county, ...(scope.township ? { township: scope.township } : {}) },
        deps.now(),
      );
      for (const group of report.groups)
        for (const item of group.items) if (item.dueBy < today) ids.add(item.elderId);
    }
  }
  return ids;
}

/**
 * The rows a search reads, limited to what the caller sees: a whole ID number or phone number through
 * its index (person key, phone index: a few items), else every county in scope through its search
 * projection (docs/table-design.md, pattern 41). With `overdue` asked, the set of overdue elders.
 */
export async function readRows(
  deps: SearchDeps,
  principal: Principal,
  scope: SearchScope,
  q: Pick<SearchQuery, 'q' | 'overdue'>,
): Promise<{ today: IsoDate; rows: SearchRow[]; overdue?: Set<string> }> {
  const term = searchTerm(q.q);
  let rows: SearchRow[];
  if (term.kind === 'idNumber') {
    const id = await findElderIdByPerson(deps.db, {
      idNumber: term.idNumber,
      name: '',
      birthDate: '',
      region: { county: '', township: '', village: '' },
    });
    rows = id ? await getSearchRows(deps.db, [id]) : [];
  } else if (term.kind === 'phone') {
    const owners = await ownersOfPhone(deps.db, term.e164);
    const ids = owners
      .filter((o) => o.owner.startsWith('ELDER#') && o.elderId)
      .map((o) => o.elderId as string);
    rows = await getSearchRows(deps.db, ids);
  } else {
    rows = [];
    for (let i = 0; i < scope.counties.length; i += COUNTY_CONCURRENCY) {
      const parts = await Promise.all(
        scope.counties.slice(i, i + COUNTY_CONCURRENCY).map((c) => readSearchRows(deps.db, c)),
      );
      rows.push(...parts.flat());
    }
  }
  const inScope = new Set(scope.counties);
  const seen = rows.filter(
    (r) =>
      inScope.has(r.region.county) &&
      seesPlace(principal, r.region) &&
      (!scope.township || r.region.township === scope.township),
  );
  const today = dateInPolicyZone(deps.now());
  if (q.overdue === undefined) return { today, rows: seen };
  return { today, rows: seen, overdue: await overdueElderIds(deps, scope, today) };
}

/** Every row that matches the query, sorted (the export's whole list). */
export function allMatching(rows: SearchRow[], q: SearchQuery, overdue?: ReadonlySet<string>): SearchRow[] {
  return sortRows(
    rows.filter((r) => matchesQuery(r, q, overdue)),
    q,
  );
}
