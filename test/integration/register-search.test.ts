import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../shared/registration/id-number.js';
import { putContact } from '../../shared/store/contacts.js';
import { getSchedule } from '../../shared/store/phone.js';
import { apiClient, countyAdmin, townshipOperator } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

/**
 * The whole register on the server (issue 13, part 2): search by name, ID number (whole or its last
 * digits), phone number and village; filters, totals, sort and pages; the city administrator across
 * counties; status and category changes; the export on the audit trail.
 */

let clock = new Date('2025-06-01T02:00:00Z');
const now = () => clock;
let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
const PJ = '440703';
const XH = '440705';
const ids: string[] = [];
let target: { id: string; idNumber: string; phone: string };
let visited: string;
let overdueElder: string;

const get = async (url: string, as = api) => {
  const reply = await as('GET', url);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body as {
    total: number;
    byCounty: Record<string, number>;
    items: { id: string; name: string; idNumber?: string; phone: string; birthDate: string; age: number }[];
  };
};

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now });
  await putContact(db, {
    id: 'contact-s',
    name: '搜索联系人',
    phone: '+8613800137999',
    role: 'committeeStaff',
    county: PJ,
    township: '潮连街道',
  });
  // registered on 1 June: June's visit is owed by 30 June
  for (let i = 0; i < 70; i++) {
    const birthDate = `19${40 + (i % 20)}-0${1 + (i % 9)}-1${i % 10}`;
    const body = aRegistration({
      name: `搜索老人${String(i).padStart(2, '0')}`,
      birthDate,
      gender: i % 2 ? 'male' : 'female',
      idNumber: makeIdNumber(PJ, birthDate, (i % 2 ? 1 : 2) + 10 * (i % 90)),
      phone: `1380013${String(3000 + i)}`,
      living: i % 3 === 0 ? 'alone' : 'withFamily',
      region: { county: PJ, township: i % 2 ? '潮连街道' : '荷塘镇', village: i % 5 ? '芝山村' : '卢边村' },
      ...(i % 4 === 0 ? { contactId: 'contact-s' } : {}),
    });
    const reply = await api('POST', '/api/elders', body);
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    ids.push(reply.body.id);
  }
  const other = await api(
    'POST',
    '/api/elders',
    aRegistration({
      name: '新会老人',
      phone: '13800134999',
      region: { county: XH, township: '会城街道', village: '仁寿村' },
      idNumber: makeIdNumber(XH, '1944-04-04', 22),
      birthDate: '1944-04-04',
      gender: 'female',
    }),
  );
  expect(other.status).toBe(201);
  // the last by name, so never on the first page
  const last = await api('GET', `/api/elders/${ids[69]}`);
  target = { id: last.body.id, idNumber: last.body.idNumber, phone: last.body.phone };
  visited = ids[0] as string;
  overdueElder = ids[1] as string;
  clock = new Date('2025-06-20T02:00:00Z');
  const visit = await api('POST', '/api/visits', {
    elderId: visited,
    visitedAt: '2025-06-10T10:00:00+08:00',
    mode: 'home',
    visitors: ['搜索联系人'],
  });
  expect(visit.status, JSON.stringify(visit.body)).toBe(201);
  clock = new Date('2025-07-15T02:00:00Z');
});

describe('GET /api/elders/search', () => {
  it('finds an elder not on the first page by the whole ID number, and shows the total', async () => {
    const first = await get(`/api/elders/search?county=${PJ}&pageSize=20`);
    expect(first.total).toBe(70);
    expect(first.items).toHaveLength(20);
    expect(first.items.map((i) => i.id)).not.toContain(target.id);
    const found = await get(`/api/elders/search?q=${target.idNumber}`);
    expect(found.total).toBe(1);
    expect(found.items[0]?.id).toBe(target.id);
    // masked: first four and last four
    expect(found.items[0]?.idNumber).toBe(
      `${target.idNumber.slice(0, 4)}**********${target.idNumber.slice(-4)}`,
    );
    expect(found.items[0]?.phone).toBe(`138****${target.phone.slice(-4)}`);
  });

  it('finds by the last digits of the ID number, by phone whole or its end, by name and by village', async () => {
    expect((await get(`/api/elders/search?q=${target.idNumber.slice(-6)}`)).items.map((i) => i.id)).toContain(
      target.id,
    );
    const spaced = target.phone.replace('+86', '').replace(/^(\d{3})(\d{4})(\d{4})$/, '$1 $2 $3');
    expect((await get(`/api/elders/search?q=${encodeURIComponent(spaced)}`)).items[0]?.id).toBe(target.id);
    expect((await get(`/api/elders/search?q=${target.phone.slice(-4)}`)).items.map((i) => i.id)).toContain(
      target.id,
    );
    expect((await get(`/api/elders/search?q=${encodeURIComponent('搜索老人69')}`)).total).toBe(1);
    expect((await get(`/api/elders/search?q=${encodeURIComponent('卢边')}`)).total).toBe(14);
  });

  it('filters by township, village, category, pairing and consent, with totals', async () => {
    expect((await get(`/api/elders/search?township=${encodeURIComponent('荷塘镇')}`)).total).toBe(35);
    expect((await get(`/api/elders/search?village=${encodeURIComponent('卢边村')}`)).total).toBe(14);
    expect((await get('/api/elders/search?paired=true')).total).toBe(18);
    expect((await get('/api/elders/search?paired=false&county=440703')).total).toBe(52);
    expect((await get('/api/elders/search?consent=refused')).total).toBe(0);
    const byCategory = await Promise.all(['A', 'B', 'C'].map((c) => get(`/api/elders/search?category=${c}`)));
    expect(byCategory.reduce((n, r) => n + r.total, 0)).toBe(71);
  });

  it('sorts and pages', async () => {
    const oldest = await get(`/api/elders/search?county=${PJ}&sort=birthDate&pageSize=5`);
    const youngest = await get(`/api/elders/search?county=${PJ}&sort=birthDate&order=desc&pageSize=5`);
    expect((oldest.items[0]?.birthDate ?? '') <= (oldest.items[4]?.birthDate ?? '')).toBe(true);
    expect((youngest.items[0]?.birthDate ?? '') >= (oldest.items[0]?.birthDate ?? '')).toBe(true);
    const pages = await Promise.all(
      [1, 2, 3, 4].map((p) => get(`/api/elders/search?county=${PJ}&page=${p}&pageSize=20`)),
    );
    const all = pages.flatMap((p) => p.items.map((i) => i.id));
    expect(new Set(all).size).toBe(70);
  });

  it('covers every county for the city administrator, counties side by side', async () => {
    const city = await get('/api/elders/search');
    expect(city.total).toBe(71);
    expect(city.byCounty).toMatchObject({ [PJ]: 70, [XH]: 1, '440781': 0 });
  });

  it('shows a county administrator and a township operator only what they see', async () => {
    const admin = api.as(countyAdmin(XH, 'xh-admin'));
    expect((await get(`/api/elders/search?q=${target.idNumber}`, admin)).total).toBe(0);
    expect((await get('/api/elders/search', admin)).total).toBe(1);
    expect((await admin('GET', `/api/elders/search?county=${PJ}`)).status).toBe(403);
    const op = api.as(townshipOperator(PJ, '潮连街道', 'cl-op'));
    expect((await get('/api/elders/search', op)).total).toBe(35);
    expect((await op('GET', `/api/elders/search?township=${encodeURIComponent('荷塘镇')}`)).status).toBe(403);
  });

  it('finds the elders overdue for a visit', async () => {
    const overdue = await get(`/api/elders/search?county=${PJ}&overdue=true&pageSize=200`);
    const found = overdue.items.map((i) => i.id);
    expect(found).toContain(overdueElder);
    expect(found).not.toContain(visited);
    const notOverdue = await get(`/api/elders/search?county=${PJ}&overdue=false&pageSize=200`);
    expect(notOverdue.items.map((i) => i.id)).toContain(visited);
    expect(overdue.total + notOverdue.total).toBe(70);
  });

  it('answers a bad query with a bilingual 400 naming the parameter', async () => {
    for (const [url, path] of [
      ['/api/elders/search?sort=age', 'query.sort'],
      ['/api/elders/search?county=999999', 'query.county'],
      ['/api/elders/search?page=0', 'query.page'],
      ['/api/elders/search?colour=red', 'query'],
    ] as const) {
      const reply = await api('GET', url);
      expect(reply.status, url).toBe(400);
      expect(reply.body.errors[0].path).toBe(path);
      expect(reply.body.errors[0].message).toMatch(/[\u4e00-\u9fff].* \/ [A-Za-z]/);
    }
  });
});

describe('status and category', () => {
  it('marks an elder in hospital: check-ins stop, the elder leaves the active list, and comes back', async () => {
    const id = ids[10] as string;
    const reply = await api('POST', `/api/elders/${id}/status`, { status: 'hospital', note: '住院治疗' });
    expect(reply).toMatchObject({ status: 200, body: { status: 'hospital' } });
    expect(await getSchedule(db, id)).toMatchObject({ suspended: true });
    expect((await get('/api/elders/search?status=hospital')).items.map((i) => i.id)).toEqual([id]);
    expect((await get(`/api/elders/search?county=${PJ}`)).total).toBe(69);
    const audit = await api('GET', `/api/elders/${id}/audit`);
    expect(audit.body.audit.at(-1)).toMatchObject({
      oldStatus: 'active',
      newStatus: 'hospital',
      reason: '住院治疗',
    });
    const back = await api('POST', `/api/elders/${id}/status`, { status: 'active' });
    expect(back.body.status).toBe('active');
    expect(await getSchedule(db, id)).toMatchObject({ suspended: false });
  });

  it('raises a category with a reason, and refuses lowering it or no reason in Chinese first', async () => {
    const id = ids[11] as string;
    const raised = await api('POST', `/api/elders/${id}/category`, { category: 'A', reason: '近期跌倒' });
    expect(raised).toMatchObject({
      status: 200,
      body: { category: 'A', categoryOverride: { reason: '近期跌倒' } },
    });
    const noReason = await api('POST', `/api/elders/${id}/category`, { category: 'A', reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].message).toMatch(/^调整类别须说明理由 \//);
    const other = api.as(countyAdmin(XH, 'xh-admin'));
    expect((await other('POST', `/api/elders/${id}/status`, { status: 'died' })).status).toBe(404);
    expect(
      (await api.as(townshipOperator(PJ, '潮连街道'))('POST', `/api/elders/${id}/status`, { status: 'died' }))
        .status,
    ).toBe(403);
  });
});

describe('GET /api/reports/register', () => {
  const read = async (base64: string) => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows;
  };

  it('exports the filtered register with whole numbers for an administrator, on the audit trail', async () => {
    const admin = api.as(countyAdmin(PJ, 'pj-export'));
    const reply = await admin('GET', `/api/reports/register?village=${encodeURIComponent('卢边村')}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/spreadsheetml/);
    const rows = await read(reply.body as string);
    expect(rows[1]).toContain('身份证号');
    expect(rows.length).toBe(2 + 14);
    const ids = rows.slice(2).map((r) => r[5]);
    expect(ids.every((v) => typeof v === 'string' && /^\d{17}[\dX]$/.test(v))).toBe(true);
    const trail = await admin('GET', '/api/exports');
    expect(trail.body.items[0]).toMatchObject({
      actor: 'countyAdmin:pj-export',
      county: PJ,
      rows: 14,
      unmasked: true,
      query: { village: '卢边村', status: 'active' },
    });
  });

  it('masks ID numbers and phones for a township operator', async () => {
    const op = api.as(townshipOperator(PJ, '潮连街道', 'cl-export'));
    const reply = await op('GET', '/api/reports/register');
    const rows = await read(reply.body as string);
    expect(rows.length).toBe(2 + 35);
    expect(
      rows.slice(2).every((r) => /^4407\*{10}/.test(String(r[5])) && /^138\*{4}\d{4}$/.test(String(r[6]))),
    ).toBe(true);
    expect((await op('GET', '/api/exports')).status).toBe(403);
    // the city administrator sees the county's exports
    expect((await api('GET', '/api/exports')).body.items.map((e: { actor: string }) => e.actor)).toEqual(
      expect.arrayContaining(['countyAdmin:pj-export', 'townshipOperator:cl-export']),
    );
  });
});
