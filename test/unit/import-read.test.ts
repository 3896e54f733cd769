import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findHeaderRow } from '../../shared/import/headers.js';
import { cellOf, ImportRejected, readSheet } from '../../shared/import/read.js';
import { P5, P8 } from '../fixtures/import/people.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url));

describe('readSheet', () => {
  it('reads the first worksheet of an XLSX with Excel row numbers, date cells as dates', async () => {
    const { format, rows } = await readSheet({ bytes: fixture('register.xlsx') });
    expect(format).toBe('xlsx');
    expect(rows.map((r) => r.row)).toEqual([1, 3, 4, 5, 6, 7, 8, 9]);
    expect(findHeaderRow(rows)).toBe(1);
    expect(rows[2]?.cells.slice(0, 4)).toEqual([
      P5.name,
      P5.gender,
      new Date(`${P5.birthDate}T00:00:00Z`),
      P5.idNumber,
    ]);
  });

  it('counts the lines of a quoted multi-line cell as one row, and skips blank rows', async () => {
    const { rows } = await readSheet({ bytes: fixture('register.csv'), filename: 'register.csv' });
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]);
    expect(rows[0]?.cells[0]).toBe('姓名');
  });

  it('reads a GBK-encoded CSV', async () => {
    const { rows } = await readSheet({ bytes: fixture('register-gbk.csv'), contentType: 'text/csv' });
    expect(rows[1]?.cells.slice(0, 2)).toEqual([P8.name, P8.gender]);
    expect(rows[0]?.cells[6]).toBe('县(市、区)');
  });

  it('refuses a damaged XLSX with a bilingual message', async () => {
    const broken = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    await expect(readSheet({ bytes: broken })).rejects.toThrow(ImportRejected);
    await expect(readSheet({ bytes: broken })).rejects.toThrow(/无法读取文件.*could not be read/);
  });
});

describe('cellOf', () => {
  it('flattens rich text, formulas and hyperlinks, and treats error values as blank', () => {
    expect(cellOf({ richText: [{ text: '测试' }, { text: '老人' }] })).toBe('测试老人');
    expect(cellOf({ formula: 'A1', result: 42 })).toBe(42);
    expect(cellOf({ text: '链接', hyperlink: 'http://example.com' })).toBe('链接');
    expect(cellOf({ error: '#N/A' })).toBeUndefined();
    expect(cellOf(null)).toBeUndefined();
  });
});
