import { smsParts } from '../phone/providers.js';
import { compliance, type Obligation } from '../policy/compliance.js';
import type { Category } from '../registration/fields.js';
import { addDaysIso, addMonths, formatIsoMonth, type IsoDate, parseIsoDate } from '../time.js';

/**
 * The morning digest of a visit contact, and the overdue digest of a township supervisor: pure
 * functions of the day's facts. The reminder job (shared/homevisits/sms.ts) gathers the facts and
 * sends the texts.
 */

const SIGNATURE = '【安心】';
/** A contact's digest fits in this many SMS parts. */
export const MAX_PARTS = 3;
/** Days before a deadline on which an item is mentioned; once overdue, it is mentioned every day. */
export const REMIND_DAYS_BEFORE: readonly number[] = [7, 3, 1];
/** Overdue by more than this many days: the township supervisor hears about it. */
export const SUPERVISOR_AFTER_DAYS = 3;
/** A follow-up item without a date of its own is due this many days after it opened. */
export const FOLLOW_UP_DAYS = 7;

const dayNumber = (date: IsoDate): number => {
  const d = parseIsoDate(date);
  if (!d) throw new RangeError(`not a calendar date: ${date}`);
  return Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;
};

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: IsoDate, to: IsoDate): number => dayNumber(to) - dayNumber(from);

/** When a home visit is due: its deadline and the days left (negative: overdue by that many days). */
export interface HomeVisitDue {
  deadline: IsoDate;
  daysLeft: number;
}

const homeObligation = (obligations: Obligation[]) => obligations.find((o) => o.kind !== 'monthlyVisit');

/**
 * The elder's next home visit as compliance() sees it: nothing when this period's home visit is met;
 * overdue (counted from the end of the last period) when the last period's home visit was missed and
 * none has been made since; else due by the end of this period.
 * @example homeVisitDue({ category: 'A', registeredOn: '2025-01-05' }, [], '2025-07-28')
 *   // { deadline: '2025-07-31', daysLeft: 3 }
 */
export function homeVisitDue(
  elder: { category: Category; registeredOn: IsoDate },
  homeVisits: readonly IsoDate[],
  today: IsoDate,
): HomeVisitDue | undefined {
  const visits = homeVisits.map((date) => ({ mode: 'home' as const, date }));
  const input = { category: elder.category, registeredOn: elder.registeredOn, today, visits };
  const now = compliance({ ...input, month: today.slice(0, 7) });
  const current = homeObligation(now.obligations);
  if (!current || current.status === 'met') return undefined;
  const start = parseIsoDate(current.period.start);
  if (start) {
    const prev = addMonths(start.year, start.month, -1);
    const before = homeObligation(
      compliance({ ...input, month: formatIsoMonth(prev.year, prev.month) }).obligations,
    );
    if (before?.status === 'missed') {
      return { deadline: before.period.end, daysLeft: daysBetween(today, before.period.end) };
    }
  }
  return { deadline: current.period.end, daysLeft: daysBetween(today, current.period.end) };
}

/** Whether an item is mentioned today: 7, 3 and 1 days before its deadline, and every day once overdue. */
export const mentionedToday = (daysLeft: number): boolean =>
  daysLeft < 0 || REMIND_DAYS_BEFORE.includes(daysLeft);

/** One elder in a digest: a home visit due, or an open follow-up item. */
export interface DigestItem {
  kind: 'homeVisit' | 'followUp';
  elderId: string;
  name: string;
  village: string;
  code: string;
  daysLeft: number;
  /** a follow-up item opened since the last digest: it shows in the next one whatever its deadline */
  isNew?: boolean;
}

/** The follow-up item's deadline: its own follow-up date, else a week after it opened. */
export function followUpDaysLeft(
  item: { dueOn?: string | undefined; openedOn: IsoDate },
  today: IsoDate,
): number {
  return daysBetween(today, item.dueOn ?? addDaysIso(item.openedOn, FOLLOW_UP_DAYS));
}

/**
 * The short name a text may carry: the surname and 老人 (the full name never goes out by text).
 * @example shortName('陈大文') // '陈老人'
 */
export const shortName = (name: string): string => `${[...name.trim()][0] ?? ''}老人`;
const shortVillage = (village: string) => [...village].slice(0, 6).join('');

const when = (daysLeft: number) =>
  daysLeft < 0 ? `逾期${-daysLeft}天` : daysLeft === 0 ? '今天到期' : `${daysLeft}天内`;

const line = (item: DigestItem) =>
  `${item.kind === 'followUp' ? '跟进 ' : ''}${shortName(item.name)}(${shortVillage(item.village)})代码${item.code} ${when(item.daysLeft)}`;

/** Most urgent first: the most overdue, then the nearest deadline; home visits before follow-ups. */
const urgency = (a: DigestItem, b: DigestItem) =>
  a.daysLeft - b.daysLeft ||
  (a.kind === b.kind ? 0 : a.kind === 'homeVisit' ? -1 : 1) ||
  a.code.localeCompare(b.code);

const HOW_TO_RECORD = '探访后回复"代码 1"已探访正常,"代码 2"需跟进,"代码 3"不在家';

/**
 * A contact's morning digest: nothing unless some item is mentioned today (see mentionedToday, and
 * follow-up items opened since yesterday's digest);
 * then every mentioned item, most urgent first, as many as fit in three SMS parts, the rest counted
 * with the link to the full list (when a link is given), and how to record.
 * @example contactDigest({ items: [{ kind: 'homeVisit', elderId: 'e1', name: '陈大文', village: '潮连村',
 *   code: '12', daysLeft: 3 }] })
 *   // '【安心】您有1位老人需上门探访：\n陈老人(潮连村)代码12 3天内\n探访后回复…'
 */
export function contactDigest(input: {
  items: readonly DigestItem[];
  link?: string | undefined;
}): string | undefined {
  const items = input.items.filter((i) => i.isNew || mentionedToday(i.daysLeft)).sort(urgency);
  if (items.length === 0) return undefined;
  const visits = items.filter((i) => i.kind === 'homeVisit');
  const overdue = visits.filter((i) => i.daysLeft < 0).length;
  const followUps = items.length - visits.length;
  const heads = [
    ...(visits.length > 0
      ? [`您有${visits.length}位老人需上门探访${overdue > 0 ? `(${overdue}位已逾期)` : ''}`]
      : []),
    ...(followUps > 0 ? [`${followUps}项跟进待办`] : []),
  ];
  const header = `${SIGNATURE}${heads.join(',')}:`;
  const compose = (shown: number) => {
    const rest = items.length - shown;
    const more = rest > 0 ? [`另有${rest}项${input.link ? `,详见:${input.link}` : ''}`] : [];
    // the list behind the link also records visits on a form: offered whenever a link is given
    const list = rest === 0 && input.link ? [`名单及记录:${input.link}`] : [];
    return [header, ...items.slice(0, shown).map(line), ...more, ...list, HOW_TO_RECORD].join('\n');
  };
  for (let shown = items.length; shown > 0; shown--) {
    const text = compose(shown);
    if (smsParts(text) <= MAX_PARTS) return text;
  }
  return compose(0);
}

/** One contact's overdue home visits, for the supervisor's digest. */
export interface OverdueByContact {
  contactName: string;
  /** elders whose home visit is overdue by more than SUPERVISOR_AFTER_DAYS */
  overdue: number;
  /** the longest overdue, in days */
  maxDays: number;
}

/**
 * A township supervisor's digest: home visits overdue by more than three days, by contact (most
 * overdue first), within three SMS parts. Nothing when no contact has one.
 * @example supervisorDigest('潮连街道', [{ contactName: '李四', overdue: 2, maxDays: 9 }])
 *   // '【安心】潮连街道有2位老人上门探访逾期超过3天:\n李四 2位(最长9天)'
 */
export function supervisorDigest(township: string, rows: readonly OverdueByContact[]): string | undefined {
  const sorted = rows
    .filter((r) => r.overdue > 0)
    .sort((a, b) => b.maxDays - a.maxDays || b.overdue - a.overdue);
  if (sorted.length === 0) return undefined;
  const total = sorted.reduce((n, r) => n + r.overdue, 0);
  const header = `${SIGNATURE}${township}有${total}位老人上门探访逾期超过${SUPERVISOR_AFTER_DAYS}天:`;
  const compose = (shown: number) => {
    const rest = sorted.length - shown;
    return [
      header,
      ...sorted.slice(0, shown).map((r) => `${r.contactName} ${r.overdue}位(最长${r.maxDays}天)`),
      ...(rest > 0 ? [`另有${rest}位联系人`] : []),
    ].join('\n');
  };
  for (let shown = sorted.length; shown > 0; shown--) {
    const text = compose(shown);
    if (smsParts(text) <= MAX_PARTS) return text;
  }
  return compose(0);
}
