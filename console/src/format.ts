/** Pure formatting for the console (no DOM): numbers, dates in Asia/Shanghai, SMS parts, masks. */
import { smsParts } from '../../shared/phone/providers.js';
import { catalogue } from './messages.js';

export type Lang = 'zh' | 'en';
export const ZONE = 'Asia/Shanghai';
const locale = (lang: Lang) => (lang === 'zh' ? 'zh-CN' : 'en-GB');

/**
 * A rate 0..1 as a percentage with one decimal; an em dash when there is nothing to divide.
 * @example percent(0.8567) // '85.7%'
 */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** @example integer(12345, 'zh') // '12,345' */
export function integer(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 0 }).format(n);
}

/**
 * An instant as date and time in Asia/Shanghai, 24-hour, the way a spreadsheet shows it.
 * @example dateTime('2025-07-01T01:30:00Z', 'zh') // '2025-07-01 09:30'
 */
export function dateTime(iso: string | undefined | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** Today in Asia/Shanghai as YYYY-MM-DD. */
export function todayIn(now: Date): string {
  return dateTime(now.toISOString()).slice(0, 10);
}

/** This month in Asia/Shanghai as YYYY-MM. */
export const monthOf = (now: Date): string => todayIn(now).slice(0, 7);

/**
 * A duration in hours and minutes (rounded up to a minute).
 * @example duration(5_400_000, 'zh') // '1 小时 30 分'
 */
export function duration(ms: number, lang: Lang): string {
  const minutes = Math.ceil(Math.max(0, ms) / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return fill(catalogue[lang][h > 0 ? 'unit.hoursMinutes' : 'unit.minutes'], { h, m });
}

/**
 * What a text message costs: characters (as a phone counts them) and SMS parts (70 Chinese
 * characters in one part, 67 per part after; 160 / 153 for plain ASCII).
 * @example smsInfo('台风将至，请留在家中。') // { chars: 11, parts: 1 }
 */
export function smsInfo(text: string): { chars: number; parts: number } {
  const chars = [...text].length;
  return { chars, parts: chars === 0 ? 0 : smsParts(text) };
}

/**
 * A phone number shown with only its last four digits, whatever the API gave (a full E.164 number of
 * the register, or one already masked).
 * @example maskPhone('+8613800138000') // '***8000'
 */
export function maskPhone(phone: string | undefined | null): string {
  if (!phone) return '—';
  const digits = phone.replace(/\D/g, '');
  return `***${digits.slice(-4)}`;
}

/**
 * A local date-time input value (YYYY-MM-DDTHH:mm, Asia/Shanghai) as an ISO instant with +08:00.
 * @example shanghaiInstant('2025-07-01T09:30') // '2025-07-01T09:30:00+08:00'
 */
export function shanghaiInstant(local: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return undefined;
  return `${local}:00+08:00`;
}

/**
 * Interpolates `{name}` placeholders.
 * @example fill('第 {n} 页', { n: 2 }) // '第 2 页'
 */
export function fill(template: string, vars: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

/**
 * Rows as CSV for Excel: a UTF-8 BOM (so Chinese Excel opens it as UTF-8), CRLF, quoted where needed,
 * and cells that Excel would take for a formula prefixed with a quote.
 */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => {
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\ufeff${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** An ISO-8601 instant inside a text (date, time, optional seconds and fraction, Z or an offset). */
const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})/g;

/**
 * A preview warning for a person: the API's bilingual message in the chosen language, with every
 * instant in it (the warning's `at`, e.g. the start of a round that does not fit) as China time
 * (yyyy-MM-dd HH:mm), never a raw ISO string; an `at` the message does not name is added after it.
 * @example warningText({ message: '放不下：2025-07-01T01:30:00.000Z / Does not fit: 2025-07-01T01:30:00.000Z', at: '2025-07-01T01:30:00.000Z' }, 'zh') // '放不下：2025-07-01 09:30'
 */
export function warningText(w: { message: string; at?: string | undefined }, lang: Lang): string {
  const text = pickLanguage(w.message, lang).replace(INSTANT, (iso) => {
    const shown = dateTime(iso);
    return shown === '—' ? iso : shown;
  });
  const at = w.at ? dateTime(w.at) : '—';
  if (at === '—' || text.includes(at)) return text;
  return lang === 'zh' ? `${text}（${at}）` : `${text} (${at})`;
}

/** The bilingual API message ("中文 / English") in the chosen language; unchanged when not bilingual. */
export function pickLanguage(message: string, lang: Lang): string {
  const i = message.indexOf(' / ');
  if (i < 0) return message;
  return lang === 'zh' ? message.slice(0, i) : message.slice(i + 3);
}
