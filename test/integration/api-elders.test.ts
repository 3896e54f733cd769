import { Logger } from '@aws-lambda-powertools/logger';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeReclassifyJob } from '../../functions/reclassify/job.js';
import { ConcurrentChange } from '../../shared/errors.js';
import type { Elder } from '../../shared/register/elder.js';
import { putContact } from '../../shared/store/contacts.js';
import { replaceElder } from '../../shared/store/elders.js';
import { apiClient, countyAdmin } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

// "today" for these tests: 2025-07-01 09:00 in Asia/Shanghai
let clock = new Date('2025-07-01T01:00:00Z');
const now = () => clock;

let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now });
  await putContact(db, {
    id: 'contact-1',
    name: '测试联系人',
    phone: '+8613800139999',
    role: 'committeeStaff',
    county: '440703',
    township: '潮连街道',
  });
});

const isBilingual = (message: string) => / \/ /.test(message) && /[\u4e00-\u9fff]/.test(message);

describe('health and routing', () => {
  it('answers /healthz', async () => {
    expect(await api('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers unknown routes with 404 and a bilingual message, never a stack', async () => {
    const reply = await api('GET', '/api/nothing-here');
    expect(reply.status).toBe(404);
    expect(isBilingual(reply.body.errors[0].message)).toBe(true);
    expect(JSON.stringify(reply.body)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('POST /api/classify', () => {
  it('classifies by the plan without storing anything, on the given date', async () => {
    const body = aRegistration({ age: 79, on: '2025-07-01', living: 'alone' });
    const before = await api('POST', '/api/classify?on=2025-07-01', body);
    expect(before.body).toEqual({ eligible: true, age: 79, category: 'C', rules: ['C'] });
    const birthday = body.birthDate; // the 80th birthday is 10 days after 2025-07-01
    const on80 = `${Number(birthday.slice(0, 4)) + 80}${birthday.slice(4)}`;
    expect((await api('POST', `/api/classify?on=${on80}`, body)).body).toEqual({
      eligible: true,
      age: 80,
      category: 'A',
      rules: ['A2'],
    });
    const list = await api('GET', '/api/elders?county=440703');
    expect(list.body.items).toHaveLength(0);
  });

  it('reports every bad field with its path in Chinese and English', async () => {
    const reply = await api('POST', '/api/classify', {
      ...aRegistration(),
      phone: '12345',
      gender: 'x',
      extra: 1,
    });
    expect(reply.status).toBe(400);
    const paths = reply.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['phone', 'gender', '']));
    for (const e of reply.body.errors) expect(isBilingual(e.message)).toBe(true);
  });

  it('refuses a bad date in the query', async () => {
    const reply = await api('POST', '/api/classify?on=2025-02-30', aRegistration());
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].path).toBe('query.on');
  });

  it('says when the body is not JSON', async () => {
    const reply = await api('POST', '/api/classify', '{"name": ');
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].message).toContain('JSON');
  });
});

describe('registering elders', () => {
  it('stores an elder with id, category, rules and a normalised phone', async () => {
    const reply = await api(
      'POST',
      '/api/elders',
      aRegistration({ age: 85, living: 'alone', phone: '138 0013 8000', contactId: 'contact-1' }),
    );
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      category: 'A',
      rules: ['A2'],
      phone: '+8613800138000',
      status: 'active',
      registeredOn: '2025-07-01',
    });
    expect(reply.headers.location).toBe(`/api/elders/${reply.body.id}`);
    const read = await api('GET', `/api/elders/${reply.body.id}`);
    expect(read.body).toEqual(reply.body);
  });

  it('refuses the same ID number again with 409 and the existing id', async () => {
    const body = aRegistration();
    const first = await api('POST', '/api/elders', body);
    const again = await api('POST', '/api/elders', { ...body, phone: '13800138001' });
    expect(again.status).toBe(409);
    expect(again.body.existingElderId).toBe(first.body.id);
  });

  it('refuses the same person without an ID number (same name, birth date and village)', async () => {
    const body = aRegistration({ withId: false });
    expect((await api('POST', '/api/elders', body)).status).toBe(201);
    expect((await api('POST', '/api/elders', body)).status).toBe(409);
  });

  it('refuses someone under 60 with 422', async () => {
    const reply = await api('POST', '/api/elders', aRegistration({ age: 59 }));
    expect(reply.status).toBe(422);
    expect(reply.body.errors[0]).toMatchObject({ path: 'birthDate' });
    expect(isBilingual(reply.body.errors[0].message)).toBe(true);
  });

  it('refuses an unknown paired contact and stores nothing', async () => {
    const body = aRegistration({ contactId: 'no-such-contact' });
    expect((await api('POST', '/api/elders', body)).status).toBe(422);
    // nothing half-written: the same person can still be registered with a real contact
    expect((await api('POST', '/api/elders', { ...body, contactId: 'contact-1' })).status).toBe(201);
  });

  it('keeps the written record of a refusal', async () => {
    const reply = await api('POST', '/api/elders', {
      ...aRegistration(),
      consent: 'refused',
      refusal: { date: '2025-06-20', note: '本人不愿接受探访', recordedBy: '村委工作人员' },
    });
    expect(reply.status).toBe(201);
    const audit = await api('GET', `/api/elders/${reply.body.id}/audit`);
    expect(audit.body.refusals).toEqual([
      expect.objectContaining({ date: '2025-06-20', note: '本人不愿接受探访' }),
    ]);
  });

  it('answers 404 for an elder that does not exist or an id that cannot be one', async () => {
    expect((await api('GET', '/api/elders/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await api('GET', '/api/elders/%27%3B%20drop')).status).toBe(404);
  });
});

describe('changing elders', () => {
  it('recomputes the category when the profile changes, with an audit entry', async () => {
    const created = await api('POST', '/api/elders', aRegistration({ age: 70, living: 'withFamily' }));
    expect(created.body.category).toBe('C');
    const changed = await api.as(countyAdmin('440703', 'admin-440703'))(
      'PATCH',
      `/api/elders/${created.body.id}`,
      {
        living: 'alone',
        disabilityGrade: 2,
      },
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ category: 'B', rules: ['B1'], version: 2 });
    const audit = await api('GET', `/api/elders/${created.body.id}/audit`);
    expect(audit.body.audit.at(-1)).toMatchObject({
      actor: 'countyAdmin:admin-440703',
      action: 'update',
      oldCategory: 'C',
      newCategory: 'B',
      fields: ['living', 'disabilityGrade'],
    });
  });

  it('lets an administrator raise the category with a reason, and refuses lowering it', async () => {
    const created = await api(
      'POST',
      '/api/elders',
      aRegistration({ age: 70, living: 'couple', partnerImpaired: true }),
    );
    expect(created.body.category).toBe('B');
    const raised = await api('PATCH', `/api/elders/${created.body.id}`, {
      categoryOverride: { category: 'A', reason: '县级规定：独居于偏远山区' },
    });
    expect(raised.body).toMatchObject({
      category: 'A',
      computedCategory: 'B',
      categoryOverride: { category: 'A' },
    });
    const lowered = await api('PATCH', `/api/elders/${created.body.id}`, {
      categoryOverride: { category: 'C', reason: '试图调低' },
    });
    expect(lowered.status).toBe(422);
    expect(lowered.body.errors[0].path).toBe('categoryOverride.category');
    const noReason = await api('PATCH', `/api/elders/${created.body.id}`, {
      categoryOverride: { category: 'A' },
    });
    expect(noReason.status).toBe(400);
    // the raise outlives a later profile change
    const later = await api('PATCH', `/api/elders/${created.body.id}`, { address: '江门市蓬江区新地址2号' });
    expect(later.body.category).toBe('A');
  });

  it('validates the merged record as a whole and clears fields set to null', async () => {
    const created = await api(
      'POST',
      '/api/elders',
      aRegistration({ age: 70, living: 'alone', disabilityGrade: 1 }),
    );
    expect((await api('PATCH', `/api/elders/${created.body.id}`, { partnerImpaired: true })).status).toBe(
      400,
    );
    expect((await api('PATCH', `/api/elders/${created.body.id}`, { birthDate: '2000-01-01' })).status).toBe(
      400,
    ); // ID no longer agrees
    const cleared = await api('PATCH', `/api/elders/${created.body.id}`, { disabilityGrade: null });
    // a lowering waits for a person on the review list (issue 14): B is held, C is what the rules give
    expect(cleared.body).toMatchObject({
      category: 'B',
      computedCategory: 'C',
      heldCategory: { category: 'B' },
    });
    expect(cleared.body.disabilityGrade).toBeUndefined();
    expect((await api('PATCH', `/api/elders/${created.body.id}`, {})).status).toBe(400);
    expect((await api('PATCH', `/api/elders/${created.body.id}`, { category: 'A' })).status).toBe(400);
  });

  it('refuses a write based on a stale read', async () => {
    const created = await api('POST', '/api/elders', aRegistration());
    const stale = created.body as Elder;
    await api('PATCH', `/api/elders/${stale.id}`, { address: '江门市蓬江区另一地址3号' });
    const audit = {
      elderId: stale.id,
      at: '2025-07-01T09:00:00.000+08:00',
      actor: 't',
      action: 'update' as const,
      fields: [],
    };
    await expect(
      replaceElder(db, stale, { ...stale, version: stale.version + 1 }, audit, 'e1'),
    ).rejects.toBeInstanceOf(ConcurrentChange);
  });

  it('moves the person key when the ID number changes, and refuses taking another elder’s', async () => {
    const a = await api('POST', '/api/elders', aRegistration());
    const b = await api(
      'POST',
      '/api/elders',
      aRegistration({ gender: a.body.gender, birthDate: a.body.birthDate }),
    );
    expect((await api('PATCH', `/api/elders/${b.body.id}`, { idNumber: a.body.idNumber })).status).toBe(409);
    expect((await api('PATCH', `/api/elders/${a.body.id}`, { idNumber: null })).status).toBe(200);
    expect((await api('PATCH', `/api/elders/${b.body.id}`, { idNumber: a.body.idNumber })).status).toBe(200);
  });
});

describe('listing', () => {
  it('lists a county by category a page at a time, and every county with one cursor', async () => {
    const local = await freshDb();
    const list = apiClient({ db: local, policy, now });
    for (const county of ['440704', '440705']) {
      for (let i = 0; i < 3; i++) {
        const body = aRegistration({
          region: { county, township: '礼乐街道', village: '新和村' },
          age: i === 0 ? 85 : 70,
          living: 'alone',
        });
        expect((await list('POST', '/api/elders', body)).status).toBe(201);
      }
    }
    const aOnly = await list('GET', '/api/elders?county=440704&category=A');
    expect(aOnly.body.items).toHaveLength(1);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list('GET', `/api/elders?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((e: Elder) => e.id));
      cursor = page.body.cursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(6);
    expect((await list('GET', '/api/elders?cursor=not-a-cursor')).status).toBe(400);
    expect((await list('GET', '/api/elders?county=999999')).status).toBe(400);
  });
});

describe('visits and compliance', () => {
  it('counts a home visit for an A elder this month, and shows the next due dates', async () => {
    const created = await api('POST', '/api/elders', aRegistration({ age: 85, living: 'alone' }));
    const id = created.body.id;
    const open = await api('GET', `/api/elders/${id}/compliance?month=2025-07`);
    expect(open.body).toMatchObject({
      category: 'A',
      monthlyMet: false,
      obligations: [{ kind: 'monthlyHomeVisit', status: 'open' }],
      nextDue: { homeVisit: '2025-07-31' },
    });
    const phone = await api('POST', '/api/visits', {
      elderId: id,
      visitedAt: '2025-07-01T08:30:00+08:00',
      mode: 'phone',
      visitors: ['村委工作人员'],
    });
    expect(phone.status).toBe(201);
    expect((await api('GET', `/api/elders/${id}/compliance?month=2025-07`)).body.monthlyMet).toBe(false);
    // 2025-06-30T16:30Z is 00:30 on 1 July in Asia/Shanghai
    await api('POST', '/api/visits', {
      elderId: id,
      visitedAt: '2025-06-30T16:30:00Z',
      mode: 'home',
      visitors: ['社工'],
    });
    const met = await api('GET', `/api/elders/${id}/compliance?month=2025-07`);
    expect(met.body).toMatchObject({
      monthlyMet: true,
      obligations: [{ status: 'met', metOn: '2025-07-01' }],
      nextDue: { homeVisit: '2025-08-31' },
    });
  });

  it('refuses visits in the future, for unknown elders, and malformed ones', async () => {
    const created = await api('POST', '/api/elders', aRegistration());
    const future = await api('POST', '/api/visits', {
      elderId: created.body.id,
      visitedAt: '2025-07-05',
      mode: 'home',
      visitors: ['社工'],
    });
    expect(future.status).toBe(422);
    const unknown = await api('POST', '/api/visits', {
      elderId: 'nobody',
      visitedAt: '2025-06-05',
      mode: 'home',
      visitors: ['社工'],
    });
    expect(unknown.status).toBe(422);
    const noOffset = await api('POST', '/api/visits', {
      elderId: created.body.id,
      visitedAt: '2025-06-05T10:00:00',
      mode: 'home',
      visitors: ['社工'],
    });
    expect(noOffset.status).toBe(400);
    expect((await api('GET', `/api/elders/${created.body.id}/compliance?month=2025-13`)).status).toBe(400);
  });
});

describe('the daily age-line job', () => {
  it('re-classifies an elder on the 80th birthday, once', async () => {
    clock = new Date('2025-07-01T01:00:00Z');
    const created = await api(
      'POST',
      '/api/elders',
      aRegistration({ age: 79, on: '2025-07-01', living: 'alone' }),
    );
    expect(created.body).toMatchObject({ category: 'C' });
    const birthday = created.body.nextAgeLine as string;
    expect(birthday).toBe(
      `${Number(created.body.birthDate.slice(0, 4)) + 80}${created.body.birthDate.slice(4)}`,
    );
    const quiet = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
    // two days late: the job catches up on the days it missed
    clock = new Date(`${birthday}T01:00:00Z`);
    clock = new Date(clock.getTime() + 2 * 86_400_000);
    const job = makeReclassifyJob({ db, policy, now }, quiet);
    expect(await job()).toMatchObject({ changed: 1 });
    expect(await job()).toMatchObject({ checked: 0, changed: 0 });
    const after = await api('GET', `/api/elders/${created.body.id}`);
    expect(after.body).toMatchObject({ category: 'A', rules: ['A2'] });
    expect(after.body.nextAgeLine).toBeUndefined();
    const audit = await api('GET', `/api/elders/${created.body.id}/audit`);
    expect(audit.body.audit.at(-1)).toMatchObject({
      actor: 'system:age-line',
      action: 'reclassify',
      oldCategory: 'C',
      newCategory: 'A',
    });
    clock = new Date('2025-07-01T01:00:00Z');
  });
});

describe('imports through the API', () => {
  it('imports an XLSX upload, reports bad rows, and shows the job', async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync('test/fixtures/import/register.xlsx');
    const id = '0b6f1c1e-7d0a-4f5e-9d57-3f1c2a9e8b10';
    const reply = await api('POST', `/api/imports?id=${id}&filename=register.xlsx`, bytes, {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.created).toBeGreaterThan(0);
    expect(reply.body.failed).toBeGreaterThan(0);
    expect(reply.body.errors[0]).toEqual(expect.objectContaining({ row: expect.any(Number) }));
    const job = await api('GET', `/api/imports/${id}`);
    expect(job.body).toMatchObject({ status: 'done', created: reply.body.created });
    const again = await api('POST', `/api/imports?filename=register.xlsx`, bytes, {
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    });
    expect(again.body.created).toBe(0);
    expect((await api('GET', '/api/imports/6d1f0000-0000-4000-8000-000000000000')).status).toBe(404);
    const notASheet = await api('POST', '/api/imports', Buffer.from([0, 1, 2, 3]), {
      'content-type': 'application/octet-stream',
    });
    expect(notASheet.status).toBe(422);
  });
});

describe('calling windows of one elder', () => {
  it('are set and cleared through PATCH, validated, and on the audit trail', async () => {
    const created = await api('POST', '/api/elders', aRegistration());
    const id = created.body.id;
    const set = await api('PATCH', `/api/elders/${id}`, { callWindows: [{ start: '10:00', end: '11:00' }] });
    expect(set.body.callWindows).toEqual([{ start: '10:00', end: '11:00' }]);
    expect(
      (await api('PATCH', `/api/elders/${id}`, { callWindows: [{ start: '11:00', end: '10:00' }] })).status,
    ).toBe(400);
    expect(
      (await api('PATCH', `/api/elders/${id}`, { callWindows: [{ start: '25:00', end: '26:00' }] })).status,
    ).toBe(400);
    const cleared = await api('PATCH', `/api/elders/${id}`, { callWindows: null });
    expect(cleared.body.callWindows).toBeUndefined();
    const audit = await api('GET', `/api/elders/${id}/audit`);
    expect(audit.body.audit.at(-1).fields).toEqual(['callWindows']);
  });
});
