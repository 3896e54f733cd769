import { PutCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { putContact } from '../../shared/store/contacts.js';
import { phoneKeys } from '../../shared/store/keys.js';
import { apiClient } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

// registration on 2025-07-01 09:00 Asia/Shanghai; the visits and the reports on 2025-08-05
let clock = new Date('2025-07-01T01:00:00Z');
const now = () => clock;

let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
const ids: Record<string, string> = {};

const isBilingual = (message: string) => / \/ /.test(message) && /[\u4e00-\u9fff]/.test(message);

async function register(key: string, body: ReturnType<typeof aRegistration>) {
  const reply = await api('POST', '/api/elders', body);
  expect(reply.status).toBe(201);
  ids[key] = reply.body.id;
}

async function postVisit(key: string, mode: string, visitedAt: string) {
  const reply = await api('POST', '/api/visits', {
    elderId: ids[key],
    visitedAt,
    mode,
    visitors: ['测试探访员'],
  });
  expect(reply.status).toBe(201);
}

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now });
  for (const [id, township] of [
    ['contact-1', '潮连街道'],
    ['contact-2', '棠下镇'],
  ] as const) {
    await putContact(db, {
      id,
      name: `联系人${id.slice(-1)}`,
      phone: `+861380013999${id.slice(-1)}`,
      role: 'committeeStaff',
      county: '440703',
      township,
    });
  }
  const chaolian = { county: '440703', township: '潮连街道', village: '芝山村' };
  const tangxia = { county: '440703', township: '棠下镇', village: '南芬村' };
  // A (A2: 81, living alone), A (A1: moderate loss of ability), B (B1: 70, alone, grade 2),
  // C, and a C who refused the service
  await register(
    'a80',
    aRegistration({ age: 81, living: 'alone', region: chaolian, contactId: 'contact-1' }),
  );
  await register(
    'aLoss',
    aRegistration({ age: 70, ability: 'moderate', region: chaolian, contactId: 'contact-1' }),
  );
  await register(
    'b',
    aRegistration({ age: 70, living: 'alone', disabilityGrade: 2, region: tangxia, contactId: 'contact-2' }),
  );
  await register('c', aRegistration({ age: 70, region: tangxia, contactId: 'contact-2' }));
  await register(
    'refused',
    aRegistration({
      age: 72,
      region: tangxia,
      consent: 'refused',
      refusal: { date: '2025-07-01', note: '本人书面拒绝', recordedBy: '测试员' },
    }),
  );

  clock = new Date('2025-08-05T02:00:00Z');
  await postVisit('a80', 'home', '2025-07-03T10:00:00+08:00');
  await postVisit('aLoss', 'phone', '2025-07-04T10:00:00+08:00');
  await postVisit('b', 'automated', '2025-07-06T10:00:00+08:00');
  await postVisit('c', 'video', '2025-07-05T10:00:00+08:00');
  // a case opened 10 July 10:00 Shanghai, acknowledged 20 minutes later
  const openedAt = '2025-07-10T02:00:00.000Z';
  await db.doc.send(
    new PutCommand({
      TableName: db.tableName,
      Item: {
        ...phoneKeys.case('case-1'),
        ...phoneKeys.casesOfCounty('440703', openedAt, 'case-1'),
        type: 'case',
        id: 'case-1',
        elderId: ids.a80,
        county: '440703',
        township: '潮连街道',
        openedAt,
        acknowledgedAt: '2025-07-10T02:20:00.000Z',
        status: 'acknowledged',
      },
    }),
  );
});

describe('GET /api/reports/monthly', () => {
  it('gives the month of a county from the records registered and posted through the API', async () => {
    const reply = await api('GET', '/api/reports/monthly?month=2025-07&county=440703');
    expect(reply.status).toBe(200);
    expect(reply.body.rows.map((r: { township: string }) => r.township)).toEqual(['潮连街道', '棠下镇']);
    expect(reply.body.total).toMatchObject({
      elders: 5,
      byCategory: { A: 2, B: 1, C: 2 },
      byType: { livingAlone: 2, emptyNest: 0, lossOfAbility: 1, severeDisability: 1 },
      contacts: 2,
      visits: { home: 1, phone: 1, video: 1, automated: 1 },
      // a80 (home), b (automated), c (video) met; aLoss (A, phone only) did not
      visitRate: { served: 4, met: 3, rate: 0.75 },
      homeCompliance: {
        A: { served: 2, met: 1, rate: 0.5, missed: 1 },
        B: { served: 1, met: 0, rate: 0, missed: 0 },
        C: { served: 1, met: 0, rate: 0, missed: 0 },
      },
      refused: 1,
      casesOpened: 1,
      casesClosed: 0,
      medianAckMinutes: 20,
      notReached: 0,
    });
    expect(reply.body.capacity.units).toBeGreaterThan(0);
  });

  it('gives the same past month every time, also after later visits', async () => {
    const first = await api('GET', '/api/reports/monthly?month=2025-07&county=440703');
    const second = await api('GET', '/api/reports/monthly?month=2025-07&county=440703');
    expect(JSON.stringify(second.body)).toBe(JSON.stringify(first.body));
    await postVisit('aLoss', 'home', '2025-08-02T10:00:00+08:00');
    clock = new Date('2025-09-10T02:00:00Z');
    const later = await api('GET', '/api/reports/monthly?month=2025-07&county=440703');
    const { capacity: _a, ...before } = first.body;
    const { capacity: _b, ...after } = later.body;
    expect(after).toEqual(before);
    clock = new Date('2025-08-05T02:00:00Z');
  });

  it('gives the city: every county and the total', async () => {
    const reply = await api('GET', '/api/reports/monthly?month=2025-07');
    expect(reply.status).toBe(200);
    expect(reply.body.rows).toHaveLength(7);
    expect(reply.body.total).toMatchObject({ county: null, countyName: '江门市', elders: 5 });
  });

  it('narrows to one township', async () => {
    const township = encodeURIComponent('棠下镇');
    const reply = await api('GET', `/api/reports/monthly?month=2025-07&county=440703&township=${township}`);
    expect(reply.body.total).toMatchObject({ elders: 3, refused: 1, contacts: 1 });
  });

  it('downloads CSV with a BOM and a Chinese file name (RFC 5987)', async () => {
    const reply = await api('GET', '/api/reports/monthly?month=2025-07&county=440703&format=csv');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/csv; charset=utf-8');
    const disposition = String(reply.headers['content-disposition']);
    expect(disposition).toContain('filename="monthly-report-2025-07-440703.csv"');
    expect(disposition).toContain(
      `filename*=UTF-8''${encodeURIComponent('广东省江门市特殊困难老年人探访关爱服务情况统计表-2025-07-蓬江区.csv')}`,
    );
    const bytes = Buffer.from(String(reply.body), 'base64');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').split('\r\n');
    expect(lines[1]?.startsWith('县（市、区）,镇（街道）,特殊困难老年人总数,A类,B类,C类')).toBe(true);
    expect(lines[4]?.startsWith('蓬江区合计,,5,2,1,2,')).toBe(true);
  });

  it('downloads XLSX that exceljs reads back', async () => {
    const reply = await api('GET', '/api/reports/monthly?month=2025-07&format=xlsx');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(String(reply.body), 'base64') as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet?.getCell('A1').value).toBe(
      '广东省江门市特殊困难老年人探访关爱服务情况统计表（2025年7月，江门市）',
    );
    expect(sheet?.getCell('C2').value).toBe('特殊困难老年人总数');
    expect(sheet?.getCell('A10').value).toBe('全市合计');
    expect(sheet?.getCell('C10').value).toBe(5);
  });

  it.each([
    ['month=2025-13', 'query.month'],
    ['month=2025-07&county=999999', 'query.county'],
    ['month=2025-07&township=x', 'query.township'],
    ['month=2025-07&format=pdf', 'query.format'],
    ['county=440703', 'query.month'],
  ])('refuses %s with 400 naming %s, in both languages', async (query, path) => {
    const reply = await api('GET', `/api/reports/monthly?${query}`);
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].path).toBe(path);
    expect(isBilingual(reply.body.errors[0].message)).toBe(true);
  });
});

describe('GET /api/reports/open-obligations', () => {
  it('lists the elders whose obligations are still open, by contact', async () => {
    const reply = await api('GET', '/api/reports/open-obligations?month=2025-07&county=440703');
    expect(reply.status).toBe(200);
    const items = reply.body.groups.flatMap(
      (g: { contactName: string | null; items: { elderId: string; kind: string }[] }) =>
        g.items.map((i) => [g.contactName ?? null, i.elderId, i.kind]),
    );
    expect(items).toEqual([
      ['联系人1', ids.aLoss, 'monthlyHomeVisit'],
      ['联系人2', ids.b, 'halfYearHomeVisit'],
      ['联系人2', ids.c, 'yearHomeVisit'],
    ]);
  });

  it('downloads the list as XLSX', async () => {
    const reply = await api('GET', '/api/reports/open-obligations?month=2025-07&county=440703&format=xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(String(reply.body), 'base64') as unknown as ArrayBuffer);
    expect(book.worksheets[0]?.getCell('A2').value).toBe('探访关爱服务联系人');
    expect(book.worksheets[0]?.getCell('A3').value).toBe('联系人1');
  });
});
