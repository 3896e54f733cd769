import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { toCsv } from '../../shared/import/csv.js';
import { importRegister } from '../../shared/import/import.js';
import type { ImportProgress } from '../../shared/import/types.js';
import type { Elder } from '../../shared/register/elder.js';
import { makeIdNumber } from '../../shared/registration/id-number.js';
import type { Db } from '../../shared/store/client.js';
import { findElderIdByPerson, getElder, listAudit, listRefusals } from '../../shared/store/elders.js';
import { getImportJob, ImportAlreadyStarted } from '../../shared/store/imports.js';
import {
  type FixturePerson,
  IMPORT_DAY,
  P1,
  P2,
  P3,
  P4,
  P5,
  P6,
  P7,
  P8,
  P9,
} from '../fixtures/import/people.js';
import { policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

const fixture = (name: string) => ({
  bytes: readFileSync(new URL(`../fixtures/import/${name}`, import.meta.url)),
  filename: name,
});
const actor = { actor: 'county-officer', now: IMPORT_DAY };

let db: Db;
const deps = () => ({ db, policy });
const run = (name: string, mode: 'register' | 'merge' = 'register') =>
  importRegister(deps(), fixture(name), { mode, importId: randomUUID(), actor });

async function elderOf(p: FixturePerson, village = '测试村'): Promise<Elder | undefined> {
  const region = { county: p.county, township: '测试镇', village };
  const id = await findElderIdByPerson(db, { ...p, region });
  return id ? getElder(db, id) : undefined;
}

/** The row numbers and columns of a report's errors, and whether each message matches. */
const errorRows = (errors: { row: number; errors: { column?: string; message: string }[] }[]) =>
  errors.map((e) => [e.row, e.errors.map((f) => f.column ?? '')]);

beforeAll(async () => {
  db = await freshDb();
});

describe('importRegister, register mode', () => {
  it('imports the good rows of a CSV and reports the bad ones by their Excel row', async () => {
    const report = await run('register.csv');
    expect(report).toMatchObject({
      mode: 'register',
      format: 'csv',
      total: 10,
      created: 4,
      updated: 0,
      failed: 6,
    });
    expect(report.warnings).toEqual(['未识别的列，已忽略：备注 / Unrecognised column, ignored: 备注']);
    expect(errorRows(report.errors)).toEqual([
      [4, ['性别']],
      [7, ['出生日期']],
      [8, ['联系电话']],
      [10, ['']],
      [11, ['县(市、区)']],
      [12, ['身份证号']],
    ]);
    const messages = report.errors.map((e) => e.errors[0]?.message);
    expect(messages[0]).toMatch(/无法识别的取值：性别.* \/ Unrecognised value: 性别/);
    expect(messages[1]).toBe(
      '未满 60 周岁，不属于特殊困难老年人 / Under 60 years of age: not eligible for the register',
    );
    expect(messages[2]).toMatch(/电话号码无效/);
    expect(messages[3]).toBe(
      '与文件中前面的一行是同一位老年人（第 2 行） / The same elder as an earlier row of the file (row 2)',
    );
    expect(messages[5]).toMatch(/身份证号校验位不正确/);

    const p1 = await elderOf(P1);
    expect(p1).toMatchObject({
      name: P1.name,
      address: '江门市蓬江区测试路1号,3楼',
      living: 'alone',
      category: 'A',
    });
    expect(p1?.emergencyContacts).toEqual([
      { name: '测试家属1', relation: 'child', phone: '+8613800132001' },
    ]);
    expect(await elderOf(P2)).toMatchObject({ address: '江门市台山市测试路2号\n2栋', category: 'C' });
    expect(await elderOf(P3)).toMatchObject({
      birthDate: '1948-12-01',
      partnerImpaired: true,
      category: 'B',
    });
    // no ID number: found again by name, birth date and village
    expect(await elderOf(P4)).toMatchObject({ birthDate: '1955-06-30', language: 'cmn', channel: 'sms' });
    expect((await listAudit(db, p1?.id ?? '')).map((a) => a.action)).toEqual(['import']);
  });

  it('imports an XLSX with a title row, date cells and English headers', async () => {
    const report = await run('register.xlsx');
    expect(report).toMatchObject({ format: 'xlsx', total: 6, created: 3, failed: 3, warnings: [] });
    expect(errorRows(report.errors)).toEqual([
      [6, ['身份证号']],
      [7, ['living']],
      [9, ['拒绝日期']],
    ]);
    expect(report.errors[0]?.errors[0]?.message).toMatch(/身份证号被存成了数字/);
    expect(report.errors[2]?.errors[0]?.message).toMatch(/拒绝服务时须填写书面记录/);
    expect(await elderOf(P5)).toMatchObject({ birthDate: P5.birthDate, living: 'withFamily', category: 'C' });
    expect(await elderOf(P6)).toMatchObject({ birthDate: P6.birthDate, living: 'alone', ability: 'intact' });
    const p7 = await elderOf(P7);
    expect(p7).toMatchObject({ consent: 'refused', refusal: { date: '2025-03-01', recordedBy: '测试社工' } });
    expect(await listRefusals(db, p7?.id ?? '')).toHaveLength(1);
  });

  it('creates nothing when the same file is imported again', async () => {
    const before = await elderOf(P1);
    const report = await run('register.csv');
    expect(report).toMatchObject({ total: 10, created: 0, updated: 0, unchanged: 4, failed: 6 });
    const after = await elderOf(P1);
    expect(after?.id).toBe(before?.id);
    expect(after?.version).toBe(before?.version);
    expect(await listAudit(db, after?.id ?? '')).toHaveLength(1);
  });

  it('updates a changed row, with an audit entry naming the changed field', async () => {
    const before = await elderOf(P2);
    const report = await run('register-changed.csv');
    expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 3, failed: 6 });
    const after = await elderOf(P2);
    expect(after).toMatchObject({ id: before?.id, living: 'alone', version: (before?.version ?? 0) + 1 });
    // every import here runs at the same instant, so find the update by its content, not its place
    const audit = await listAudit(db, after?.id ?? '');
    expect(audit.filter((a) => a.oldCategory !== undefined)).toEqual([
      expect.objectContaining({ action: 'import', actor: 'county-officer', fields: ['living'] }),
    ]);
  });

  it('reads a GBK-encoded CSV', async () => {
    const report = await run('register-gbk.csv');
    expect(report).toMatchObject({ created: 2, failed: 0 });
    expect(await elderOf(P8)).toMatchObject({ name: '测试老人8', address: '江门市测试路11号' });
    expect(await elderOf(P9)).toMatchObject({ name: '测试老人9', living: 'alone', category: 'A' });
  });
});

describe('importRegister, merge mode', () => {
  it('merges the bureaus’ columns by ID number, raising the category, and reports unknown ID numbers', async () => {
    const p5 = await elderOf(P5);
    const p1 = await elderOf(P1);
    const report = await run('merge.csv', 'merge');
    expect(report).toMatchObject({
      mode: 'merge',
      total: 5,
      created: 0,
      updated: 2,
      unchanged: 1,
      failed: 2,
    });
    expect(report.errors).toEqual([
      {
        row: 4,
        errors: [{ path: 'idNumber', column: '身份证号', message: expect.stringMatching(/未找到已登记/) }],
      },
      {
        row: 5,
        errors: [{ path: 'idNumber', column: '身份证号', message: expect.stringMatching(/须有身份证号/) }],
      },
    ]);
    expect(await elderOf(P5)).toMatchObject({
      ability: 'moderate',
      category: 'A',
      rules: ['A1'],
      name: p5?.name,
    });
    expect(await elderOf(P6)).toMatchObject({ disabilityGrade: 1, category: 'B', rules: ['B1'] });
    expect((await listAudit(db, p5?.id ?? '')).filter((a) => a.action === 'merge')).toEqual([
      expect.objectContaining({ fields: ['ability'], oldCategory: 'C', newCategory: 'A' }),
    ]);
    expect((await elderOf(P1))?.version).toBe(p1?.version);
  });
});

describe('import job', () => {
  /** A sheet of `count` valid synthetic rows in Jianghai; ID numbers carry `idRegion`. */
  function bigCsv(count: number, idRegion = '440704'): Uint8Array {
    const header = [
      '姓名',
      '性别',
      '出生日期',
      '身份证号',
      '联系电话',
      '住址',
      '县（市、区）',
      '镇（街道）',
      '村（居）',
      '居住情况',
    ];
    const rows = Array.from({ length: count }, (_, i) => {
      const birthDate = new Date(Date.UTC(1930, 0, 1 + i)).toISOString().slice(0, 10);
      const phone = `1380013${String(5000 + i).padStart(4, '0')}`;
      const id = makeIdNumber(idRegion, birthDate, (i * 2) % 1000);
      return [
        `测试老人${100 + i}`,
        '女',
        birthDate,
        id,
        phone,
        `江门市测试路${i}号`,
        '江海区',
        '测试镇',
        '测试村',
        '独居',
      ];
    });
    return new TextEncoder().encode(toCsv([header, ...rows]));
  }

  it('reports progress at least every 100 rows and ends done with its counts', async () => {
    const importId = randomUUID();
    const progress: ImportProgress[] = [];
    let midway: Promise<unknown> | undefined;
    const report = await importRegister(
      deps(),
      { bytes: bigCsv(1050), contentType: 'text/csv' },
      {
        mode: 'register',
        importId,
        actor,
        onProgress: (p) => {
          progress.push(p);
          if (p.processed === 1000) midway = getImportJob(db, importId);
        },
      },
    );
    // what an API polling the job saw while the import ran: written every 500 rows
    expect(await midway).toMatchObject({
      status: 'running',
      total: 1050,
      processed: expect.toBeOneOf([500, 1000]),
    });
    expect(report).toMatchObject({ total: 1050, created: 1050, failed: 0 });
    expect(progress[0]).toEqual({ processed: 0, total: 1050 });
    expect(progress.at(-1)).toEqual({ processed: 1050, total: 1050 });
    const gaps = progress.slice(1).map((p, i) => p.processed - (progress[i]?.processed ?? 0));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(100);
    expect(await getImportJob(db, importId)).toMatchObject({
      importId,
      status: 'done',
      mode: 'register',
      format: 'csv',
      actor: 'county-officer',
      total: 1050,
      processed: 1050,
      created: 1050,
      failed: 0,
      errors: [],
      errorsTruncated: false,
    });
  });

  it('keeps the first error rows in the job item', async () => {
    const importId = randomUUID();
    await importRegister(deps(), fixture('register.csv'), { mode: 'register', importId, actor });
    const job = await getImportJob(db, importId);
    expect(job).toMatchObject({ status: 'done', total: 10, created: 0, failed: 6 });
    expect(job?.errors.map((e) => e.row)).toEqual([4, 7, 8, 10, 11, 12]);
  });

  it('marks the job failed when the file cannot be imported, and says why', async () => {
    const importId = randomUUID();
    const bytes = new TextEncoder().encode('姓名,性别\n测试老人1,男\n');
    await expect(
      importRegister(deps(), { bytes, filename: 'a.csv' }, { mode: 'register', importId, actor }),
    ).rejects.toThrow(/缺少必需的表头：出生日期、联系电话/);
    expect(await getImportJob(db, importId)).toMatchObject({
      status: 'failed',
      failure: expect.stringMatching(/缺少必需的表头.*A required column header is missing/),
    });
  });

  it('stops on a storage failure (not a bad row), and the job shows failed with the counts so far', async () => {
    const importId = randomUUID();
    let writes = 0;
    // DynamoDB fails from the fifth transaction on: a fault no row can be blamed for
    const failing = {
      ...db,
      doc: new Proxy(db.doc, {
        get: (target, key, receiver) =>
          key === 'send'
            ? (command: { constructor: { name: string } }) =>
                command.constructor.name === 'TransactWriteCommand' && ++writes > 4
                  ? Promise.reject(new Error('InternalServerError'))
                  : target.send(command as never)
            : Reflect.get(target, key, receiver),
      }),
    };
    await expect(
      importRegister(
        { db: failing, policy },
        { bytes: bigCsv(40, '440705'), contentType: 'text/csv' },
        { mode: 'register', importId, actor, concurrency: 1 },
      ),
    ).rejects.toThrow('InternalServerError');
    expect(await getImportJob(db, importId)).toMatchObject({
      status: 'failed',
      total: 40,
      created: 4,
      failure: '服务器内部错误，请稍后重试 / Internal server error, please try again later',
    });
  });

  it('keeps no cell of a sheet without headers in the job item', async () => {
    const importId = randomUUID();
    const bytes = new TextEncoder().encode(`${P1.name},女,${P1.idNumber},13800131001\n`);
    await expect(
      importRegister(deps(), { bytes, filename: 'a.csv' }, { mode: 'register', importId, actor }),
    ).rejects.toThrow(/缺少必需的表头/);
    const job = await getImportJob(db, importId);
    expect(job).toMatchObject({ status: 'failed', warnings: [] });
    expect(JSON.stringify(job)).not.toMatch(new RegExp(`${P1.name}|${P1.idNumber}|13800131001`));
  });

  it('refuses an import id that is already in use', async () => {
    const importId = randomUUID();
    await importRegister(deps(), fixture('register-gbk.csv'), { mode: 'register', importId, actor });
    await expect(
      importRegister(deps(), fixture('register-gbk.csv'), { mode: 'register', importId, actor }),
    ).rejects.toThrow(ImportAlreadyStarted);
  });

  it('shows nothing for an unknown import id', async () => {
    expect(await getImportJob(db, randomUUID())).toBeUndefined();
  });
});
