import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

/** Every policy period is a calendar period in this zone (the plan is Jiangmen's). */
export const POLICY_TIME_ZONE = 'Asia/Shanghai';

/** A calendar date as YYYY-MM-DD. */
export type IsoDate = string;
/** A calendar month as YYYY-MM. */
export type IsoMonth = string;

export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const ISO_MONTH = /^(\d{4})-(\d{2})$/;

export interface CalendarDate {
  year: number;
  month: number; // 1-12
  day: number;
}

/** Parses YYYY-MM-DD into its parts; undefined when it is not a real calendar date. */
export function parseIsoDate(value: string): CalendarDate | undefined {
  const m = ISO_DATE.exec(value);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

export function formatIsoDate({ year, month, day }: CalendarDate): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function formatIsoMonth(year: number, month: number): IsoMonth {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/**
 * The calendar date in Asia/Shanghai of an instant.
 * @example dateInPolicyZone(new Date('2025-06-30T16:30:00Z')) // '2025-07-01'
 */
export function dateInPolicyZone(instant: Date): IsoDate {
  return format(new TZDate(instant.getTime(), POLICY_TIME_ZONE), 'yyyy-MM-dd');
}

/** The instant as ISO-8601 with the +08:00 offset, the form stored and shown. */
export function isoInPolicyZone(instant: Date): string {
  return format(new TZDate(instant.getTime(), POLICY_TIME_ZONE), "yyyy-MM-dd'T'HH:mm:ss.SSSxxx");
}

/** Adds months to a (year, month) pair. */
export function addMonths(year: number, month: number, delta: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + delta;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function monthOf(date: IsoDate): IsoMonth {
  return date.slice(0, 7);
}

/** Ordering of ISO dates and months is their string ordering. */
export function compareIso(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A calendar date moved by whole days.
 * @example addDaysIso('2024-03-01', -1) // '2024-02-29'
 */
export function addDaysIso(date: IsoDate, days: number): IsoDate {
  const parsed = parseIsoDate(date);
  if (!parsed) throw new RangeError(`not a calendar date: ${date}`);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999
  const t = new Date(0);
  t.setUTCFullYear(parsed.year, parsed.month - 1, parsed.day + days);
  return formatIsoDate({ year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() });
}
