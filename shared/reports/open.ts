import type { ObligationKind } from '../policy/compliance.js';
import type { Category } from '../registration/fields.js';
import type { IsoDate, IsoMonth } from '../time.js';
import {
  countedIn,
  elderStanding,
  type ReportContact,
  type ReportElder,
  type ReportScope,
  type ReportVisit,
} from './monthly.js';

/** One elder with an obligation still open this month, for the county to chase. */
export interface OpenObligation {
  contactId: string | null;
  contactName: string | null;
  elderId: string;
  elderName: string;
  county: string;
  township: string;
  village: string;
  category: Category;
  kind: ObligationKind;
  /** the last day of the obligation's period */
  dueBy: IsoDate;
}

export interface OpenObligationsReport {
  month: IsoMonth;
  scope: { county: string | null; township: string | null };
  /** by contact (unpaired elders last), then village and elder */
  groups: { contactId: string | null; contactName: string | null; items: OpenObligation[] }[];
  count: number;
}

/**
 * The obligations of the month's periods that are not met yet (open or missed) for served elders
 * (active, accepted, registered by the end of the month), grouped by the paired contact.
 * @example openObligations({ month: '2025-07', today: '2025-07-20', ... }).groups[0].items[0].kind
 *   // 'monthlyHomeVisit'
 */
export function openObligations(input: {
  month: IsoMonth;
  today: IsoDate;
  scope: ReportScope;
  elders: readonly ReportElder[];
  visits: readonly ReportVisit[];
  contacts: readonly ReportContact[];
}): OpenObligationsReport {
  const { month, today, scope } = input;
  const contactName = new Map(input.contacts.map((c) => [c.id, c.name]));
  const visitsOf = new Map<string, ReportVisit[]>();
  for (const v of input.visits) visitsOf.set(v.elderId, [...(visitsOf.get(v.elderId) ?? []), v]);

  const items: OpenObligation[] = [];
  for (const elder of input.elders) {
    const { county, township, village } = elder.region;
    if (scope.county !== undefined && county !== scope.county) continue;
    if (scope.township !== undefined && township !== scope.township) continue;
    if (!countedIn(elder, month) || elder.consent !== 'accepted') continue;
    const { compliance } = elderStanding(elder, month, today, visitsOf.get(elder.id) ?? []);
    for (const o of compliance.obligations) {
      if (o.status === 'met') continue;
      items.push({
        contactId: elder.contactId ?? null,
        contactName: elder.contactId ? (contactName.get(elder.contactId) ?? null) : null,
        elderId: elder.id,
        elderName: elder.name,
        county,
        township,
        village,
        category: elder.category,
        kind: o.kind,
        dueBy: o.period.end,
      });
    }
  }
  const groups = new Map<string, OpenObligationsReport['groups'][number]>();
  const keyOf = (i: OpenObligation) =>
    i.contactId === null ? '\uffff' : `${i.contactName ?? ''}\u0000${i.contactId}`;
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key) ?? { contactId: item.contactId, contactName: item.contactName, items: [] };
    group.items.push(item);
    groups.set(key, group);
  }
  const ordered = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      ...g,
      items: g.items.sort(
        (a, b) =>
          a.township.localeCompare(b.township, 'zh-CN') ||
          a.village.localeCompare(b.village, 'zh-CN') ||
          a.elderName.localeCompare(b.elderName, 'zh-CN') ||
          a.dueBy.localeCompare(b.dueBy),
      ),
    }));
  return {
    month,
    scope: { county: scope.county ?? null, township: scope.township ?? null },
    groups: ordered,
    count: items.length,
  };
}
