import { describe, expect, it } from 'vitest';
import {
  COLUMNS,
  columnForHeader,
  findHeaderRow,
  matchHeaders,
  missingRequired,
  normaliseHeader,
} from '../../shared/import/headers.js';

describe('normaliseHeader', () => {
  it('makes full-width brackets half-width and drops spaces, stars and colons', () => {
    expect(normaliseHeader(' 县（市、区） ')).toBe('县(市、区)');
    expect(normaliseHeader('*姓\u3000名：')).toBe('姓名');
    expect(normaliseHeader('BirthDate')).toBe('birthdate');
  });
});

describe('columnForHeader', () => {
  it.each([
    ['县（市、区）', 'region.county'],
    ['县(市、区)', 'region.county'],
    [' 镇（街道） ', 'region.township'],
    ['村(居)', 'region.village'],
    ['出生日期（年-月-日）', 'birthDate'],
    ['身份证号码', 'idNumber'],
    ['紧急联系人电话', 'emergencyContacts.0.phone'],
    ['拒绝说明', 'refusal.note'],
    ['失能等级', 'ability'],
  ])('reads the Chinese header %s as %s', (header, path) => {
    expect(columnForHeader(header)?.path).toBe(path);
  });

  it('accepts the English field names, in any case', () => {
    for (const spec of COLUMNS) expect(columnForHeader(spec.path.toUpperCase())?.path).toBe(spec.path);
    expect(columnForHeader('birthdate')?.path).toBe('birthDate');
    expect(columnForHeader('county')?.path).toBe('region.county');
    expect(columnForHeader('emergencyContactPhone')?.path).toBe('emergencyContacts.0.phone');
  });

  it('knows nothing of other headers', () => {
    expect(columnForHeader('备注')).toBeUndefined();
    expect(columnForHeader('')).toBeUndefined();
  });
});

describe('matchHeaders', () => {
  it('reports unknown columns and repeated ones, and keeps the first of a repeated column', () => {
    const match = matchHeaders(['姓名', '备注', undefined, 'name', '性别']);
    expect(match.columns.map((c) => [c.index, c.spec.path, c.header])).toEqual([
      [0, 'name', '姓名'],
      [4, 'gender', '性别'],
    ]);
    expect(match.unknown.map((u) => u.header)).toEqual(['备注']);
    expect(match.repeated).toEqual(['name']);
  });
});

describe('findHeaderRow', () => {
  it('is the first non-empty row, or the row below a title', () => {
    expect(findHeaderRow([{ cells: ['姓名', '性别'] }, { cells: ['测试老人1', '男'] }])).toBe(0);
    expect(findHeaderRow([{ cells: ['江门市登记表'] }, { cells: ['姓名', '性别'] }])).toBe(1);
    expect(findHeaderRow([{ cells: ['x'] }, { cells: ['y'] }])).toBe(0);
  });
});

describe('missingRequired', () => {
  it('lists the required columns a register sheet lacks, by their Chinese headers', () => {
    const { columns } = matchHeaders(['姓名', '性别', '出生日期', '联系电话', '住址', '县（市、区）']);
    expect(missingRequired(columns)).toEqual(['镇（街道）', '村（居）', '居住情况']);
  });
});
