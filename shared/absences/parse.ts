import { addDaysIso, daysInMonth, formatIsoDate, type IsoDate, parseIsoDate } from '../time.js';
import type { AbsenceReason } from './absence.js';

/**
 * Absences declared by text (issue 16 part 2): what an elder or a contact writes when the elder goes
 * away. Pure and total: any string gives an answer or `undefined` (not about an absence), never an
 * exception. Examples (today 2025-12-15):
 * - `外出3天`, `出门三天`, `去女儿家住一周` → away until 2025-12-18 / 12-22
 * - `住院到12月20日`, `住院 20号出院` → hospital until 2025-12-20
 * - `12 外出两个星期` (a contact; 12 is the elder's home-visit code) → code 12, until 2025-12-29
 * - `回来了`, `已出院`, `12 已回家` → back home (ends the absence)
 * Full-width digits and letters, Chinese numerals (三, 十五, 两, 廿) and dates without a year are read
 * in the Asia/Shanghai calendar: a month-day already past is next year's, a day already past next month's.
 */
export type AbsenceText =
  | { kind: 'away'; code?: string; reason: AbsenceReason; until?: IsoDate; days?: number; note: string }
  | { kind: 'back'; code?: string };

const HOSPITAL = /住院|入院|住医院|医院住|进医院|去医院住/;
const AWAY =
  /外出|出门|出去|出远门|去.{0,8}?(家|那里|那边|处|住)|回老家|回乡|探亲|旅游|旅行|不在家|走亲戚|到.{0,8}?(家|那里|那边)住|住院|入院/;
const STRONG = /外出|住院|入院|去.{0,8}?家|回老家|回乡|探亲|旅游|旅行|不在家|走亲戚/;
const BACK = /回来了|已回来|已经回来|回家了|已回家|已经回家|到家了|出院了|已出院|已经出院|返家了/;

const DIGIT: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};

/**
 * An Arabic or Chinese numeral up to 999 (`15`, `十五`, `二十`, `廿三`, `一百`), or undefined.
 * @example numeralValue('十五') // 15
 */
export function numeralValue(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (!/^[零〇一二两三四五六七八九十廿百]+$/.test(text)) return undefined;
  let total = 0;
  let current = 0;
  let seen = false;
  for (const c of text) {
    const d = DIGIT[c];
    if (d !== undefined) {
      current = current * 10 + d;
      seen = true;
    } else if (c === '十') {
      total += (current === 0 ? 1 : current) * 10;
      current = 0;
      seen = true;
    } else if (c === '廿') {
      total += 20;
      current = 0;
      seen = true;
    } else if (c === '百') {
      total += (current === 0 ? 1 : current) * 100;
      current = 0;
      seen = true;
    }
  }
  return seen ? total + current : undefined;
}

const NUM = '(\\d{1,3}|[零〇一二两三四五六七八九十廿百]{1,4})';

/** Folds full-width ASCII and ideographic spaces, trims. */
function fold(text: string): string {
  return text
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim();
}

function dateOf(year: number, month: number, day: number): IsoDate | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return formatIsoDate({ year, month, day });
}

/** The date a text names, with the span it took (so its numbers are not read as a length too). */
function findDate(text: string, today: IsoDate): { date: IsoDate | undefined; span: string } | undefined {
  const t = parseIsoDate(today);
  if (!t) return undefined;
  const full = /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?/.exec(text);
  if (full) {
    return { date: dateOf(Number(full[1]), Number(full[2]), Number(full[3])), span: full[0] };
  }
  const monthDay =
    new RegExp(`${NUM}\\s*月\\s*${NUM}\\s*[日号]?`).exec(text) ??
    /(?<![\d.])(\d{1,2})\s*[-/]\s*(\d{1,2})(?![\d/-])/.exec(text);
  if (monthDay) {
    const month = numeralValue(monthDay[1] as string);
    const day = numeralValue(monthDay[2] as string);
    if (month === undefined || day === undefined) return { date: undefined, span: monthDay[0] };
    let date = dateOf(t.year, month, day);
    if (date && date < today) date = dateOf(t.year + 1, month, day);
    return { date, span: monthDay[0] };
  }
  const dayOnly = new RegExp(`${NUM}\\s*号`).exec(text);
  if (dayOnly) {
    const day = numeralValue(dayOnly[1] as string);
    if (day === undefined || day < 1 || day > 31) return { date: undefined, span: dayOnly[0] };
    let year = t.year;
    let month = t.month;
    if (day < t.day) {
      month += 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
    }
    return { date: dateOf(year, month, day), span: dayOnly[0] };
  }
  return undefined;
}

/** A length of time in days (`3天`, `一周`, `两个星期`, `半个月`, `明天`), or undefined. */
function findDays(text: string): number | undefined {
  if (/半个?月/.test(text)) return 15;
  const m = new RegExp(`${NUM}\\s*个?\\s*(多)?\\s*(天|日|晚|夜|周|星期|礼拜|月)`).exec(text);
  if (m) {
    const n = numeralValue(m[1] as string);
    if (n === undefined) return undefined;
    const unit = m[3] as string;
    if (unit === '周' || unit === '星期' || unit === '礼拜') return n * 7;
    if (unit === '月') return n * 30;
    return n;
  }
  if (/大后天/.test(text)) return 3;
  if (/后天/.test(text)) return 2;
  if (/明天|明日/.test(text)) return 1;
  if (/下(个)?(周|星期|礼拜)/.test(text)) return 7;
  return undefined;
}

/**
 * What a text says about an absence, or undefined when it is not about one (a check-in reply, a
 * visit code reply, anything else). `today` is the Asia/Shanghai date the text arrived.
 */
export function parseAbsenceText(text: string, today: IsoDate): AbsenceText | undefined {
  if (typeof text !== 'string' || text.length > 500) return undefined;
  let body = fold(text);
  let code: string | undefined;
  // a contact names the elder by the home-visit code first: `12 外出3天`, `12外出3天`
  const coded = /^([1-9]\d{1,2})(?![\d月号日天/.:-])\s*(?=\S)/.exec(body);
  if (coded) {
    code = coded[1] as string;
    body = body.slice(coded[0].length);
  }
  const withCode = code ? { code } : {};
  if (BACK.test(body)) return { kind: 'back', ...withCode };
  if (!AWAY.test(body) && !HOSPITAL.test(body)) return undefined;
  const reason: AbsenceReason = HOSPITAL.test(body) ? 'hospital' : 'away';
  const found = findDate(body, today);
  let until: IsoDate | undefined;
  let days: number | undefined;
  if (found) {
    until = found.date;
  } else {
    days = findDays(body);
    if (days !== undefined && days >= 1) until = addDaysIso(today, days);
  }
  // "出门买菜" is an errand, not an absence: a weak word counts only with a length or a date
  if (!until && !STRONG.test(body)) return undefined;
  const note = body.slice(0, 100);
  return {
    kind: 'away',
    ...withCode,
    reason,
    ...(until ? { until } : {}),
    ...(days !== undefined && until ? { days } : {}),
    note,
  };
}
