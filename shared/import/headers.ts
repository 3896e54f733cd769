import type { Cell } from './read.js';

/** How a column's cells are read; see values.ts. */
export type ColumnKind =
  | 'text'
  | 'optionalText'
  | 'gender'
  | 'date'
  | 'idNumber'
  | 'phone'
  | 'county'
  | 'living'
  | 'flag'
  | 'ability'
  | 'disabilityGrade'
  | 'language'
  | 'channel'
  | 'relation'
  | 'consent'
  // definitions (issue 14): begin
  | 'count'
  | 'score'
  | 'partner'
  | 'registeredHome'
  | 'disabilityType'
  // definitions (issue 14): end
  | 'visitMode'
  | 'personTypes'
  | 'ignore';

export interface ColumnSpec {
  /** where the value goes in the registration body, as zod reports it ("region.county") */
  path: string;
  /** the header of the county template: 中文 first, then the English field name */
  label: string;
  kind: ColumnKind;
  /** other headers seen in county spreadsheets, besides the label and the English names */
  aliases?: readonly string[];
  /** required in register mode (the form cannot be filled without it) */
  required?: boolean;
  /** read and checked, but not a field of the registration form (序号, 探访方式, 老年人类型's own value) */
  notStored?: boolean;
}

const EC = 'emergencyContacts.0';

/** The columns of the registration form in a county spreadsheet, in the template's order. */
export const COLUMNS: readonly ColumnSpec[] = [
  { path: 'rowNumber', label: '序号', kind: 'ignore', notStored: true, aliases: ['编号', 'No.', 'NO'] },
  { path: 'name', label: '姓名', kind: 'text', required: true, aliases: ['老人姓名'] },
  { path: 'gender', label: '性别', kind: 'gender', required: true },
  { path: 'birthDate', label: '出生日期', kind: 'date', required: true, aliases: ['出生年月日', '出生年月'] },
  {
    path: 'idNumber',
    label: '身份证号',
    kind: 'idNumber',
    aliases: ['身份证号码', '身份证', '公民身份号码', '居民身份证号码'],
  },
  {
    path: 'phone',
    label: '联系电话',
    kind: 'phone',
    required: true,
    aliases: ['电话', '电话号码', '手机', '手机号码', '联系方式'],
  },
  {
    path: 'address',
    label: '住址',
    kind: 'text',
    required: true,
    aliases: ['地址', '家庭住址', '现住址', '居住地址', '现居住地址'],
  },
  {
    path: 'region.county',
    label: '县（市、区）',
    kind: 'county',
    required: true,
    aliases: ['县(市区)', '县市区', '县区', '区县', '县', 'county'],
  },
  {
    path: 'region.township',
    label: '镇（街道）',
    kind: 'text',
    required: true,
    aliases: ['镇街', '镇(街)', '乡镇(街道)', '乡镇街道', '镇街道', '乡镇', 'township'],
  },
  {
    path: 'region.village',
    label: '村（居）',
    kind: 'text',
    required: true,
    aliases: ['村居', '村(社区)', '村(居)委', '村(居)委会', '社区', 'village'],
  },
  {
    path: 'living',
    label: '居住情况',
    kind: 'living',
    required: true,
    aliases: ['居住状况', '居住类型', '居住方式'],
  },
  { path: 'emptyNest', label: '空巢', kind: 'flag', aliases: ['是否空巢'] },
  { path: 'leftBehind', label: '留守', kind: 'flag', aliases: ['是否留守'] },
  {
    path: 'ability',
    label: '失能等级',
    kind: 'ability',
    aliases: ['能力等级', '失能情况', '失能', '是否失能', '自理能力'],
  },
  { path: 'dementia', label: '失智', kind: 'flag', aliases: ['是否失智'] },
  {
    path: 'disabilityGrade',
    label: '残疾等级',
    kind: 'disabilityGrade',
    aliases: ['残疾', '残疾情况', '残疾类别等级', '残疾证'],
  },
  { path: 'lowIncome', label: '低保', kind: 'flag', aliases: ['是否低保', '低保户'] },
  {
    path: 'familyPlanningSpecial',
    label: '计划生育特殊家庭',
    kind: 'flag',
    aliases: ['计生特殊家庭', '是否计划生育特殊家庭'],
  },
  {
    path: 'caresForDisabledChild',
    label: '长期照料失能失智子女',
    kind: 'flag',
    aliases: ['长期照料失能、失智子女'],
  },
  {
    path: 'partnerImpaired',
    label: '同住老人失能失智残疾',
    kind: 'flag',
    aliases: ['同住老人失能、失智、残疾', '同住老人失能/失智/残疾'],
  },
  { path: 'language', label: '语言', kind: 'language', aliases: ['常用语言'] },
  { path: 'channel', label: '回访方式', kind: 'channel', aliases: ['联系方式偏好', '自动回访方式'] },
  // how the visit contact visits: read and checked, not the check-in channel, not a field of the form
  { path: 'visitMode', label: '探访方式', kind: 'visitMode', notStored: true, aliases: ['探访形式'] },
  // several types in one cell set the flags they name (独居、失能)
  {
    path: 'personTypes',
    label: '老年人类型',
    kind: 'personTypes',
    notStored: true,
    aliases: ['类型', '困难类型', '特殊困难类型', '老人类型'],
  },
  {
    path: `${EC}.name`,
    label: '紧急联系人',
    kind: 'text',
    aliases: ['紧急联系人姓名', 'emergencyContact.name', 'emergencyContactName'],
  },
  {
    path: `${EC}.relation`,
    label: '紧急联系人关系',
    kind: 'relation',
    aliases: ['与老人关系', '关系', 'emergencyContact.relation', 'emergencyContactRelation'],
  },
  {
    path: `${EC}.phone`,
    label: '紧急联系人电话',
    kind: 'phone',
    aliases: [
      '紧急联系电话',
      '紧急联系人电话号码',
      '紧急联系人手机',
      'emergencyContact.phone',
      'emergencyContactPhone',
    ],
  },
  // definitions (issue 14): begin
  { path: 'assessment.score', label: '能力评估得分', kind: 'score', aliases: ['评估得分', '能力评估分数'] },
  { path: 'assessment.date', label: '能力评估日期', kind: 'date', aliases: ['评估日期'] },
  { path: 'assessment.organisation', label: '能力评估机构', kind: 'text', aliases: ['评估机构'] },
  { path: 'household.partner', label: '配偶居住地', kind: 'partner', aliases: ['配偶情况'] },
  { path: 'household.children', label: '子女数', kind: 'count', aliases: ['子女人数'] },
  {
    path: 'household.childrenNearby',
    label: '同区县居住子女数',
    kind: 'count',
    aliases: ['在同一市辖区或县居住的子女数', '本地子女数'],
  },
  {
    path: 'household.childrenAwaySince',
    label: '子女外出务工起始日期',
    kind: 'date',
    aliases: ['子女外出时间', '子女外出务工时间'],
  },
  { path: 'registeredHome', label: '户籍类型', kind: 'registeredHome', aliases: ['户籍', '户口性质'] },
  { path: 'disabilityCertificate.type', label: '残疾类别', kind: 'disabilityType', aliases: ['残疾类型'] },
  { path: 'disabilityCertificate.grade', label: '残疾证等级', kind: 'disabilityGrade' },
  { path: 'disabilityCertificate.number', label: '残疾人证号', kind: 'text', aliases: ['残疾证号'] },
  { path: 'extremePoverty', label: '特困', kind: 'flag', aliases: ['是否特困', '特困人员', '特困供养'] },
  // definitions (issue 14): end
  { path: 'contactId', label: '联系人编号', kind: 'optionalText', aliases: ['探访关爱服务联系人编号'] },
  { path: 'consent', label: '是否接受服务', kind: 'consent', aliases: ['接受服务意愿', '是否愿意接受服务'] },
  { path: 'refusal.date', label: '拒绝日期', kind: 'date', aliases: ['refusalDate'] },
  { path: 'refusal.note', label: '拒绝说明', kind: 'text', aliases: ['拒绝原因', 'refusalNote'] },
  { path: 'refusal.recordedBy', label: '记录人', kind: 'text', aliases: ['refusalRecordedBy'] },
];

/**
 * A header as compared: NFKC (full-width brackets, letters and digits become half-width), no spaces,
 * no required-field stars or trailing colons, lower case (for the English names).
 * @example normaliseHeader(' 县（市、区）* ') // '县(市、区)'
 */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/^[*※]+|[*※:：]+$/g, '')
    .toLowerCase();
}

const BY_HEADER: ReadonlyMap<string, ColumnSpec> = (() => {
  const map = new Map<string, ColumnSpec>();
  for (const spec of COLUMNS) {
    const last = spec.path.split('.').at(-1) ?? spec.path;
    const names = [spec.label, spec.path, ...(spec.aliases ?? [])];
    // "county", "township", "village" and the refusal parts are unique enough alone
    if (spec.path.startsWith('region.')) names.push(last);
    for (const name of names) map.set(normaliseHeader(name), spec);
  }
  return map;
})();

/**
 * The column a header names, or undefined. A note in brackets after a known header is ignored
 * ("出生日期（年-月-日）").
 * @example columnForHeader('县(市、区)')?.path // 'region.county'
 */
export function columnForHeader(header: string): ColumnSpec | undefined {
  const key = normaliseHeader(header);
  if (!key) return undefined;
  const exact = BY_HEADER.get(key);
  if (exact) return exact;
  const withoutNote = key.replace(/\([^()]*\)$/, '');
  return withoutNote && withoutNote !== key ? BY_HEADER.get(withoutNote) : undefined;
}

/** A column of the sheet that was recognised: its position, its spec and the header as written. */
export interface SheetColumn {
  index: number;
  spec: ColumnSpec;
  header: string;
}

export interface HeaderMatch {
  columns: SheetColumn[];
  /** headers not recognised (ignored, reported once as a warning), with their position */
  unknown: { index: number; header: string }[];
  /** headers naming a column already seen (the first one is used) */
  repeated: string[];
}

const headerText = (cell: Cell): string =>
  cell === undefined ? '' : cell instanceof Date ? cell.toISOString() : String(cell).trim();

/** Matches a header row to the form's columns. */
export function matchHeaders(cells: readonly Cell[]): HeaderMatch {
  const columns: SheetColumn[] = [];
  const unknown: HeaderMatch['unknown'] = [];
  const repeated: string[] = [];
  const seen = new Set<string>();
  cells.forEach((cell, index) => {
    const header = headerText(cell);
    if (!header) return;
    const spec = columnForHeader(header);
    if (!spec) unknown.push({ index, header });
    else if (seen.has(spec.path)) repeated.push(header);
    else {
      seen.add(spec.path);
      columns.push({ index, spec, header });
    }
  });
  return { columns, unknown, repeated };
}

/** How many rows from the top may hold a title or notes above the header row. */
const HEADER_SEARCH_ROWS = 20;

/**
 * Which of the first rows is the header row: the first non-empty row, unless it is a title (fewer than
 * two known headers) and a later row among the first few is a header.
 */
export function findHeaderRow(rows: readonly { cells: readonly Cell[] }[]): number {
  const limit = Math.min(rows.length, HEADER_SEARCH_ROWS);
  for (let i = 0; i < limit; i++) {
    const row = rows[i];
    if (row && matchHeaders(row.cells).columns.length >= 2) return i;
  }
  return 0;
}

/** The required columns the sheet lacks, by label (register mode). */
export function missingRequired(columns: readonly SheetColumn[]): string[] {
  const present = new Set(columns.map((c) => c.spec.path));
  return COLUMNS.filter((c) => c.required && !present.has(c.path)).map((c) => c.label);
}

/** The first words of a sheet's footer lines: who filled it in, who checked it, when; totals. */
const FOOTER =
  /^(?:联系电话(?=[:：])|填表人|填报人|填表|审核人|审核|审批人|填表日期|填报日期|制表人|制表|制表日期|负责人|单位负责人|统计人|经办人|合计|总计|小计)(?:[:：\s]|$)/;

/**
 * True for a footer row (填表人：… 审核人：… 填表日期：…, 合计): its first filled cell starts with one of
 * those words. Such rows are not data and are not counted.
 * @example isFooterRow(['填表人：张三', undefined, '审核人：']) // true
 */
export function isFooterRow(cells: readonly Cell[]): boolean {
  const first = cells.find((c) => c !== undefined && String(c).trim() !== '');
  if (first === undefined || typeof first !== 'string') return false;
  return FOOTER.test(first.normalize('NFKC').trim());
}
