import type { PolicyConfig } from '../config.js';
import { msg } from '../i18n/messages.js';
import { readIdNumber } from '../registration/id-number.js';
import type { ColumnKind } from './headers.js';
import type { Cell } from './read.js';

/**
 * A cell read for its column: a value for the registration body (null: explicitly none, e.g. 残疾等级
 * 无), or a problem. Blank cells give undefined. Problems never quote the cell, which may hold a name,
 * a phone or an ID number that must not reach a log.
 */
export type CellReading = { ok: true; value: unknown } | { ok: false; message: string } | undefined;

const ok = (value: unknown): CellReading => ({ ok: true, value });

/** Text for comparison with the accepted words: half-width, no spaces, lower case. */
const word = (text: string) => text.normalize('NFKC').replace(/\s+/g, '').toLowerCase();

function choices<T>(table: Record<string, T>): ReadonlyMap<string, T> {
  return new Map(Object.entries(table).map(([k, v]) => [word(k), v]));
}

const GENDER = choices({ 男: 'male', 女: 'female', male: 'male', female: 'female', m: 'male', f: 'female' });
const FLAG = choices({
  是: true,
  否: false,
  有: true,
  无: false,
  y: true,
  n: false,
  yes: true,
  no: false,
  true: true,
  false: false,
  '1': true,
  '0': false,
  '√': true,
  '✓': true,
  '✔': true,
  '×': false,
  '✗': false,
});
const LIVING = choices({
  独居: 'alone',
  两老共同居住: 'couple',
  两老同住: 'couple',
  老年夫妻: 'couple',
  夫妻同住: 'couple',
  与配偶同住: 'couple',
  与家人同住: 'withFamily',
  与子女同住: 'withFamily',
  其他: 'other',
  alone: 'alone',
  couple: 'couple',
  withFamily: 'withFamily',
  other: 'other',
});
const ABILITY = choices({
  能力完好: 'intact',
  完好: 'intact',
  无: 'intact',
  否: 'intact',
  轻度失能: 'mild',
  轻度: 'mild',
  中度失能: 'moderate',
  中度: 'moderate',
  重度失能: 'severe',
  重度: 'severe',
  完全失能: 'total',
  intact: 'intact',
  mild: 'mild',
  moderate: 'moderate',
  severe: 'severe',
  total: 'total',
});
const DISABILITY = choices<number | null>({
  一级: 1,
  二级: 2,
  三级: 3,
  四级: 4,
  '1': 1,
  '2': 2,
  '3': 3,
  '4': 4,
  '1级': 1,
  '2级': 2,
  '3级': 3,
  '4级': 4,
  无: null,
  否: null,
  none: null,
});
const LANGUAGE = choices({
  粤语: 'yue',
  广东话: 'yue',
  白话: 'yue',
  普通话: 'cmn',
  国语: 'cmn',
  台山话: 'tws',
  台山: 'tws',
  yue: 'yue',
  cmn: 'cmn',
  tws: 'tws',
  cantonese: 'yue',
  mandarin: 'cmn',
  taishanese: 'tws',
});
const CHANNEL = choices({ 电话: 'voice', 语音: 'voice', 短信: 'sms', voice: 'voice', sms: 'sms' });
const RELATION = choices({
  子女: 'child',
  儿子: 'child',
  女儿: 'child',
  儿女: 'child',
  亲属: 'relative',
  亲戚: 'relative',
  邻居: 'neighbour',
  '村（居）委': 'committee',
  '村（居）委会': 'committee',
  村委: 'committee',
  居委: 'committee',
  村委会: 'committee',
  居委会: 'committee',
  child: 'child',
  relative: 'relative',
  neighbour: 'neighbour',
  neighbor: 'neighbour',
  committee: 'committee',
});
const CONSENT = choices({
  是: 'accepted',
  接受: 'accepted',
  同意: 'accepted',
  否: 'refused',
  拒绝: 'refused',
  不接受: 'refused',
  accepted: 'accepted',
  refused: 'refused',
});

/** What a person may write, shown when a cell is not understood. */
const HINTS: Partial<Record<ColumnKind, string>> = {
  gender: '男、女',
  date: 'YYYY-MM-DD、YYYY/M/D、YYYY年M月D日',
  county: '6 位代码或县（市、区）名称，如 440703、蓬江区',
  living: '独居、两老共同居住、与家人同住、其他',
  flag: '是、否',
  ability: '能力完好、轻度失能、中度失能、重度失能、完全失能',
  disabilityGrade: '一级、二级、三级、四级',
  language: '粤语、普通话',
  channel: '电话、短信',
  relation: '子女、亲属、邻居、村（居）委',
  consent: '是、否',
};

/** The "unrecognised value" problem for a column, naming the column and what it accepts. */
export function badValue(kind: ColumnKind, header: string): { ok: false; message: string } {
  const hint = HINTS[kind];
  return { ok: false, message: msg('import.badValue', hint ? `${header}（${hint}）` : header) };
}

/** Digits of a number cell without exponent or grouping (an ID number or phone typed as a number). */
function digitsOf(n: number): string {
  return Number.isSafeInteger(n) || (Number.isInteger(n) && Math.abs(n) < 1e21)
    ? BigInt(n).toString()
    : String(n);
}

function textOf(cell: Exclude<Cell, undefined>): string {
  if (typeof cell === 'string') return cell.trim();
  if (typeof cell === 'number') return digitsOf(cell);
  if (cell instanceof Date) return isoDateOfCell(cell) ?? '';
  return cell ? '是' : '否';
}

const pad = (n: number) => String(n).padStart(2, '0');
const DAY_MS = 86_400_000;
/** Excel's day 0 (1900 system); serials from 61 on are exact, Excel's phantom 1900-02-29 sits before */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** The calendar date of an Excel date cell: exceljs gives the cell's wall-clock date as UTC. */
function isoDateOfCell(date: Date): string | undefined {
  const t = date.getTime();
  if (Number.isNaN(t)) return undefined;
  // a serial like 16618.999999 comes back a millisecond before midnight
  const d = new Date(Math.round(t / 1000) * 1000);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

const DATE_PATTERN =
  /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A date cell as YYYY-MM-DD (the calendar check is the form's), or undefined when not a date format.
 * @example readDate('1945/7/1') // '1945-07-01'
 * @example readDate('1945年7月1日') // '1945-07-01'
 */
export function readDate(cell: Exclude<Cell, undefined>): string | undefined {
  if (cell instanceof Date) return isoDateOfCell(cell);
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return undefined;
    // 19450701 typed as a number
    if (Number.isInteger(cell) && cell >= 1000_01_01 && cell <= 9999_12_31) return readDate(String(cell));
    // a date cell without a date format shows its serial day number
    if (cell >= 1 && cell < 2_958_466)
      return isoDateOfCell(new Date(EXCEL_EPOCH + Math.floor(cell) * DAY_MS));
    return undefined;
  }
  if (typeof cell !== 'string') return undefined;
  const text = cell.normalize('NFKC').trim();
  const m = DATE_PATTERN.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  return `${m[1]}-${pad(Number(m[2]))}-${pad(Number(m[3]))}`;
}

/** "4.40703E+17": what Excel shows (and writes to CSV) for an ID number kept as a number. */
const SCIENTIFIC = /^\d(?:\.\d+)?e\+?\d+$/i;

function readIdNumberCell(cell: Exclude<Cell, undefined>): CellReading {
  if (typeof cell === 'number') {
    const digits = digitsOf(cell);
    // a number cell keeps at most 15-17 significant digits: accept it only if it still checks out
    if (digits.length >= 15 && !readIdNumber(digits).ok)
      return { ok: false, message: msg('import.idNumberAsNumber') };
    return ok(digits);
  }
  const text = textOf(cell).normalize('NFKC').replace(/[\s']/g, '');
  if (SCIENTIFIC.test(text)) return { ok: false, message: msg('import.idNumberAsNumber') };
  return ok(text.toUpperCase());
}

function readPhone(cell: Exclude<Cell, undefined>): CellReading {
  const text = textOf(cell);
  // a landline typed as a number loses its leading 0 (0750-3123456 becomes 7503123456)
  if (typeof cell === 'number' && !text.startsWith('1')) return ok(`0${text}`);
  return ok(text.normalize('NFKC'));
}

function readCounty(cell: Exclude<Cell, undefined>, policy: PolicyConfig): string | undefined {
  const text = textOf(cell).normalize('NFKC').replace(/\s+/g, '');
  if (/^\d{6}$/.test(text)) return text;
  const lower = text.toLowerCase();
  for (const [code, names] of Object.entries(policy.counties)) {
    const zh = names.zh.normalize('NFKC');
    // "蓬江" as well as "蓬江区"; "Taishan" as well as the code
    if (text === zh || (text.length >= 2 && zh.length > text.length && zh.slice(0, -1) === text)) return code;
    if (lower === names.en.toLowerCase()) return code;
  }
  return undefined;
}

function fromTable<T>(table: ReadonlyMap<string, T>, cell: Exclude<Cell, undefined>): T | undefined {
  if (typeof cell === 'boolean') return table.get(cell ? 'true' : 'false');
  return table.get(word(textOf(cell)));
}

/**
 * Reads one cell for its column. Blank cells (and cells of only spaces) give undefined.
 * Never throws, whatever the cell holds.
 * @example readCell('gender', '女', '性别', policy) // { ok: true, value: 'female' }
 */
export function readCell(kind: ColumnKind, cell: Cell, header: string, policy: PolicyConfig): CellReading {
  if (cell === undefined) return undefined;
  if (typeof cell === 'string' && cell.trim() === '') return undefined;
  if (typeof cell === 'number' && !Number.isFinite(cell)) return badValue(kind, header);
  const table = (t: ReadonlyMap<string, unknown>) => {
    const v = fromTable(t, cell);
    return v === undefined ? badValue(kind, header) : ok(v);
  };
  switch (kind) {
    case 'text':
    case 'optionalText':
      return ok(textOf(cell));
    case 'date': {
      const date = readDate(cell);
      return date === undefined ? badValue(kind, header) : ok(date);
    }
    case 'idNumber':
      return readIdNumberCell(cell);
    case 'phone':
      return readPhone(cell);
    case 'county': {
      const code = readCounty(cell, policy);
      return code === undefined ? badValue(kind, header) : ok(code);
    }
    case 'gender':
      return table(GENDER);
    case 'flag':
      return table(FLAG);
    case 'living':
      return table(LIVING);
    case 'ability':
      return table(ABILITY);
    case 'disabilityGrade':
      return table(DISABILITY);
    case 'language':
      return table(LANGUAGE);
    case 'channel':
      return table(CHANNEL);
    case 'relation':
      return table(RELATION);
    case 'consent':
      return table(CONSENT);
  }
}
