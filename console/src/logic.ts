/**
 * The console's pure logic (no DOM), shared by the pages and tested in test/unit/console-logic.test.ts:
 * the enumerations the pages label (from the dependency-free list modules of shared/, so the bundle
 * carries no zod), what a campaign's status allows, and small parsers of API answers.
 */

export {
  CAMPAIGN_FLAGS,
  CAMPAIGN_KINDS,
  CAMPAIGN_STATUSES,
} from '../../shared/campaigns/kinds.js';
export { CONTACT_ROLES } from '../../shared/contacts/roles.js';
export { CASE_STATUSES, CLOSURES } from '../../shared/phone/closures.js';
export {
  CATEGORIES,
  type Category,
  ELDER_STATUS as ELDER_STATUSES,
  RULES,
} from '../../shared/registration/fields.js';
export { DAY_STATS_FIELDS, PROGRESS_FIELDS } from '../../shared/store/counters.js';
/** the report formats in the order the reports page offers them (the API's own list starts with json) */
export const REPORT_FORMATS = ['xlsx', 'csv', 'json'] as const;
/** hours between check-ins a campaign may choose (the festival templates suggest 48 and 96) */
export const CADENCES = [6, 8, 12, 24, 48, 72, 96] as const;

export type CampaignAction = 'approve' | 'start' | 'pause' | 'resume' | 'cancel';

/**
 * The actions a campaign's status allows; approve only for an administrator other than its creator.
 * @example actionsFor('draft', true) // ['start', 'cancel']
 */
export function actionsFor(status: string, viewerIsCreator: boolean): CampaignAction[] {
  const out: CampaignAction[] = [];
  if (status === 'draft' && !viewerIsCreator) out.push('approve');
  if (status === 'draft' || status === 'approved') out.push('start');
  if (status === 'running') out.push('pause');
  if (status === 'paused') out.push('resume');
  if (status !== 'cancelled' && status !== 'done') out.push('cancel');
  return out;
}

/**
 * True when the viewer created the campaign: the same stable id, or the same login under any role
 * (`createdBy` is "role:username").
 * @example isCreator({ createdBy: 'countyAdmin:pengjiang-admin' }, { username: 'pengjiang-admin' }) // true
 */
export function isCreator(
  c: { createdBy: string; createdBySub?: string | undefined },
  p: { username: string; sub?: string | undefined },
): boolean {
  if (p.sub && c.createdBySub && p.sub === c.createdBySub) return true;
  return c.createdBy.slice(c.createdBy.indexOf(':') + 1) === p.username;
}

/**
 * Townships typed on one line, as a list without blanks or repeats.
 * @example splitTownships('台城街道、大江镇, 水步镇') // ['台城街道', '大江镇', '水步镇']
 */
export function splitTownships(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[、,，;；\n]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/** Keeps the rows whose name, township or village contains the text (case-insensitive). */
export function filterRows<T extends { name: string; region: { township: string; village: string } }>(
  rows: readonly T[],
  text: string,
): T[] {
  const q = text.trim().toLowerCase();
  if (!q) return [...rows];
  return rows.filter((r) =>
    [r.name, r.region.township, r.region.village].some((v) => v.toLowerCase().includes(q)),
  );
}

/**
 * Whole years of age on a date (both YYYY-MM-DD).
 * @example ageOn('1945-03-01', '2025-02-28') // 79
 */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** Contacts of the elder's township first, then the rest, each group by name. */
export function contactsFor<T extends { township: string; name: string }>(
  contacts: readonly T[],
  township: string,
): T[] {
  return [...contacts].sort(
    (a, b) =>
      Number(b.township === township) - Number(a.township === township) ||
      a.name.localeCompare(b.name, 'zh-CN'),
  );
}

/**
 * The file name a download's Content-Disposition gives (the UTF-8 `filename*` first), or a fallback.
 * @example fileNameOf("attachment; filename=\"a.csv\"; filename*=UTF-8''%E6%B1%9F.csv", 'x') // '江.csv'
 */
export function fileNameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // a broken encoding: fall back to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

/** An import's rows in error as spreadsheet lines: row, column, field, message (one line per problem). */
export function errorReportRows(
  report: {
    errors: readonly { row: number; errors: readonly { column?: string; message: string }[] }[];
  },
  header: string[],
): (string | number)[][] {
  const lines: (string | number)[][] = [header];
  // the row in the sheet, the column as headed there and the message: never an internal path
  for (const r of report.errors) for (const e of r.errors) lines.push([r.row, e.column ?? '', e.message]);
  return lines;
}

/** The object of `fields` numbers in an answer, at its top or under one of `under`; undefined if none. */
export function figuresOf<K extends string>(
  body: unknown,
  fields: readonly K[],
  under: readonly string[] = [],
): Record<K, number> | undefined {
  const candidates = [body, ...under.map((k) => (body as Record<string, unknown> | null)?.[k])];
  for (const c of candidates) {
    if (
      c &&
      typeof c === 'object' &&
      fields.every((f) => typeof (c as Record<string, unknown>)[f] === 'number')
    )
      return c as Record<K, number>;
  }
  return undefined;
}

/**
 * Cognito's user-pool endpoint of a region (AWS China regions are under amazonaws.com.cn).
 * @example cognitoEndpoint('ap-east-1') // 'https://cognito-idp.ap-east-1.amazonaws.com/'
 */
export function cognitoEndpoint(region: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`not an AWS region: ${region}`);
  return `https://cognito-idp.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}/`;
}
