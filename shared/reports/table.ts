import type { ObligationKind } from '../policy/compliance.js';
import type { MonthlyReport, MonthlyRow } from './monthly.js';
import type { OpenObligationsReport } from './open.js';

/** A cell of a report sheet: text, a number, or empty. */
export type Cell = string | number | null;

/** A report laid out as a sheet: a title row, the header row, the data rows. */
export interface Sheet {
  title: string;
  headers: readonly string[];
  rows: Cell[][];
  /** columns (0-based) holding a share 0..1, shown as a percentage in XLSX */
  percentColumns: readonly number[];
  /** file name without extension, Chinese */
  fileName: string;
}

export const FORM_TITLE = '广东省江门市特殊困难老年人探访关爱服务情况统计表';

/** The columns of the city's statistics form after the area columns, in order. */
export const MONTHLY_COLUMNS: readonly [string, (r: MonthlyRow) => Cell][] = [
  ['特殊困难老年人总数', (r) => r.elders],
  ['A类', (r) => r.byCategory.A],
  ['B类', (r) => r.byCategory.B],
  ['C类', (r) => r.byCategory.C],
  ['独居', (r) => r.byType.livingAlone],
  ['空巢', (r) => r.byType.emptyNest],
  ['留守', (r) => r.byType.leftBehind],
  ['失能', (r) => r.byType.lossOfAbility],
  ['重残', (r) => r.byType.severeDisability],
  ['计划生育特殊家庭', (r) => r.byType.familyPlanningSpecial],
  ['探访关爱服务联系人数', (r) => r.contacts],
  ['上门探访次数', (r) => r.visits.home],
  ['电话探访次数', (r) => r.visits.phone],
  ['视频探访次数', (r) => r.visits.video],
  ['自动外呼（短信）探访次数', (r) => r.visits.automated],
  ['月探访率', (r) => r.visitRate.rate],
  ['A类上门达标率', (r) => r.homeCompliance.A.rate],
  ['B类上门达标率', (r) => r.homeCompliance.B.rate],
  ['C类上门达标率', (r) => r.homeCompliance.C.rate],
  ['拒绝服务人数', (r) => r.refused],
  ['个案开启数', (r) => r.casesOpened],
  ['个案关闭数', (r) => r.casesClosed],
  ['确认中位时长（分钟）', (r) => r.medianAckMinutes],
  ['本月未联系上人数', (r) => r.notReached],
];

const PERCENT = new Set(['月探访率', 'A类上门达标率', 'B类上门达标率', 'C类上门达标率']);

const monthZh = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;

/**
 * The monthly report as the city's form: one row per county and a city total, or one row per
 * township of a county and the county total.
 * @example monthlySheet(report).headers.slice(0, 3) // ['县（市、区）', '镇（街道）', '特殊困难老年人总数']
 */
export function monthlySheet(report: MonthlyReport): Sheet {
  const area = report.scope.township
    ? `${report.scope.countyName}${report.scope.township}`
    : report.scope.countyName;
  const headers = ['县（市、区）', '镇（街道）', ...MONTHLY_COLUMNS.map(([h]) => h)];
  const line = (r: MonthlyRow, county: string, township: string): Cell[] => [
    county,
    township,
    ...MONTHLY_COLUMNS.map(([, get]) => get(r)),
  ];
  const rows = report.rows.map((r) => line(r, r.countyName, r.township ?? ''));
  rows.push(line(report.total, report.scope.county ? `${report.scope.countyName}合计` : '全市合计', ''));
  return {
    title: `${FORM_TITLE}（${monthZh(report.month)}，${area}）`,
    headers,
    rows,
    percentColumns: headers.flatMap((h, i) => (PERCENT.has(h) ? [i] : [])),
    fileName: `${FORM_TITLE}-${report.month}-${area}`,
  };
}

const KIND_ZH: Record<ObligationKind, string> = {
  monthlyHomeVisit: '本月上门探访',
  monthlyVisit: '本月探访（电话、视频或上门）',
  halfYearHomeVisit: '半年内上门探访',
  yearHomeVisit: '年内上门探访',
};

/** The open obligations, one row per elder and obligation, grouped by contact. */
export function openObligationsSheet(report: OpenObligationsReport, areaName: string): Sheet {
  const headers = [
    '探访关爱服务联系人',
    '老人姓名',
    '镇（街道）',
    '村（居）',
    '类别',
    '未完成事项',
    '截止日期',
  ];
  const rows: Cell[][] = report.groups.flatMap((g) =>
    g.items.map((i) => [
      g.contactName ?? '（未配对联系人）',
      i.elderName,
      i.township,
      i.village,
      `${i.category}类`,
      KIND_ZH[i.kind],
      i.dueBy,
    ]),
  );
  return {
    title: `探访关爱服务未完成事项清单（${monthZh(report.month)}，${areaName}）`,
    headers,
    rows,
    percentColumns: [],
    fileName: `探访关爱服务未完成事项清单-${report.month}-${areaName}`,
  };
}

const csvCell = (cell: Cell, percent: boolean): string => {
  if (cell === null) return '';
  if (typeof cell === 'number') return percent ? `${(cell * 100).toFixed(1)}%` : String(cell);
  // a leading = + - @ would be read as a formula by Excel
  const text = /^[=+\-@]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The sheet as CSV: UTF-8 with a byte-order mark (so Excel reads the Chinese), CRLF line ends. */
export function toCsv(sheet: Sheet): Buffer {
  const percent = new Set(sheet.percentColumns);
  const lines = [
    csvCell(sheet.title, false),
    sheet.headers.map((h) => csvCell(h, false)).join(','),
    ...sheet.rows.map((row) => row.map((c, i) => csvCell(c, percent.has(i))).join(',')),
  ];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
