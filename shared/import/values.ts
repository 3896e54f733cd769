import type { PolicyConfig } from '../config.js';
import { msg } from '../i18n/messages.js';
import { readIdNumber, upgradeIdNumber } from '../registration/id-number.js';
import type { ColumnKind } from './headers.js';
import type { Cell } from './read.js';

/**
 * A cell read for its column: a value for the registration body (null: explicitly none, e.g. 残疾等级
 * 无), or a problem. Blank cells give undefined. Problems never quote the cell, which may hold a name,
 * a phone or an ID number that must not reach a log.
 */
export type CellReading =
  | {
      ok: true;
      value: unknown;
      /** other fields the cell also says (居住情况 空巢 is also the empty-nest flag), by form path */
      also?: Record<string, unknown>;
    }
  | { ok: false; message: string }
  | undefined;

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
  // 空巢 and 留守 describe who is not at home: the elders live without their children
  空巢: 'couple',
  空巢老人: 'couple',
  留守: 'other',
  留守老人: 'other',
  与配偶同住: 'couple',
  与老伴同住: 'couple',
  与子女同住: 'withFamily',
  与儿女同住: 'withFamily',
  与亲属同住: 'withFamily',
  孤寡: 'alone',
  两老共同居住: 'couple',
  两老同住: 'couple',
  老年夫妻: 'couple',
  夫妻同住: 'couple',
  与家人同住: 'withFamily',
  其他: 'other',
  alone: 'alone',
  couple: 'couple',
  withFamily: 'withFamily',
  other: 'other',
});
const ABILITY = choices({
  能力完好: 'intact',
  // the way county sheets answer 失能: yes / no / partly / self-care
  是: 'severe',
  失能: 'severe',
  全失能: 'total',
  半失能: 'moderate',
  部分失能: 'moderate',
  自理: 'intact',
  能自理: 'intact',
  生活自理: 'intact',
  生活能自理: 'intact',
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
  yue: 'yue',
  cmn: 'cmn',
  cantonese: 'yue',
  mandarin: 'cmn',
});
const CHANNEL = choices({ 电话: 'voice', 语音: 'voice', 短信: 'sms', voice: 'voice', sms: 'sms' });
/** 探访方式: how the visit contact visits (a home-visit plan), not the automated check-in channel */
const VISIT_MODE = choices({
  上门: 'home',
  上门探访: 'home',
  入户: 'home',
  电话: 'phone',
  电话探访: 'phone',
  视频: 'video',
  视频探访: 'video',
});
const RELATION = choices({
  子女: 'child',
  儿子: 'child',
  女儿: 'child',
  儿女: 'child',
  儿媳: 'child',
  女婿: 'child',
  子: 'child',
  女: 'child',
  配偶: 'relative',
  老伴: 'relative',
  妻子: 'relative',
  丈夫: 'relative',
  孙子: 'relative',
  孙女: 'relative',
  外孙: 'relative',
  外孙女: 'relative',
  侄子: 'relative',
  侄女: 'relative',
  兄弟: 'relative',
  姐妹: 'relative',
  朋友: 'neighbour',
  村干部: 'committee',
  网格员: 'committee',
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
  living: '独居、空巢、留守、与配偶同住、与子女同住、其他',
  flag: '是、否',
  ability: '是、否、半失能、自理，或能力完好、轻度失能、中度失能、重度失能、完全失能',
  disabilityGrade: '如残疾证所写：肢体二级、视力一级；或一级至四级、无',
  language: '粤语、普通话',
  channel: '电话、短信',
  relation: '子女、亲属、邻居、村（居）委',
  consent: '是、否',
  visitMode: '上门、电话、视频',
  personTypes: '独居、空巢、留守、失能、失智、低保、计生特殊家庭，可多个，用顿号分隔',
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
    if (digits.length === 15) return ok(upgradeIdNumber(digits));
    if (digits.length >= 15 && !readIdNumber(digits).ok)
      return { ok: false, message: msg('import.idNumberAsNumber') };
    return ok(digits);
  }
  const text = textOf(cell).normalize('NFKC').replace(/[\s']/g, '');
  if (SCIENTIFIC.test(text)) return { ok: false, message: msg('import.idNumberAsNumber') };
  // an old 15-digit number becomes the 18-character one (GB 11643)
  return ok(upgradeIdNumber(text.toUpperCase()));
}

/** An extension after a landline (转 123, 分机123, ext. 123, -123 after a whole number): not dialled. */
const EXTENSION = /(?:\s*(?:转|分机|ext\.?|x|#)\s*\d{1,5}|(?<=^0\d{2,3}-?\d{7,8})-\d{1,5})$/i;

/**
 * A phone cell: spaces, brackets and dashes as written, an extension dropped (nobody dials one).
 * @example readPhone('138 0013 8000') // { ok: true, value: '13800138000' }
 * @example readPhone('0750-3123456转123') // { ok: true, value: '0750-3123456' }
 */
function readPhone(cell: Exclude<Cell, undefined>): CellReading {
  const text = textOf(cell);
  // a landline typed as a number loses its leading 0 (0750-3123456 becomes 7503123456)
  if (typeof cell === 'number' && !text.startsWith('1')) return ok(`0${text}`);
  const cleaned = text
    .normalize('NFKC')
    .trim()
    .replace(EXTENSION, '')
    .replace(/[()（）]/g, '')
    .replace(/\s+/g, '');
  return ok(cleaned);
}

function readCounty(cell: Exclude<Cell, undefined>, policy: PolicyConfig): string | undefined {
  // "江门市蓬江区", "广东省江门市台山市": the province and the city in front are dropped
  const text = textOf(cell)
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^(?:广东省?)?(?:江门市?)(?=.{2,})/, '');
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

const GRADE_WORDS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 };
/** 残疾证 kinds: 视力 听力 言语 肢体 智力 精神 多重 */
const DISABILITY_KIND = /^(?:视力|听力|言语|语言|肢体|智力|精神|多重)(?:残疾)?/;

/**
 * A disability as written on the certificate: 肢体二级, 二级肢体, 视力残疾一级, 3级; 无 for none.
 * @example readDisability('肢体二级') // 2
 */
function readDisability(cell: Exclude<Cell, undefined>): number | null | undefined {
  const known = fromTable(DISABILITY, cell);
  if (known !== undefined) return known;
  const text = word(textOf(cell)).replace(DISABILITY_KIND, '').replace(/残疾$/, '');
  const m = /^(?:第)?([一二三四1-4])级(?:.*)?$/.exec(text) ?? /^([一二三四1-4])级/.exec(text);
  if (m?.[1]) return GRADE_WORDS[m[1]];
  // 二级肢体: the grade in front of the kind
  const front = /^([一二三四1-4])级(?:视力|听力|言语|语言|肢体|智力|精神|多重)/.exec(word(textOf(cell)));
  return front?.[1] ? GRADE_WORDS[front[1]] : undefined;
}

/** The words of a 老年人类型 cell, each with the fields it sets. 高龄 and 特困 follow from other columns. */
const PERSON_TYPES = new Map<string, Record<string, unknown>>(
  Object.entries({
    独居: { living: 'alone' },
    独居老人: { living: 'alone' },
    孤寡: { living: 'alone' },
    空巢: { emptyNest: true },
    空巢老人: { emptyNest: true },
    留守: { leftBehind: true },
    留守老人: { leftBehind: true },
    失能: { ability: 'severe' },
    半失能: { ability: 'moderate' },
    失智: { dementia: true },
    低保: { lowIncome: true },
    低保户: { lowIncome: true },
    计生特殊家庭: { familyPlanningSpecial: true },
    计划生育特殊家庭: { familyPlanningSpecial: true },
    失独: { familyPlanningSpecial: true },
    高龄: {},
    高龄老人: {},
  }).map(([k, v]) => [word(k), v]),
);

/**
 * A 老年人类型 cell with one or several types (独居、失能 / 独居,低保 / 独居 失能): the flags they set.
 * Any word not understood makes the cell a problem: a flag is never silently dropped.
 */
function readPersonTypes(cell: Exclude<Cell, undefined>): Record<string, unknown> | undefined {
  const parts = textOf(cell)
    .normalize('NFKC')
    .split(/[、,，;；/\s+]+/)
    .map((p) => word(p))
    .filter(Boolean);
  const fields: Record<string, unknown> = {};
  for (const part of parts) {
    const set = PERSON_TYPES.get(part);
    if (!set) return undefined;
    Object.assign(fields, set);
  }
  return fields;
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
    case 'living': {
      const living = fromTable(LIVING, cell);
      if (living === undefined) return badValue(kind, header);
      const said = word(textOf(cell));
      if (said.startsWith('空巢')) return { ok: true, value: living, also: { emptyNest: true } };
      if (said.startsWith('留守')) return { ok: true, value: living, also: { leftBehind: true } };
      return ok(living);
    }
    case 'ability':
      return table(ABILITY);
    case 'disabilityGrade': {
      const grade = readDisability(cell);
      return grade === undefined ? badValue(kind, header) : ok(grade);
    }
    case 'visitMode':
      return table(VISIT_MODE);
    case 'personTypes': {
      const fields = readPersonTypes(cell);
      return fields === undefined ? badValue(kind, header) : { ok: true, value: undefined, also: fields };
    }
    case 'ignore':
      return undefined;
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
