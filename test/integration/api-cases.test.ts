import { beforeAll, describe, expect, it } from 'vitest';
import type { Elder } from '../../shared/register/elder.js';
import { caseIdByCode } from '../../shared/store/phone.js';
import { apiClient, countyAdmin } from '../support/api.js';
import { aRegistration } from '../support/builders.js';
import { freshDb } from '../support/db.js';
import { phoneWorld, shanghai } from '../support/phone.js';

/**
 * The cases API over cases the phone-visit engine really opened: elders pressed 2 on a check-in call
 * (DynamoDB Local, the simulated network on a virtual clock).
 */
let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
let first: Elder;
let second: Elder;
let well: Elder;
const CONTACT = '+8613900000071';
const CHILD = '13900000072';

const bilingual = (message: string) => expect(message).toMatch(/[\u4e00-\u9fff].* \/ [A-Za-z]/);

beforeAll(async () => {
  db = await freshDb();
  const world = phoneWorld(db, shanghai('2025-07-01T08:55:00'));
  const contactId = await world.contact(CONTACT, 'ignore');
  const emergencyContacts = [{ name: '测试子女', relation: 'child' as const, phone: CHILD }];
  first = await world.elder(aRegistration({ phone: '13800007101', contactId, emergencyContacts }), {
    voice: ['press-2'],
  });
  second = await world.elder(aRegistration({ phone: '13800007102', contactId, emergencyContacts }), {
    voice: ['press-2'],
  });
  well = await world.elder(aRegistration({ phone: '13800007103', contactId }), { voice: ['press-1'] });
  await world.runUntil(shanghai('2025-07-01T09:20:00'));
  api = apiClient({ db, policy: world.policy, now: () => shanghai('2025-07-01T09:30:00') });
});

const caseOf = async (elder: Elder) => {
  const list = await api('GET', '/api/cases?county=440703');
  return (list.body.items as { id: string; elderId: string; code: string }[]).find(
    (c) => c.elderId === elder.id,
  ) as { id: string; code: string };
};

describe('GET /api/cases', () => {
  it('lists the open cases of a county, the ladder numbers masked', async () => {
    const reply = await api('GET', '/api/cases?county=440703&status=open');
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((c: { elderId: string }) => c.elderId).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    expect(reply.body.items[0]).toMatchObject({ reason: 'needsHelp', status: 'open', county: '440703' });
    const text = JSON.stringify(reply.body);
    expect(text).not.toContain('13900000071');
    expect(text).not.toContain('13900000072');
    expect(text).toContain('***0071');
  });

  it('lists nothing for another county', async () => {
    const reply = await api('GET', '/api/cases?county=440781');
    expect(reply).toMatchObject({ status: 200, body: { items: [] } });
  });

  it('lists every county for the city administrator who names none, counties side by side', async () => {
    const reply = await api('GET', '/api/cases');
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((c: { elderId: string }) => c.elderId).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    expect(reply.body.byCounty['440703']).toEqual({ open: 2, acknowledged: 0, closed: 0 });
    expect(reply.body.byCounty['440781']).toEqual({ open: 0, acknowledged: 0, closed: 0 });
    expect(Object.keys(reply.body.byCounty)).toHaveLength(7);
  });

  it('lists a county administrator their own county without naming it', async () => {
    const reply = await api.as(countyAdmin('440781', 'ts-admin'))('GET', '/api/cases');
    expect(reply).toMatchObject({ status: 200, body: { items: [], byCounty: { '440781': { open: 0 } } } });
    expect(Object.keys(reply.body.byCounty)).toEqual(['440781']);
  });

  it.each([
    ['/api/cases?county=999999', 'query.county'],
    ['/api/cases?county=440703&status=pending', 'query.status'],
    ['/api/cases?county=440703&colour=red', 'query'],
  ])('answers %s with 400 naming %s, in Chinese and English', async (url, path) => {
    const reply = await api('GET', url);
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].path).toBe(path);
    bilingual(reply.body.errors[0].message);
  });
});

describe('GET /api/cases/{id}', () => {
  it('shows the case with its timeline and steps, numbers masked except the last four digits', async () => {
    const { id } = await caseOf(first);
    const reply = await api('GET', `/api/cases/${id}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id, elderId: first.id, elder: { id: first.id, name: first.name } });
    expect(reply.body.timeline.map((e: { event: string }) => e.event)).toContain('opened');
    const steps = reply.body.steps as { role: string; to: string; channel: string }[];
    expect(steps.map((s) => `${s.role}:${s.to}`)).toEqual(
      expect.arrayContaining(['contact:***0071', 'emergency:***0072']),
    );
    for (const s of steps) expect(s.to).toMatch(/^\*\*\*\d{4}$/);
  });

  it('answers 404 for an unknown or impossible id', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'no%20such%20id']) {
      const reply = await api('GET', `/api/cases/${id}`);
      expect(reply.status).toBe(404);
      bilingual(reply.body.errors[0].message);
    }
  });
});

describe('POST /api/cases/{id}/close', () => {
  it('closes a case with its closure, note and actor; closing again is 409', async () => {
    const { id, code } = await caseOf(second);
    const reply = await api.as(countyAdmin('440703', 'staff-test'))('POST', `/api/cases/${id}/close`, {
      closure: 'visited',
      note: '村委上门，老人安好',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'closed',
      closure: 'visited',
      note: '村委上门，老人安好',
      closedBy: 'countyAdmin:staff-test',
      closedAt: shanghai('2025-07-01T09:30:00').toISOString(),
    });
    expect(reply.body.timeline.at(-1)).toMatchObject({ event: 'closed', detail: 'visited' });
    // the four-digit code is free for another case
    expect(await caseIdByCode(db, code)).toBeUndefined();

    const again = await api('POST', `/api/cases/${id}/close`, { closure: 'other' });
    expect(again.status).toBe(409);
    bilingual(again.body.errors[0].message);

    const closed = await api('GET', '/api/cases?county=440703&status=closed');
    expect(closed.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    const open = await api('GET', '/api/cases?county=440703&status=open');
    expect(open.body.items.map((c: { id: string }) => c.id)).not.toContain(id);
  });

  it.each([
    [{}, 'closure'],
    [{ closure: 'fine' }, 'closure'],
    [{ closure: 'visited', note: 'x'.repeat(501) }, 'note'],
    [{ closure: 'visited', note: '   ' }, 'note'],
    [{ closure: 'visited', by: 'someone' }, ''],
    [[], ''],
  ])('answers %j with 400 naming "%s"', async (body, path) => {
    const { id } = await caseOf(first);
    const reply = await api('POST', `/api/cases/${id}/close`, body);
    expect(reply.status).toBe(400);
    expect(reply.body.errors[0].path).toBe(path);
    bilingual(reply.body.errors[0].message);
  });

  it('answers 400 for a body that is not JSON, 404 for an unknown case', async () => {
    const { id } = await caseOf(first);
    const bad = await api('POST', `/api/cases/${id}/close`, '{closure:');
    expect(bad.status).toBe(400);
    bilingual(bad.body.errors[0].message);
    const missing = await api('POST', '/api/cases/00000000-0000-0000-0000-000000000000/close', {
      closure: 'other',
    });
    expect(missing.status).toBe(404);
  });
});

describe('GET /api/elders/{id}/check-ins', () => {
  it("lists an elder's check-ins with their attempts", async () => {
    const help = await api('GET', `/api/elders/${first.id}/check-ins`);
    expect(help.status).toBe(200);
    expect(help.body.items).toEqual([
      expect.objectContaining({
        status: 'needsHelp',
        channel: 'voice',
        attempts: [expect.objectContaining({ n: 1, channel: 'voice', outcome: 'help' })],
      }),
    ]);
    expect(help.body.items[0].caseId).toBe((await caseOf(first)).id);
    const fine = await api('GET', `/api/elders/${well.id}/check-ins`);
    expect(fine.body.items).toEqual([
      expect.objectContaining({ status: 'well', attempts: [expect.objectContaining({ outcome: 'well' })] }),
    ]);
  });

  it('answers 404 for an unknown elder', async () => {
    const reply = await api('GET', '/api/elders/00000000-0000-0000-0000-000000000000/check-ins');
    expect(reply.status).toBe(404);
    bilingual(reply.body.errors[0].message);
  });
});
