import { PassThrough } from 'node:stream';
// the streaming writer alone (see shared/reports/exceljs-writer.d.ts)
import type ExcelJS from 'exceljs';
import WorkbookWriter from 'exceljs/lib/stream/xlsx/workbook-writer.js';
import type { PolicyConfig } from '../config.js';
import { COLUMNS, type ColumnKind } from './headers.js';

/** Rows of the template that carry the drop-down lists. */
const TEMPLATE_ROWS = 2000;

/** The drop-down list of each enumerated column (what the import reads; see values.ts). */
const LISTS: Partial<Record<ColumnKind, readonly string[]>> = {
  gender: ['男', '女'],
  living: ['独居', '空巢', '留守', '与配偶同住', '与子女同住', '其他'],
  flag: ['是', '否'],
  ability: ['能力完好', '轻度失能', '中度失能', '重度失能', '完全失能'],
  disabilityGrade: ['无', '一级', '二级', '三级', '四级'],
  language: ['粤语', '普通话'],
  channel: ['电话', '短信'],
  relation: ['子女', '亲属', '邻居', '村（居）委'],
  consent: ['是', '否'],
  visitMode: ['上门', '电话', '视频'],
};

/** How each column is filled in, for the 填写说明 sheet. */
const NOTES: Partial<Record<ColumnKind, string>> = {
  text: '照实填写',
  optionalText: '可不填',
  date: '如 1945-03-02、1945.03.02、1945年3月2日，或 Excel 日期',
  idNumber: '18 位；旧的 15 位号码会自动转为 18 位。请把单元格设为“文本”，以免 Excel 改写',
  phone: '手机或座机，可带空格；分机号不会拨打',
  county: '县（市、区）名称或 6 位代码，如 蓬江区、江门市蓬江区、440703',
  flag: '是 / 否，不填即为否',
  ability: '也可填 是、否、半失能、自理',
  disabilityGrade: '可按残疾证填写，如 肢体二级',
  personTypes: '可填多个，用顿号分隔，如 独居、失能、低保',
  visitMode: '联系人探访的方式，不是自动回访的方式',
  ignore: '不导入',
};

const columnLetter = (n: number): string => {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
};

async function write(build: (workbook: InstanceType<typeof WorkbookWriter>) => void): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const workbook = new WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true });
  build(workbook);
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
}

/** The template's columns: every column of the form, then 探访方式 and 老年人类型, in the template's order. */
export const TEMPLATE_COLUMNS = COLUMNS.filter((c) => c.path !== 'personTypes').concat(
  COLUMNS.filter((c) => c.path === 'personTypes'),
);

/**
 * The county template (issue 13, part 1): a title row, the headers (required ones marked *), drop-down
 * lists on every enumerated column (data validation), ID numbers kept as text, and a 填写说明 sheet that
 * says how each column is filled in.
 */
export function templateXlsx(policy: PolicyConfig): Promise<Buffer> {
  return write((workbook) => {
    const ws = workbook.addWorksheet('登记表', { views: [{ state: 'frozen', ySplit: 2 }] });
    ws.columns = TEMPLATE_COLUMNS.map((c) => ({
      width: Math.max(10, c.label.length * 2 + 4),
      ...(c.kind === 'idNumber' || c.kind === 'phone' ? { style: { numFmt: '@' } } : {}),
    }));
    const title = ws.addRow(['江门市特殊困难老年人登记表']);
    title.font = { bold: true, size: 14 };
    ws.mergeCells(1, 1, 1, TEMPLATE_COLUMNS.length);
    title.commit();
    const header = ws.addRow(TEMPLATE_COLUMNS.map((c) => (c.required ? `${c.label}*` : c.label)));
    header.font = { bold: true };
    header.commit();
    const counties = Object.values(policy.counties).map((c) => c.zh);
    TEMPLATE_COLUMNS.forEach((c, i) => {
      const list = c.kind === 'county' ? counties : LISTS[c.kind];
      if (!list) return;
      const letter = columnLetter(i + 1);
      // the streaming writer has the same data validations as a worksheet (not in its typings)
      (
        ws as unknown as {
          dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void };
        }
      ).dataValidations.add(`${letter}3:${letter}${TEMPLATE_ROWS}`, {
        type: 'list',
        allowBlank: !c.required,
        formulae: [`"${list.join(',')}"`],
        showErrorMessage: true,
        errorStyle: 'warning',
        errorTitle: c.label,
        error: `请从下拉列表中选择 / Choose from the list`,
      });
    });
    ws.commit();

    const notes = workbook.addWorksheet('填写说明');
    notes.columns = [{ width: 24 }, { width: 8 }, { width: 60 }, { width: 50 }];
    const head = notes.addRow(['列名', '必填', '填写方法', '可选的值']);
    head.font = { bold: true };
    head.commit();
    for (const c of TEMPLATE_COLUMNS) {
      const list = c.kind === 'county' ? counties : LISTS[c.kind];
      notes
        .addRow([c.label, c.required ? '是' : '', NOTES[c.kind] ?? '', list ? list.join('、') : ''])
        .commit();
    }
    notes.addRow([]).commit();
    for (const line of [
      '标题行和“填报单位”行可以保留；表尾的填表人、审核人、填表日期行不会导入。',
      '空行会跳过；可选的单元格不填即为无。',
      '同一身份证号再次导入时更新已登记的老年人，不会重复登记。',
      '导入前请先“预检”，确认新增、更新、未变和有问题的行数后再正式导入。',
    ])
      notes.addRow([line]).commit();
    notes.commit();
  });
}
