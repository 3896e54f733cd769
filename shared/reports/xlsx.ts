import { PassThrough } from 'node:stream';
// the streaming writer alone (see exceljs-writer.d.ts)
import WorkbookWriter from 'exceljs/lib/stream/xlsx/workbook-writer.js';
import type { Sheet } from './table.js';

/**
 * The sheet as an XLSX workbook: the title in row 1 (merged across the columns), the headers in
 * row 2 (bold, frozen), the data below; shares as percentages.
 */
export async function toXlsx(sheet: Sheet): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const workbook = new WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: true });
  const ws = workbook.addWorksheet('统计表', { views: [{ state: 'frozen', ySplit: 2 }] });
  ws.columns = sheet.headers.map((_, i) => ({ width: i < 2 ? 14 : 12 }));
  const title = ws.addRow([sheet.title]);
  title.font = { bold: true, size: 14 };
  ws.mergeCells(1, 1, 1, sheet.headers.length);
  title.commit();
  const header = ws.addRow([...sheet.headers]);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle', horizontal: 'center' };
  header.commit();
  const percent = new Set(sheet.percentColumns);
  for (const values of sheet.rows) {
    const row = ws.addRow(values.map((v) => v ?? null));
    for (const i of percent) row.getCell(i + 1).numFmt = '0.0%';
    row.commit();
  }
  ws.commit();
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
}
