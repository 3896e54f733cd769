import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../shared/registration/id-number.js';
import { findElderIdByPerson, getElder } from '../../shared/store/elders.js';
import { COUNTY_SHEET_PEOPLE, countySheet } from '../fixtures/import/county-sheet.js';
import { IMPORT_DAY } from '../fixtures/import/people.js';
import { apiClient, countyAdmin } from '../support/api.js';
import { policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

/**
 * A county spreadsheet of 300 people filled in the way Jiangmen's staff fill them (issue 13, part 1):
 * title, 填报单位, blank and footer rows, header variants and values as written. Every good row is
 * imported; every bad row is reported by its sheet row and the column header as written, in Chinese
 * first; a dry run first, the rejected rows as XLSX, and the template.
 */

const file = readFileSync(new URL('../fixtures/import/county-sheet.xlsx', import.meta.url));
const sheet = countySheet();
const BAD = sheet.badRows.size;
let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
const XLSX = { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

const upload = (query: string) =>
  api('POST', `/api/imports?filename=${encodeURIComponent('蓬江区花名册.xlsx')}${query}`, file, XLSX);

async function workbook(base64: string) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer);
  return book;
}

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now: () => IMPORT_DAY }).as(countyAdmin('440703', 'pj-import'));
});

// 300 rows through DynamoDB Local on a shared machine: minutes, not seconds
describe('a county sheet as staff fill it in', { timeout: 240_000 }, () => {
  it('dry-runs first: counts what would happen, writes nothing', async () => {
    const reply = await upload('&dryRun=true');
    expect(reply.status, JSON.stringify(reply.body).slice(0, 2000)).toBe(200);
    expect(reply.body).toMatchObject({
      dryRun: true,
      total: COUNTY_SHEET_PEOPLE,
      created: COUNTY_SHEET_PEOPLE - BAD,
      updated: 0,
      unchanged: 0,
      failed: BAD,
    });
    const search = await api('GET', '/api/elders/search?county=440703');
    expect(search.body.total).toBe(0);
  });

  it('hands out the rejected rows as XLSX, as written, with the problem first', async () => {
    const reply = await upload('&output=rejected');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(XLSX['content-type']);
    const ws = (await workbook(reply.body as string)).worksheets[0];
    if (!ws) throw new Error('no sheet');
    const rows: unknown[][] = [];
    ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    expect(rows[0]?.[1]).toBe('序号');
    expect(rows).toHaveLength(1 + BAD);
    for (const [row, column] of sheet.badRows) {
      const line = rows.find((r) => String(r[0]).startsWith(`第 ${row} 行：`));
      expect(String(line?.[0]), `row ${row}`).toContain(`${column}：`);
    }
    expect((await api('GET', '/api/elders/search?county=440703')).body.total).toBe(0);
  });

  it('imports every good row and reports every bad one by sheet row and header, Chinese first', async () => {
    const reply = await upload('');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      dryRun: false,
      total: COUNTY_SHEET_PEOPLE,
      created: COUNTY_SHEET_PEOPLE - BAD,
      failed: BAD,
    });
    const errors = reply.body.errors as {
      row: number;
      errors: { column?: string; message: string; path?: string }[];
    }[];
    expect(errors.map((e) => e.row)).toEqual([...sheet.badRows.keys()]);
    for (const e of errors) {
      const expected = sheet.badRows.get(e.row);
      expect(
        e.errors.map((p) => p.column),
        `row ${e.row}`,
      ).toContain(expected);
      for (const p of e.errors) {
        expect(p.path).toBeUndefined();
        expect(p.message).toMatch(/^[\u4e00-\u9fff]/);
        expect(p.message).toContain(' / ');
        expect(p.message).not.toMatch(
          /idNumber|region\.|emergencyContacts|alone|couple|withFamily|expected|string|期望/,
        );
      }
    }
    expect(reply.body.unknownColumns).toEqual([
      { header: '是否退役军人', carriesFlags: true },
      { header: '备注', carriesFlags: false },
    ]);
    expect(reply.body.warnings.join('\n')).toMatch(/是否退役军人/);
    expect((await api('GET', '/api/elders/search?county=440703')).body.total).toBe(COUNTY_SHEET_PEOPLE - BAD);
  });

  it('reads the values as written', async () => {
    const byName = async (name: string) => {
      const found = await api('GET', `/api/elders/search?q=${encodeURIComponent(name)}`);
      expect(found.body.total, name).toBe(1);
      return getElder(db, found.body.items[0].id);
    };
    // person 3: a 15-digit ID number, stored as its 18-character form
    const p3 = await byName('测试老人1003');
    const iso = p3?.birthDate ?? '';
    expect(p3?.idNumber).toBe(makeIdNumber('440703', iso, 7));
    expect(
      await findElderIdByPerson(db, {
        idNumber: p3?.idNumber,
        name: '',
        birthDate: '',
        region: { county: '', township: '', village: '' },
      }),
    ).toBe(p3?.id);
    // person 5: a landline with an extension; 与子女同住 ... and 空巢 in the types cell
    const p5 = await byName('测试老人1005');
    expect(p5?.phone).toBe('+867503110005');
    // person 11: 空巢 (a couple, empty-nest); person 2: 留守 (left-behind), 半失能, 肢体二级
    const p11 = await byName('测试老人1011');
    expect(p11).toMatchObject({ living: 'couple', emptyNest: true, region: { county: '440703' } });
    const p2 = await byName('测试老人1002');
    expect(p2).toMatchObject({ living: 'other', leftBehind: true, disabilityGrade: 2, ability: 'moderate' });
    // person 4: no emergency contact at all (blank optional cells are absent)
    const p4 = await byName('测试老人1004');
    expect(p4?.emergencyContacts).toEqual([]);
    // person 1 has 独居、低保 in its types cell, written 江门市蓬江区
    const p1 = await byName('测试老人1001');
    expect(p1).toMatchObject({ living: 'alone', lowIncome: true, region: { county: '440703' } });
  });

  it('changes nothing when the same sheet is imported again', async () => {
    const reply = await upload('');
    expect(reply.body).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: COUNTY_SHEET_PEOPLE - BAD,
      failed: BAD,
    });
  });
});

describe('GET /api/reports/import-template', () => {
  it('is an XLSX with the headers, drop-down lists and a 填写说明 sheet', async () => {
    const reply = await api('GET', '/api/reports/import-template');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-disposition']).toMatch(/filename\*=UTF-8''/);
    const book = await workbook(reply.body as string);
    expect(book.worksheets.map((w) => w.name)).toEqual(['登记表', '填写说明']);
    const ws = book.worksheets[0] as ExcelJS.Worksheet;
    const headers = (ws.getRow(2).values as unknown[]).slice(1).map(String);
    expect(headers).toEqual(
      expect.arrayContaining(['姓名*', '性别*', '身份证号', '居住情况*', '探访方式', '老年人类型']),
    );
    const gender = headers.indexOf('性别*') + 1;
    expect(ws.getCell(3, gender).dataValidation).toMatchObject({ type: 'list', formulae: ['"男,女"'] });
    const county = headers.indexOf('县（市、区）*') + 1;
    expect(String(ws.getCell(100, county).dataValidation?.formulae?.[0])).toContain('蓬江区');
    const notes = book.worksheets[1] as ExcelJS.Worksheet;
    expect(notes.getCell('A1').value).toBe('列名');
    expect(notes.rowCount).toBeGreaterThan(20);
  });

  it('is for administrators only', async () => {
    expect((await api.as(null)('GET', '/api/reports/import-template')).status).toBe(401);
  });
});
