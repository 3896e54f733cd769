import { strToU8, zipSync } from 'fflate';
import type { Cell } from './read.js';

/**
 * The rejected rows to fix and import again, as an XLSX: the sheet's own header row with a 问题 column
 * in front, each rejected row as it was written, its problems in the first cell. Written with fflate
 * (8 kB) and a minimal SpreadsheetML part list, so the imports Lambda (which holds exceljs's reader)
 * stays under its 1 MB budget; exceljs's writer (about 280 kB more) serves the reports Lambda.
 */
export function rejectedXlsx(
  header: readonly Cell[],
  rows: readonly { row: number; cells: readonly Cell[]; problems: readonly string[] }[],
): Buffer {
  const lines = [
    ['问题（改好后可删除此列再导入）', ...header],
    ...rows.map((r) => [`第 ${r.row} 行：${r.problems.join('；')}`, ...r.cells]),
  ];
  const sheet = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols><col min="1" max="1" width="50" customWidth="1"/></cols><sheetData>${lines
    .map((cells, i) => `<row r="${i + 1}">${cells.map((c, j) => cellXml(c, i + 1, j)).join('')}</row>`)
    .join('')}</sheetData></worksheet>`;
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ),
    'xl/workbook.xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="需修改的行" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ),
    'xl/worksheets/sheet1.xml': strToU8(sheet),
  };
  return Buffer.from(zipSync(files, { level: 6 }));
}

const column = (j: number): string => {
  let s = '';
  for (let n = j + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
};

/** Characters XML 1.0 does not allow (control characters other than tab, line feed, return). */
const disallowed = (ch: string) => {
  const code = ch.charCodeAt(0);
  return code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
};

const xmlText = (text: string) =>
  [...text]
    .filter((ch) => !disallowed(ch))
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');

/** One cell: numbers as numbers, everything else (dates as YYYY-MM-DD) as inline text. */
function cellXml(cell: Cell | null, row: number, j: number): string {
  if (cell === undefined || cell === null || cell === '') return '';
  const ref = `${column(j)}${row}`;
  if (typeof cell === 'number' && Number.isFinite(cell)) return `<c r="${ref}"><v>${cell}</v></c>`;
  const text =
    cell instanceof Date
      ? cell.toISOString().slice(0, 10)
      : typeof cell === 'boolean'
        ? cell
          ? '是'
          : '否'
        : String(cell);
  return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(text)}</t></is></c>`;
}
