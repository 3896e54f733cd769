import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordLinkVisit } from '../../shared/homevisits/record.js';
import { registerElder } from '../../shared/register/service.js';
import { putContact } from '../../shared/store/contacts.js';
import { listVisits, putVisit } from '../../shared/store/visits.js';
import type { VisitRecord } from '../../shared/visits/record.js';
import { apiClient, townshipOperator } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

// "today": 2025-07-03 10:00 in Asia/Shanghai
let clock = new Date('2025-07-03T02:00:00Z');
const now = () => clock;
let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
const CONTACT = 'contact-vc';

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now });
  await putContact(db, {
    id: CONTACT,
    name: '测试联系人',
    phone: '+8613800139931',
    role: 'committeeStaff',
    county: '440703',
    township: '潮连街道',
  });
});

/** A paired elder and a home visit their contact recorded by text (`<code> 1`) on 2025-07-01, as sms.ts writes it. */
async function textVisit(): Promise<{ elderId: string; visit: VisitRecord }> {
  const elder = await registerElder(
    { db, policy },
    aRegistration({ age: 85, living: 'alone', contactId: CONTACT }),
    {
      actor: 'test',
      now: new Date('2025-06-01T02:00:00Z'),
    },
  );
  const visit: VisitRecord = {
    elderId: elder.id,
    visitedAt: '2025-07-01T10:00:00+08:00',
    mode: 'home',
    visitors: ['测试联系人'],
    safetyRisks: [],
    note: '短信记录:已探访,情况良好',
    id: randomUUID(),
    visitedOn: '2025-07-01',
    localTime: '2025-07-01T10:00:00+08:00',
    county: '440703',
    recordedBy: `contact:${CONTACT}:sms`,
    recordedAt: '2025-07-01T10:00:00+08:00',
    complete: false,
  };
  await putVisit(db, visit);
  return { elderId: elder.id, visit };
}

const CONTENTS = {
  visitors: ['测试联系人', '社工小李'],
  health: '血压偏高，按时服药',
  economy: '低保金按月到账',
  familySupport: '儿子每周来电',
  safetyRisks: ['gas', 'heating'],
  serviceNeeds: ['dailyCare', 'homeAdaptation'],
  policyExplained: '讲解高龄津贴申领',
  urgentHelp: '无',
  referrals: '转介社工站跟进适老化改造',
  durationMinutes: 40,
  visitorKinds: ['contact', 'socialWorker'],
  confirmedBy: 'elder',
};

describe('a home visit recorded by text stays incomplete until filled in', () => {
  it('is listed for the township with its due date, then filled in through the console', async () => {
    const { elderId, visit } = await textVisit();
    const list = await api.as(townshipOperator('440703', '潮连街道'))('GET', '/api/visits/incomplete');
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({
        elderId,
        visitId: visit.id,
        due: '2025-07-08',
        overdue: false,
        contactId: CONTACT,
      }),
    );
    const other = await api.as(townshipOperator('440703', '棠下镇'))('GET', '/api/visits/incomplete');
    expect(other.body.items.some((i: { elderId: string }) => i.elderId === elderId)).toBe(false);

    const filled = await api('PATCH', `/api/elders/${elderId}/visits/${visit.id}`, CONTENTS);
    expect(filled.status).toBe(200);
    expect(filled.body).toMatchObject({ ...CONTENTS, complete: true, mode: 'home', visitedOn: '2025-07-01' });
    const [stored] = await listVisits(db, elderId, '2025-07-01', '2025-07-01');
    expect(stored).toMatchObject({ complete: true, serviceNeeds: ['dailyCare', 'homeAdaptation'] });
    const again = await api('PATCH', `/api/elders/${elderId}/visits/${visit.id}`, CONTENTS);
    expect(again.status).toBe(409);
    const after = await api('GET', '/api/visits/incomplete?county=440703');
    expect(after.body.items.some((i: { visitId: string }) => i.visitId === visit.id)).toBe(false);
  });

  it('a bad field is refused naming it, and nothing is written', async () => {
    const { elderId, visit } = await textVisit();
    const bad = await api('PATCH', `/api/elders/${elderId}/visits/${visit.id}`, {
      ...CONTENTS,
      serviceNeeds: ['massage'],
      durationMinutes: 0,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'durationMinutes',
      'serviceNeeds.0',
    ]);
    const [stored] = await listVisits(db, elderId, '2025-07-01', '2025-07-01');
    expect(stored?.complete).toBe(false);
  });

  it('after 7 days it can no longer be filled in, and shows as overdue', async () => {
    const { elderId, visit } = await textVisit();
    clock = new Date('2025-07-09T02:00:00Z');
    const list = await api('GET', '/api/visits/incomplete?county=440703');
    expect(list.body.items).toContainEqual(expect.objectContaining({ visitId: visit.id, overdue: true }));
    const late = await api('PATCH', `/api/elders/${elderId}/visits/${visit.id}`, CONTENTS);
    expect(late.status).toBe(422);
    clock = new Date('2025-07-03T02:00:00Z');
  });

  it("the signed link's home visit that day fills in the text's record instead of adding a second", async () => {
    const { elderId, visit } = await textVisit();
    const result = await recordLinkVisit(
      { db },
      { elderId, contactId: CONTACT, expiresAt: new Date('2025-07-10T00:00:00Z') },
      { ...CONTENTS, visitedAt: '2025-07-01', mode: 'home', nonce: randomUUID() },
      clock,
    );
    expect(result.status).toBe('recorded');
    const visits = await listVisits(db, elderId, '2025-07-01', '2025-07-31');
    expect(visits).toHaveLength(1);
    expect(visits[0]).toMatchObject({ id: visit.id, complete: true, economy: '低保金按月到账' });
  });
});
