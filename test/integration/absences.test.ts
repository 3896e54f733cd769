import { beforeAll, describe, expect, it } from 'vitest';
import { isAway } from '../../shared/absences/absence.js';
import { absenceFromText } from '../../shared/absences/inbound.js';
import { LOCAL_DEV_LINK_SECRET, visitLinkFor } from '../../shared/homevisits/links.js';
import { listAbsences, listCountyAbsencesInMonth } from '../../shared/store/absences.js';
import { putContact } from '../../shared/store/contacts.js';
import { listPairings } from '../../shared/store/pairing.js';
import { apiClient, countyAdmin, townshipOperator } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

/**
 * Absences through the console routes and the visit page's away section, against DynamoDB Local.
 */
let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
const now = new Date('2025-12-15T02:00:00Z'); // 10:00 in Asia/Shanghai
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now: () => now });
  await putContact(db, {
    id: 'contact-1',
    name: '陈主任',
    phone: '+8613800139901',
    role: 'committeeStaff',
    county: '440703',
    township: '潮连街道',
  });
});

async function anElder() {
  const created = await api(
    'POST',
    '/api/elders',
    aRegistration({ age: 85, living: 'alone', name: '林小红', contactId: 'contact-1' }),
  );
  expect(created.status).toBe(201);
  return created.body.id as string;
}

describe('absences in the console', () => {
  it('declares, lists with "away now" and the resume time, and ends early once', async () => {
    const id = await anElder();
    const declared = await api('POST', `/api/elders/${id}/absences`, {
      until: '2025-12-20',
      reason: 'hospital',
      note: '市中心医院',
      declaredBy: 'family',
    });
    expect(declared.status).toBe(201);
    expect(declared.body).toMatchObject({
      from: '2025-12-15',
      until: '2025-12-20',
      reason: 'hospital',
      declaredBy: { who: 'family', via: 'console', ref: 'cityAdmin:city-test' },
    });
    const listed = await api('GET', `/api/elders/${id}/absences`);
    expect(listed.body).toMatchObject({ away: true, resumeAt: '2025-12-20T00:00:00.000+08:00' });
    const end = `/api/elders/${id}/absences/${declared.body.id}/end`;
    const ended = await api('POST', end);
    expect(ended.status).toBe(200);
    expect(ended.body.endedAt).toBe(now.toISOString());
    const again = await api.as(countyAdmin('440703', 'other'))('POST', end);
    expect(again.body.endedBy).toBe('cityAdmin:city-test');
    expect((await api('GET', `/api/elders/${id}/absences`)).body.away).toBe(false);
    expect((await api('POST', `/api/elders/${id}/absences/nope/end`)).status).toBe(404);
    // the month's report reads the county's absences overlapping the month
    expect((await listCountyAbsencesInMonth(db, '440703', '2025-12')).map((a) => a.id)).toContain(
      declared.body.id,
    );
    expect(await listCountyAbsencesInMonth(db, '440703', '2026-01')).toEqual([]);
  });

  it('refuses bad input in Chinese then English, naming the field, and writes nothing', async () => {
    const id = await anElder();
    const bad = await api('POST', `/api/elders/${id}/absences`, { until: '2025-12-40', reason: 'party' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'until', message: expect.stringMatching(/日期.* \/ .*date/) },
        { path: 'reason', message: expect.stringMatching(/外出原因.* \/ Reason/) },
      ]),
    );
    const past = await api('POST', `/api/elders/${id}/absences`, { until: '2025-12-15' });
    expect(past.status).toBe(422);
    expect(past.body.errors[0]).toMatchObject({ path: 'until' });
    const long = await api('POST', `/api/elders/${id}/absences`, { until: '2026-06-01' });
    expect(long.status).toBe(422);
    expect(await listAbsences(db, id)).toEqual([]);
  });

  it('a township operator of another township does not see the elder (404, as a missing one)', async () => {
    const id = await anElder();
    const reply = await api.as(townshipOperator('440703', '棠下镇'))('POST', `/api/elders/${id}/absences`, {
      until: '2025-12-18',
    });
    expect(reply.status).toBe(404);
  });
});

describe('the visit page away section', () => {
  it('links from the visit form, shows its own form, and declares once per form', async () => {
    const id = await anElder();
    const path = new URL(
      visitLinkFor(LOCAL_DEV_LINK_SECRET, 'https://anxin.example.cn', id, 'contact-1', now),
    ).pathname;
    const token = path.slice('/v/'.length);
    const form = await api('GET', path);
    expect(form.body).toContain(`href="${token}/away"`);
    const page = await api('GET', `${path}/away`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('林**');
    expect(page.body).not.toContain('林小红');
    expect(page.body).toContain('value="2025-12-18"');
    const nonce = /name="nonce" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const body = new URLSearchParams({
      until: '2025-12-22',
      reason: 'away',
      note: '去女儿家',
      nonce,
    }).toString();
    const posted = await api('POST', `${path}/away`, body, FORM);
    expect(posted.status).toBe(201);
    expect(posted.body).toContain('2025-12-22');
    expect((await api('POST', `${path}/away`, body, FORM)).status).toBe(200);
    const stored = await listAbsences(db, id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ declaredBy: { who: 'contact', via: 'visitPage', ref: 'contact-1' } });
    expect(isAway(stored, new Date('2025-12-21T12:00:00+08:00'))).toBe(true);
    const bad = await api('POST', `${path}/away`, new URLSearchParams({ until: '', nonce }).toString(), FORM);
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('日期格式');
    const forged = await api('POST', `/v/${token.slice(0, -2)}xx/away`, body, FORM);
    expect(forged.status).toBe(403);
  });
});

describe('absences declared by text (the seam the inbound-text handler calls)', () => {
  it("declares from an elder's text once per message, asks for a date, and ends on 回来了", async () => {
    const id = await anElder();
    const elder = { role: 'elder' as const, elderId: id };
    expect(await absenceFromText(db, elder, '1', 'm0', now)).toEqual({ handled: false });
    const first = await absenceFromText(db, elder, '去女儿家住一周', 'm1', now);
    expect(first).toMatchObject({ handled: true, outcome: 'declared', elderId: id });
    expect(first.handled && first.reply).toMatch(/^【安心】已登记外出，12月22日起恢复/);
    expect(await absenceFromText(db, elder, '去女儿家住一周', 'm1', now)).toMatchObject({
      outcome: 'duplicate',
    });
    expect(await absenceFromText(db, elder, '住院', 'm2', now)).toMatchObject({ outcome: 'needsDate' });
    const stored = await listAbsences(db, id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ until: '2025-12-22', declaredBy: { who: 'elder', via: 'text' } });
    const later = new Date('2025-12-18T03:00:00Z');
    expect(isAway(stored, later)).toBe(true);
    expect(await absenceFromText(db, elder, '回来了', 'm3', later)).toMatchObject({ outcome: 'ended' });
    expect(isAway(await listAbsences(db, id), later)).toBe(false);
    expect(await absenceFromText(db, elder, '回来了', 'm4', later)).toMatchObject({
      outcome: 'nothingToEnd',
    });
  });

  it("reads a contact's text by the home-visit code, and asks for the code when they have several elders", async () => {
    await putContact(db, {
      id: 'contact-9',
      name: '黄社工',
      phone: '+8613800139909',
      role: 'committeeStaff',
      county: '440703',
      township: '潮连街道',
    });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const created = await api(
        'POST',
        '/api/elders',
        aRegistration({ age: 80 + i, living: 'alone', name: `黄${i}婆`, contactId: 'contact-9' }),
      );
      ids.push(created.body.id);
    }
    const pairings = await listPairings(db, 'contact-9');
    const target = pairings.find((p) => p.elderId === ids[1]);
    const contact = { role: 'contact' as const, contactId: 'contact-9' };
    expect(await absenceFromText(db, contact, '外出3天', 'c1', now)).toMatchObject({ outcome: 'needsCode' });
    const declared = await absenceFromText(db, contact, `${target?.code} 住院到12月20日`, 'c2', now);
    expect(declared).toMatchObject({ outcome: 'declared', elderId: ids[1] });
    expect(await listAbsences(db, ids[1] as string)).toMatchObject([
      { reason: 'hospital', until: '2025-12-20', declaredBy: { who: 'contact', ref: 'contact-9' } },
    ]);
    expect(await listAbsences(db, ids[0] as string)).toEqual([]);
  });
});
