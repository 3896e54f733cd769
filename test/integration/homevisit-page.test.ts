import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEV_LINK_SECRET, signVisitLink, visitLinkFor } from '../../shared/homevisits/links.js';
import { putContact } from '../../shared/store/contacts.js';
import { listVisits } from '../../shared/store/visits.js';
import { apiClient } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

/**
 * The visit page behind a signed link (GET/POST /v/{token}) and the elder's follow-ups, through the
 * same all-routes handler the local stack serves, against DynamoDB Local.
 */
let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
const now = new Date('2025-07-10T02:00:00Z'); // 10:00 in Asia/Shanghai
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const secret = LOCAL_DEV_LINK_SECRET;

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now: () => now });
  for (const [id, name] of [
    ['contact-1', '陈主任'],
    ['contact-2', '黄社工'],
  ] as const) {
    await putContact(db, {
      id,
      name,
      phone: id === 'contact-1' ? '+8613800139901' : '+8613800139902',
      role: 'committeeStaff',
      county: '440703',
      township: '潮连街道',
    });
  }
});

/** A category A elder paired with contact-1, and the path of a link for that pair. */
async function anElderWithLink(contactId = 'contact-1') {
  const created = await api(
    'POST',
    '/api/elders',
    aRegistration({ age: 85, living: 'alone', name: '林小红', contactId: 'contact-1' }),
  );
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const path = new URL(visitLinkFor(secret, 'https://anxin.example.cn', id, contactId, now)).pathname;
  return { id, path };
}

/** The nonce the page put in its hidden field. */
const nonceOf = (page: string) => /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? '';

const visitsOf = (elderId: string) => listVisits(db, elderId, '2025-01-01', '2025-12-31');

function formBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) params.append(k, one);
  return params.toString();
}

describe('GET /v/{token}', () => {
  it('shows the form for whom it is for: masked name and village, never a phone or ID number', async () => {
    const { path } = await anElderWithLink();
    const reply = await api('GET', path);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    const page = reply.body as string;
    expect(page).toContain('林**');
    expect(page).toContain('芝山村');
    expect(page).not.toContain('林小红');
    expect(page).not.toMatch(/1380013\d{4}|\d{17}[\dX]/);
    expect(page).toContain('value="陈主任"'); // visitors prefilled with the contact
    expect(page).toContain('value="2025-07-10"');
    expect(page).toContain('value="10:00"');
    expect(page).toMatch(/<input type="radio" name="mode" value="home" checked>/);
    for (const risk of ['燃气', '用电', '跌倒', '消防', '饮食', '用药', '其他']) expect(page).toContain(risk);
    expect(page).toContain('需要跟进');
    expect(page).not.toContain('<script');
    expect(nonceOf(page)).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('POST /v/{token}', () => {
  it('records a home visit from the form that counts for the month, as the contact', async () => {
    const { id, path } = await anElderWithLink();
    const before = await api('GET', `/api/elders/${id}/compliance?month=2025-07`);
    expect(before.body.monthlyMet).toBe(false);
    const nonce = nonceOf((await api('GET', path)).body);
    const reply = await api(
      'POST',
      path,
      formBody({
        nonce,
        visitedDate: '2025-07-10',
        visitedTime: '09:15',
        mode: 'home',
        visitors: '陈主任，黄社工',
        health: '血压正常',
        mood: '',
      }),
      FORM,
    );
    expect(reply.status).toBe(201);
    expect(reply.body).toContain('探访记录已保存');
    const visits = await visitsOf(id);
    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({
      mode: 'home',
      visitors: ['陈主任', '黄社工'],
      health: '血压正常',
      visitedOn: '2025-07-10',
      recordedBy: 'contact:contact-1',
      safetyRisks: [],
    });
    expect(visits[0]).not.toHaveProperty('mood');
    const after = await api('GET', `/api/elders/${id}/compliance?month=2025-07`);
    expect(after.body).toMatchObject({
      monthlyMet: true,
      obligations: [{ status: 'met', metOn: '2025-07-10' }],
    });
    expect((await api('GET', `/api/elders/${id}/follow-ups`)).body).toEqual({ items: [] });
  });

  it('opens a follow-up for safety risks, listed on the elder’s timeline', async () => {
    const { id, path } = await anElderWithLink();
    const nonce = nonceOf((await api('GET', path)).body);
    const reply = await api(
      'POST',
      path,
      formBody({
        nonce,
        visitedDate: '2025-07-10',
        visitedTime: '08:00',
        mode: 'home',
        visitors: '陈主任',
        safetyRisks: ['gas', 'falls'],
        followUpOn: '2025-07-17',
      }),
      FORM,
    );
    expect(reply.status).toBe(201);
    expect(reply.body).toContain('已生成跟进事项');
    const list = await api('GET', `/api/elders/${id}/follow-ups`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        elderId: id,
        contactId: 'contact-1',
        reason: 'safetyRisk',
        risks: ['gas', 'falls'],
        dueOn: '2025-07-17',
        status: 'open',
      }),
    ]);
  });

  it('opens a needs-follow-up item from the box, and takes JSON too', async () => {
    const { id, path } = await anElderWithLink();
    const reply = await api('POST', path, {
      nonce: 'json-client-nonce-0001',
      visitedAt: '2025-07-10T09:00:00+08:00',
      mode: 'phone',
      visitors: ['陈主任'],
      needsFollowUp: true,
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ status: 'recorded', visitedOn: '2025-07-10' });
    const list = await api('GET', `/api/elders/${id}/follow-ups`);
    expect(list.body.items).toEqual([expect.objectContaining({ reason: 'needsFollowUp', risks: [] })]);
  });

  it('records one visit when the same form is posted twice', async () => {
    const { id, path } = await anElderWithLink();
    const nonce = nonceOf((await api('GET', path)).body);
    const body = formBody({
      nonce,
      visitedDate: '2025-07-10',
      visitedTime: '09:00',
      mode: 'home',
      visitors: '陈主任',
    });
    const [a, b] = await Promise.all([api('POST', path, body, FORM), api('POST', path, body, FORM)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    const again = await api('POST', path, body, FORM);
    expect(again.status).toBe(200);
    expect(again.body).toContain('此次探访已经记录');
    expect(await visitsOf(id)).toHaveLength(1);
  });

  it('shows the form again with bilingual messages by the fields, 400, nothing stored', async () => {
    const { id, path } = await anElderWithLink();
    const nonce = nonceOf((await api('GET', path)).body);
    const reply = await api(
      'POST',
      path,
      formBody({
        nonce,
        visitedDate: '2025-07-32',
        visitedTime: '09:00',
        mode: 'automated',
        visitors: '',
        health: '<script>很好</script>',
        safetyRisks: ['flood'],
      }),
      FORM,
    );
    expect(reply.status).toBe(400);
    const page = reply.body as string;
    expect(page).toContain('请修改标红的内容');
    expect(page).toContain('>&lt;script&gt;很好&lt;/script&gt;</textarea>'); // kept as typed, escaped
    expect(page).not.toContain('<script');
    expect(page.match(/class="err"/g)?.length).toBeGreaterThanOrEqual(3);
    expect(page).toMatch(/class="err">[^<]*[\u4e00-\u9fff][^<]* \/ [A-Za-z]/);
    expect(page).toContain(`value="${nonce}"`);
    expect(await visitsOf(id)).toHaveLength(0);
    // the nonce was not used up: the corrected form goes through
    const fixed = await api(
      'POST',
      path,
      formBody({ nonce, visitedDate: '2025-07-09', visitedTime: '09:00', mode: 'home', visitors: '陈主任' }),
      FORM,
    );
    expect(fixed.status).toBe(201);
  });

  it('refuses a visit in the future with the form again, nothing stored', async () => {
    const { id, path } = await anElderWithLink();
    const nonce = nonceOf((await api('GET', path)).body);
    const reply = await api(
      'POST',
      path,
      formBody({ nonce, visitedDate: '2025-07-11', visitedTime: '09:00', mode: 'home', visitors: '陈主任' }),
      FORM,
    );
    expect(reply.status).toBe(422);
    expect(reply.body).toContain('探访时间不能晚于现在');
    expect(await visitsOf(id)).toHaveLength(0);
  });
});

describe('links that cannot be used', () => {
  const visit = {
    visitedAt: '2025-07-10',
    mode: 'home',
    visitors: ['陈主任'],
    nonce: 'refused-nonce-00000001',
  };

  it('refuses an expired link (410), page and JSON, and stores nothing', async () => {
    const { id } = await anElderWithLink();
    const token = signVisitLink(secret, {
      elderId: id,
      contactId: 'contact-1',
      expiresAt: new Date(now.getTime() - 1000),
    });
    const page = await api('GET', `/v/${token}`);
    expect(page.status).toBe(410);
    expect(page.body).toContain('链接已过期');
    expect(page.body).toContain('This link has expired');
    expect(page.body).not.toContain('林');
    const posted = await api('POST', `/v/${token}`, visit);
    expect(posted).toMatchObject({ status: 410, body: { errors: [{ path: 'token' }] } });
    expect(posted.body.errors[0].message).toMatch(/^链接已过期.* \/ This link has expired/);
    const form = await api('POST', `/v/${token}`, formBody({ ...visit, visitors: '陈主任' }), FORM);
    expect(form.status).toBe(410);
    expect(await visitsOf(id)).toHaveLength(0);
  });

  it('refuses a forged or tampered link (403) and stores nothing', async () => {
    const { id } = await anElderWithLink();
    const forged = signVisitLink('someone-elses-secret-someone-elses-secret', {
      elderId: id,
      contactId: 'contact-1',
      expiresAt: new Date(now.getTime() + 86_400_000),
    });
    for (const token of [forged, 'not-a-token', `${forged.split('.')[0]}.`]) {
      const page = await api('GET', `/v/${token}`);
      expect(page.status).toBe(403);
      expect(page.body).toContain('链接无效');
      expect((await api('POST', `/v/${token}`, visit)).status).toBe(403);
    }
    expect(await visitsOf(id)).toHaveLength(0);
  });

  it('refuses a link for a pair that no longer holds: the elder was re-paired (403)', async () => {
    const { id, path } = await anElderWithLink();
    const repaired = await api('PATCH', `/api/elders/${id}`, { contactId: 'contact-2' });
    expect(repaired.status).toBe(200);
    const page = await api('GET', path);
    expect(page.status).toBe(403);
    expect(page.body).toContain('该老人现已由其他联系人负责');
    const posted = await api('POST', path, visit);
    expect(posted.status).toBe(403);
    expect(await visitsOf(id)).toHaveLength(0);
    // the new contact's own link works
    const theirs = new URL(visitLinkFor(secret, 'http://localhost', id, 'contact-2', now)).pathname;
    expect((await api('GET', theirs)).body).toContain('value="黄社工"');
  });

  it('lists follow-ups only for elders that exist', async () => {
    expect((await api('GET', '/api/elders/no-such-elder/follow-ups')).status).toBe(404);
  });
});
