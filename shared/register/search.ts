import * as z from 'zod';
import { ageOn } from '../policy/age.js';
import { CATEGORIES, CONSENT, ELDER_STATUS } from '../registration/fields.js';
import { upgradeIdNumber } from '../registration/id-number.js';
import type { IsoDate } from '../time.js';
import type { Elder } from './elder.js';

/**
 * The whole register, searched, filtered, sorted and paged on the server (issue 13, part 2). Pure: the
 * rows come from the store (a county's search projection, or the one elder an exact ID number or phone
 * number names), the caller's scope is applied before, and `today` is given.
 */

/** The fields of an elder record a search reads and a list shows (`readSearchRows`). */
export type SearchRow = Pick<
  Elder,
  | 'id'
  | 'name'
  | 'gender'
  | 'birthDate'
  | 'idNumber'
  | 'phone'
  | 'region'
  | 'category'
  | 'computedCategory'
  | 'status'
  | 'consent'
  | 'contactId'
  | 'registeredOn'
>;

export const SEARCH_SORTS = ['name', 'birthDate', 'category', 'village', 'township', 'registeredOn'] as const;
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** The query of GET /api/elders/search and /export (county checked by the route). */
export const searchQuerySchema = z.strictObject({
  q: z.string().trim().max(50).optional(),
  county: z.string().optional(),
  township: z.string().trim().min(1).max(50).optional(),
  village: z.string().trim().min(1).max(50).optional(),
  category: z.enum(CATEGORIES).optional(),
  paired: bool.optional(),
  consent: z.enum(CONSENT).optional(),
  status: z.enum([...ELDER_STATUS, 'all']).default('active'),
  overdue: bool.optional(),
  sort: z.enum(SEARCH_SORTS).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type SearchQuery = z.output<typeof searchQuerySchema>;

/** What `q` was read as: a whole ID number or phone (exact, through an index), or text and digits to match. */
export type SearchTerm =
  | { kind: 'none' }
  | { kind: 'idNumber'; idNumber: string }
  | { kind: 'phone'; e164: string }
  | { kind: 'text'; text: string; digits?: string };

/**
 * Reads the free-text box: an 18- or 15-digit ID number (the 15-digit one upgraded), a whole mainland
 * mobile number, or anything else (part of a name or village; four or more digits are also matched
 * against the end of ID numbers and phone numbers).
 * @example searchTerm('440703 19450302 123X') // { kind: 'idNumber', idNumber: '44070319450302123X' }
 * @example searchTerm('138 0013 8000') // { kind: 'phone', e164: '+8613800138000' }
 */
export function searchTerm(q: string | undefined): SearchTerm {
  const text = (q ?? '').normalize('NFKC').trim();
  if (!text) return { kind: 'none' };
  const compact = text.replace(/[\s-]/g, '').toUpperCase();
  if (/^\d{17}[\dX]$/.test(compact)) return { kind: 'idNumber', idNumber: compact };
  if (/^\d{15}$/.test(compact)) return { kind: 'idNumber', idNumber: upgradeIdNumber(compact) };
  const mobile = /^(?:\+?86)?(1[3-9]\d{9})$/.exec(compact);
  if (mobile) return { kind: 'phone', e164: `+86${mobile[1]}` };
  const digits = /^\d{4,}X?$/.test(compact) ? compact : undefined;
  return { kind: 'text', text: text.toLowerCase(), ...(digits ? { digits } : {}) };
}

/** The national form of a stored E.164 number: 13800138000, 07503123456. */
const national = (e164: string) => {
  const rest = e164.replace(/^\+86/, '');
  return rest.startsWith('1') ? rest : `0${rest}`;
};

function matchesTerm(row: SearchRow, term: SearchTerm): boolean {
  switch (term.kind) {
    case 'none':
      return true;
    case 'idNumber':
      return row.idNumber === term.idNumber;
    case 'phone':
      return row.phone === term.e164;
    case 'text': {
      if (term.digits) {
        if (row.idNumber?.endsWith(term.digits)) return true;
        if (national(row.phone).endsWith(term.digits)) return true;
      }
      return (
        row.name.toLowerCase().includes(term.text) ||
        row.region.village.toLowerCase().includes(term.text) ||
        row.region.township.toLowerCase().includes(term.text)
      );
    }
  }
}

/** True when the row passes every filter of the query (the free text included). */
export function matchesQuery(row: SearchRow, query: SearchQuery, overdue?: ReadonlySet<string>): boolean {
  if (query.status !== 'all' && row.status !== query.status) return false;
  if (query.township !== undefined && row.region.township !== query.township) return false;
  if (query.village !== undefined && row.region.village !== query.village) return false;
  if (query.category !== undefined && row.category !== query.category) return false;
  if (query.paired !== undefined && Boolean(row.contactId) !== query.paired) return false;
  if (query.consent !== undefined && row.consent !== query.consent) return false;
  if (query.overdue !== undefined && overdue && overdue.has(row.id) !== query.overdue) return false;
  return matchesTerm(row, searchTerm(query.q));
}

// pinyin order for names and places, as Chinese staff expect a sorted list
const collator = new Intl.Collator('zh-Hans-CN-u-co-pinyin');

function sortKey(sort: SearchQuery['sort']): (a: SearchRow, b: SearchRow) => number {
  switch (sort) {
    case 'name':
      return (a, b) => collator.compare(a.name, b.name);
    case 'birthDate':
      return (a, b) => a.birthDate.localeCompare(b.birthDate);
    case 'category':
      return (a, b) => a.category.localeCompare(b.category);
    case 'village':
      return (a, b) =>
        collator.compare(a.region.township, b.region.township) ||
        collator.compare(a.region.village, b.region.village);
    case 'township':
      return (a, b) => collator.compare(a.region.township, b.region.township);
    case 'registeredOn':
      return (a, b) => a.registeredOn.localeCompare(b.registeredOn);
  }
}

/** Sorts rows in place by the query's sort and order; ties by county, name and id, so pages are stable. */
export function sortRows<T extends SearchRow>(rows: T[], query: Pick<SearchQuery, 'sort' | 'order'>): T[] {
  const by = sortKey(query.sort);
  const sign = query.order === 'desc' ? -1 : 1;
  return rows.sort(
    (a, b) =>
      sign * by(a, b) ||
      a.region.county.localeCompare(b.region.county) ||
      collator.compare(a.name, b.name) ||
      a.id.localeCompare(b.id),
  );
}

/**
 * An ID number as lists show it: the first four and the last four characters.
 * @example maskIdNumber('44070319450302123X') // '4407**********123X'
 */
export const maskIdNumber = (id: string) =>
  `${id.slice(0, 4)}${'*'.repeat(Math.max(0, id.length - 8))}${id.slice(-4)}`;

/**
 * A phone number as lists show it: the first three and the last four digits of the national number.
 * @example maskPhoneNumber('+8613800138000') // '138****8000'
 */
export function maskPhoneNumber(e164: string): string {
  const n = national(e164);
  return `${n.slice(0, 3)}${'*'.repeat(Math.max(0, n.length - 7))}${n.slice(-4)}`;
}

/** One elder in the register list: masked numbers, age today, paired or not. */
export function listItem(row: SearchRow, today: IsoDate) {
  return {
    id: row.id,
    name: row.name,
    gender: row.gender,
    birthDate: row.birthDate,
    age: ageOn(row.birthDate, today),
    category: row.category,
    computedCategory: row.computedCategory,
    status: row.status,
    consent: row.consent,
    region: row.region,
    ...(row.contactId ? { contactId: row.contactId } : {}),
    paired: Boolean(row.contactId),
    ...(row.idNumber ? { idNumber: maskIdNumber(row.idNumber) } : {}),
    phone: maskPhoneNumber(row.phone),
    registeredOn: row.registeredOn,
  };
}
export type SearchItem = ReturnType<typeof listItem>;

export interface SearchResult {
  total: number;
  page: number;
  pageSize: number;
  /** the filtered set's totals by county (every county searched, zero included) */
  byCounty: Record<string, number>;
  items: SearchItem[];
}

/**
 * Filters, sorts and pages rows already limited to what the caller sees.
 * @example searchRows(rows, { ...query, q: '123X' }, ['440703'], '2025-07-01').total
 */
export function searchRows(
  rows: readonly SearchRow[],
  query: SearchQuery,
  counties: readonly string[],
  today: IsoDate,
  overdue?: ReadonlySet<string>,
): SearchResult {
  const found = sortRows(
    rows.filter((r) => matchesQuery(r, query, overdue)),
    query,
  );
  const byCounty = Object.fromEntries(counties.map((c) => [c, 0]));
  for (const r of found) byCounty[r.region.county] = (byCounty[r.region.county] ?? 0) + 1;
  const start = (query.page - 1) * query.pageSize;
  return {
    total: found.length,
    page: query.page,
    pageSize: query.pageSize,
    byCounty,
    items: found.slice(start, start + query.pageSize).map((r) => listItem(r, today)),
  };
}

/** The statuses in the words staff use (export, messages). */
export const STATUS_LABELS: Record<Elder['status'], string> = {
  active: '在册',
  hospital: '住院',
  moved: '已迁出',
  died: '已去世',
  left: '已退出',
};
