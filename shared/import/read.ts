import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
// the streaming reader alone (see exceljs-reader.d.ts)
import WorkbookReader from 'exceljs/lib/stream/xlsx/workbook-reader.js';
import { DomainError } from '../errors.js';
import { type MessageKey, msg } from '../i18n/messages.js';
import { csvRecords, sniffDelimiter } from './csv.js';

export type ImportFormat = 'csv' | 'xlsx';

/** One cell as read: CSV gives text; XLSX also numbers, booleans and dates. Blank is undefined. */
export type Cell = string | number | boolean | Date | undefined;

/** A non-blank row of the sheet with its row number as Excel shows it (first row = 1). */
export interface SheetRow {
  row: number;
  cells: Cell[];
}

/** An uploaded spreadsheet: the bytes, and what the sender said it is. */
export interface ImportFile {
  bytes: Uint8Array;
  filename?: string | undefined;
  contentType?: string | undefined;
}

/** The file as a whole cannot be imported (format, encoding, headers): 422 with a bilingual message. */
export class ImportRejected extends DomainError {
  constructor(code: MessageKey, detail?: string) {
    super(code, 422, 'file');
    this.name = 'ImportRejected';
    if (detail) this.message = msg(code, detail);
  }
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
// the old binary .xls (OLE compound file): named so the user hears "save as .xlsx", not "unreadable"
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

const CSV_TYPES = new Set([
  'text/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/csv',
  // what browsers on Windows send for .csv when Excel is installed
  'application/vnd.ms-excel',
]);
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Tells CSV from XLSX: the bytes first (an XLSX is a zip), then the file name, then the content type.
 * @example detectFormat({ bytes, filename: '蓬江区.csv' }) // 'csv'
 */
export function detectFormat(file: ImportFile): ImportFormat {
  const { bytes } = file;
  if (startsWith(bytes, ZIP_MAGIC)) return 'xlsx';
  if (startsWith(bytes, OLE_MAGIC)) throw new ImportRejected('import.unknownFormat', '.xls');
  const name = file.filename?.toLowerCase() ?? '';
  const type = file.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  // an .xlsx name or type on bytes that are not a zip: a damaged or mislabelled file
  if (name.endsWith('.xlsx') || type === XLSX_TYPE) throw new ImportRejected('import.unreadable');
  if (/\.(csv|txt|tsv)$/.test(name) || CSV_TYPES.has(type)) return 'csv';
  throw new ImportRejected('import.unknownFormat');
}

/**
 * Decodes CSV bytes: UTF-8 with or without BOM, UTF-16 with BOM, else GB18030 (a superset of GBK, what
 * Chinese Excel writes for "CSV") when the bytes are not valid UTF-8.
 * @example decodeText(Uint8Array.from([0xc4, 0xe3, 0xba, 0xc3])) // '你好' (GBK)
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3), false);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return utf8(bytes, true);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

const utf8 = (bytes: Uint8Array, fatal: boolean) => new TextDecoder('utf-8', { fatal }).decode(bytes);

/** True when a row has no cell with content (such rows are skipped and not counted). */
export function isBlankRow(cells: readonly Cell[]): boolean {
  return cells.every((c) => c === undefined || (typeof c === 'string' && c.trim() === ''));
}

/**
 * Reads every non-blank row of a CSV file or of the first worksheet of an XLSX file, with the row
 * numbers a person sees in Excel. Throws ImportRejected when the file cannot be read.
 */
export async function readSheet(file: ImportFile): Promise<{ format: ImportFormat; rows: SheetRow[] }> {
  const format = detectFormat(file);
  const rows = format === 'xlsx' ? await readXlsx(file.bytes) : readCsv(file.bytes);
  return { format, rows };
}

function readCsv(bytes: Uint8Array): SheetRow[] {
  const text = decodeText(bytes);
  const rows: SheetRow[] = [];
  let row = 0;
  for (const record of csvRecords(text, sniffDelimiter(text))) {
    row++;
    if (!isBlankRow(record)) rows.push({ row, cells: record });
  }
  return rows;
}

type SheetReader = AsyncIterable<ExcelJS.Row> & { name?: string };

/**
 * The streaming reader keeps one row of the workbook model at a time instead of the whole workbook,
 * which for a 10,000-row sheet is the difference between tens and hundreds of megabytes.
 */
async function readXlsx(bytes: Uint8Array): Promise<SheetRow[]> {
  const input = Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]);
  const reader = new WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const rows: SheetRow[] = [];
  let taken = false;
  try {
    for await (const sheet of reader as AsyncIterable<SheetReader>) {
      // zip order is not tab order: the first tab is the first sheet of workbook.xml
      const firstName = (reader as unknown as { model?: { sheets?: { name?: string }[] } }).model?.sheets?.[0]
        ?.name;
      const wanted = !taken && (firstName === undefined || sheet.name === firstName);
      for await (const row of sheet) {
        if (!wanted) continue;
        const cells = rowCells(row);
        if (!isBlankRow(cells)) rows.push({ row: row.number, cells });
      }
      if (wanted) taken = true;
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new ImportRejected('import.unreadable');
  }
  if (!taken) throw new ImportRejected('import.unreadable');
  return rows;
}

function rowCells(row: ExcelJS.Row): Cell[] {
  const values = row.values;
  if (!Array.isArray(values)) return [];
  const cells: Cell[] = [];
  // exceljs puts column A at index 1 and leaves holes for empty cells
  for (let i = 1; i < values.length; i++) cells.push(cellOf(values[i]));
  return cells;
}

/** Flattens an exceljs cell value (rich text, formula, hyperlink...) to a plain cell. */
export function cellOf(value: unknown): Cell {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.richText))
    return v.richText.map((r) => (typeof r?.text === 'string' ? r.text : '')).join('');
  if ('result' in v) return cellOf(v.result);
  if ('text' in v) return cellOf(v.text);
  // error values (#N/A, #REF!) and formulas without a cached result: treated as blank
  return undefined;
}
