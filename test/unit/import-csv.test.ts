import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecords, parseCsv, sniffDelimiter, toCsv } from '../../shared/import/csv.js';
import { decodeText, detectFormat, ImportRejected } from '../../shared/import/read.js';

describe('parseCsv', () => {
  it('reads quoted fields holding commas, quotes and line breaks', () => {
    expect(
      parseCsv('姓名,住址\r\n测试老人1,"测试路1号,3楼"\r\n测试老人2,"第一行\n第二行"\r\n"说""好""",x'),
    ).toEqual([
      ['姓名', '住址'],
      ['测试老人1', '测试路1号,3楼'],
      ['测试老人2', '第一行\n第二行'],
      ['说"好"', 'x'],
    ]);
  });

  it('keeps empty lines as empty records, so record numbers are Excel row numbers', () => {
    expect(parseCsv('a\n\nb\n')).toEqual([['a'], [''], ['b']]);
  });

  it('accepts LF, CRLF and lone CR line ends, and a last line without one', () => {
    expect(parseCsv('a,b\rc,d\r\ne,f\ng,h')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
  });

  it('does not throw on malformed quoting: it keeps the text', () => {
    expect(parseCsv('ab"c,"d"e,"unterminated')).toEqual([['ab"c', 'de', 'unterminated']]);
  });

  it('round-trips arbitrary cells with commas, quotes and line breaks (property)', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', '测', ',', '"', '\n', '\r', ' ', '1', 'X') });
    const records = fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 8 });
    fc.assert(
      fc.property(records, (rs) => {
        expect(parseCsv(toCsv(rs))).toEqual(rs);
      }),
    );
  });

  it('round-trips any unicode text with tab delimiters too (property)', () => {
    const records = fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 4 }), {
      maxLength: 5,
    });
    fc.assert(
      fc.property(records, (rs) => {
        expect([...csvRecords(toCsv(rs, '\t'), '\t')]).toEqual(rs);
      }),
    );
  });
});

describe('sniffDelimiter', () => {
  it('takes commas unless the first line has none and has tabs or semicolons', () => {
    expect(sniffDelimiter('姓名,性别\n')).toBe(',');
    expect(sniffDelimiter('姓名\t性别\n')).toBe('\t');
    expect(sniffDelimiter('姓名;性别')).toBe(';');
  });
});

describe('decodeText', () => {
  const gbk你好 = Uint8Array.from([0xc4, 0xe3, 0xba, 0xc3]);

  it('reads UTF-8 with and without BOM', () => {
    const utf8 = new TextEncoder().encode('姓名,性别');
    expect(decodeText(utf8)).toBe('姓名,性别');
    expect(decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8]))).toBe('姓名,性别');
  });

  it('falls back to GB18030 (what Chinese Excel writes) when the bytes are not UTF-8', () => {
    expect(decodeText(gbk你好)).toBe('你好');
  });

  it('reads UTF-16 with a BOM (Excel "Unicode text")', () => {
    expect(decodeText(Uint8Array.from([0xff, 0xfe, 0x60, 0x4f, 0x7d, 0x59]))).toBe('你好');
  });
});

describe('detectFormat', () => {
  const zip = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0]);
  const text = new TextEncoder().encode('姓名\n');

  it('recognises XLSX by its zip signature, whatever the name says', () => {
    expect(detectFormat({ bytes: zip, filename: 'data.csv' })).toBe('xlsx');
  });

  it('takes CSV from the file name or the content type', () => {
    expect(detectFormat({ bytes: text, filename: '蓬江区.CSV' })).toBe('csv');
    expect(detectFormat({ bytes: text, contentType: 'text/csv; charset=utf-8' })).toBe('csv');
    expect(detectFormat({ bytes: text, contentType: 'application/vnd.ms-excel' })).toBe('csv');
  });

  it('refuses other files with a bilingual message', () => {
    expect(() => detectFormat({ bytes: text })).toThrow(ImportRejected);
    expect(() => detectFormat({ bytes: text, filename: 'a.pdf' })).toThrow(
      /仅支持 CSV 或 XLSX.*Only CSV or XLSX/,
    );
    expect(() =>
      detectFormat({ bytes: Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0]), filename: 'a.xls' }),
    ).toThrow(/\.xls/);
    expect(() => detectFormat({ bytes: text, filename: 'a.xlsx' })).toThrow(/无法读取文件/);
  });
});
