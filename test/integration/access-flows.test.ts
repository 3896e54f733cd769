import { beforeAll, describe, expect, it } from 'vitest';
import type { Elder } from '../../shared/register/elder.js';
import { makeIdNumber } from '../../shared/registration/id-number.js';
import { ContactChanged, getContact, replaceContact } from '../../shared/store/contacts.js';
import { getElder, listAudit } from '../../shared/store/elders.js';
import { openFollowUp } from '../../shared/store/followups.js';
import { getCase, keepMessage } from '../../shared/store/phone.js';
import { type ApiClient, apiClient, cityAdmin, countyAdmin, townshipOperator } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';
import { phoneWorld, shanghai } from '../support/phone.js';

/**
 * What county-scoped access means to the people using it (issue 5, section 1): who did what is on
 * the record, staff acknowledge cases from the console, an elder's timeline, "who am I", and the
 * edges where one county could otherwise learn about or change another's register.
 */
const X = '440703';
const Y = '440705';
const pjAdmin = countyAdmin(X, 'pj-admin');
const xhAdmin = countyAdmin(Y, 'xh-admin');
const pjOperator = townshipOperator(X, '潮连街道', 'pj-op');
const bilingual = (message: string) => expect(message).toMatch(/[\u4e00-\u9fff].* \/ [A-Za-z]/);

let seq = 0;
/** A woman of 82 in a place, with an ID number of that county (none of the default county's numbers). */
function person(county: string, township: string, over: Record<string, unknown> = {}) {
  const n = ++seq;
  return {
    ...aRegistration({ age: 82, living: 'alone' }),
    name: `权限测试老人${n}`,
    gender: 'female',
    birthDate: '1943-03-03',
    idNumber: makeIdNumber(county, '1943-03-03', (2 * n) % 1000),
    phone: `1380013${String(3000 + n).slice(-4)}`,
    region: { county, township, village: '测试村' },
    ...over,
  };
}

describe('cases, acknowledged and closed by staff, and the timeline', () => {
  let db: Awaited<ReturnType<typeof freshDb>>;
  let world: ReturnType<typeof phoneWorld>;
  let api: ApiClient;
  let elder: Elder;
  let clock = shanghai('2025-07-01T09:30:00');

  beforeAll(async () => {
    db = await freshDb();
    world = phoneWorld(db, shanghai('2025-07-01T08:55:00'));
    const contactId = await world.contact('+8613900000081', 'ignore');
    elder = await world.elder(
      aRegistration({
        phone: '13800007181',
        contactId,
        emergencyContacts: [{ name: '测试子女', relation: 'child', phone: '13900000082' }],
      }),
      { voice: ['press-2'] },
    );
    await world.runUntil(shanghai('2025-07-01T09:20:00'));
    api = apiClient({ db, policy: world.policy, now: () => clock });
  });

  const openCaseOf = async () => {
    const list = await api('GET', `/api/cases?county=${X}&status=open`);
    return list.body.items.find((c: { elderId: string }) => c.elderId === elder.id) as {
      id: string;
      level: number;
    };
  };

  it('lets a township operator acknowledge a case of their township: recorded who and when, the ladder stops', async () => {
    const open = await openCaseOf();
    expect(open).toBeDefined();
    const stored = await getCase(db, open.id);
    expect(stored?.next).toBeDefined();
    expect(
      (await api.as(townshipOperator(X, '棠下镇'))('POST', `/api/cases/${open.id}/acknowledge`)).status,
    ).toBe(404);

    const reply = await api.as(pjOperator)('POST', `/api/cases/${open.id}/acknowledge`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'townshipOperator:pj-op',
      acknowledgedAt: clock.toISOString(),
      version: (stored?.version ?? 0) + 1,
    });
    expect(reply.body.timeline.at(-1)).toEqual({
      at: clock.toISOString(),
      event: 'acknowledged',
      detail: 'staff',
    });
    expect(JSON.stringify(reply.body)).not.toContain('13900000082');

    // an hour on, nobody further was told: no next level, no new steps
    const steps = (await getCase(db, open.id))?.steps.length;
    await world.runUntil(shanghai('2025-07-01T10:30:00'));
    const later = await getCase(db, open.id);
    expect(later).toMatchObject({ status: 'acknowledged', level: stored?.level });
    expect(later?.next).toBeUndefined();
    expect(later?.steps).toHaveLength(steps ?? -1);

    const again = await api.as(pjOperator)('POST', `/api/cases/${open.id}/acknowledge`);
    expect(again.status).toBe(409);
    bilingual(again.body.errors[0].message);
  });

  it('closes an acknowledged case with who closed it; a closed case cannot be acknowledged', async () => {
    const [c] = (await api('GET', `/api/cases?county=${X}&status=acknowledged`)).body.items;
    clock = shanghai('2025-07-01T10:40:00');
    const closed = await api.as(pjAdmin)('POST', `/api/cases/${c.id}/close`, { closure: 'visited' });
    expect(closed.body).toMatchObject({ status: 'closed', closedBy: 'countyAdmin:pj-admin' });
    const ack = await api.as(pjAdmin)('POST', `/api/cases/${c.id}/acknowledge`);
    expect(ack.status).toBe(409);
    bilingual(ack.body.errors[0].message);
  });

  it('shows the timeline newest first: check-ins with their outcome, the case, visits, follow-ups, kept texts', async () => {
    const visit = await api.as(pjOperator)('POST', '/api/visits', {
      elderId: elder.id,
      visitedAt: '2025-07-01T10:35:00+08:00',
      mode: 'home',
      visitors: ['村委会王某'],
    });
    expect(visit.status).toBe(201);
    expect(visit.body.recordedBy).toBe('townshipOperator:pj-op');
    await openFollowUp(db, {
      id: 'fu-1',
      elderId: elder.id,
      visitId: visit.body.id,
      reason: 'safetyRisk',
      risks: ['gas'],
      openedAt: '2025-07-01T10:36:00+08:00',
      status: 'open',
    });
    await keepMessage(db, elder.id, {
      at: '2025-07-01T10:37:00+08:00',
      id: 'msg-1',
      body: '我孙子电话13900000099，请打给他',
    });

    const reply = await api.as(pjOperator)('GET', `/api/elders/${elder.id}/timeline`);
    expect(reply.status).toBe(200);
    const items = reply.body.items as { at: string; kind: string; [k: string]: unknown }[];
    expect(items.map((i) => i.kind).slice(0, 3)).toEqual(['text', 'followUp', 'visit']);
    expect(new Set(items.map((i) => i.kind))).toEqual(
      new Set(['text', 'followUp', 'visit', 'case', 'checkIn']),
    );
    const times = items.map((i) => Date.parse(i.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(items[0]).toMatchObject({ kind: 'text', text: '我孙子电话*******0099，请打给他' });
    expect(items.find((i) => i.kind === 'case')).toMatchObject({
      reason: 'needsHelp',
      status: 'closed',
      closure: 'visited',
      closedBy: 'countyAdmin:pj-admin',
    });
    const checkIn = items.find((i) => i.kind === 'checkIn') as unknown as {
      attempts: { outcome?: string; channel: string }[];
    };
    expect(checkIn.attempts).toEqual(
      expect.arrayContaining([expect.objectContaining({ channel: 'voice', outcome: 'help' })]),
    );
    const text = JSON.stringify(reply.body);
    for (const number of ['13800007181', '13900000082', '13900000081', '13900000099'])
      expect(text).not.toContain(number);
    expect((await api('GET', `/api/elders/${elder.id}/timeline?limit=2`)).body.items).toHaveLength(2);
    expect((await api.as(countyAdmin(Y))('GET', `/api/elders/${elder.id}/timeline`)).status).toBe(404);
  });
});

describe('who did what, and one county never reaching into another', () => {
  let db: Awaited<ReturnType<typeof freshDb>>;
  let api: ApiClient;
  const now = shanghai('2025-07-01T10:00:00');

  beforeAll(async () => {
    db = await freshDb();
    api = apiClient({ db, policy, now: () => now });
  });

  let contactSeq = 0;
  const contact = (county: string, township: string) => ({
    name: `权限测试联系人${++contactSeq}`,
    phone: `1390013${String(4000 + contactSeq).slice(-4)}`,
    role: 'committeeStaff',
    county,
    township,
  });

  it('tells each caller who they are and which counties they see, by name', async () => {
    expect((await api.as(pjOperator)('GET', '/api/me')).body).toEqual({
      username: 'pj-op',
      role: 'townshipOperator',
      county: X,
      township: '潮连街道',
      counties: [{ code: X, zh: '蓬江区', en: 'Pengjiang' }],
      now: now.toISOString(),
    });
    const city = (await api.as(cityAdmin('boss'))('GET', '/api/me')).body;
    expect(city).toMatchObject({ username: 'boss', role: 'cityAdmin' });
    expect(city.counties.map((c: { code: string }) => c.code)).toEqual(Object.keys(policy.counties).sort());
    const nobody = await api.as(null)('GET', '/api/me');
    expect(nobody.status).toBe(401);
    expect(nobody.body.errors[0].message).toBe('请先登录 / Please log in');
  });

  it('puts every contact change on its audit trail with who and when, in the same write', async () => {
    const supervisors = [{ name: '测试督导', phone: '+8613900138888' }];
    const created = await api.as(pjAdmin)('POST', '/api/contacts', {
      ...contact(X, '潮连街道'),
      supervisors,
    });
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);
    const id = created.body.id as string;
    const patched = await api.as(pjAdmin)('PATCH', `/api/contacts/${id}`, { township: '棠下镇' });
    // a change that does not name the supervisors keeps them
    expect(patched.body).toMatchObject({ version: 2, township: '棠下镇', supervisors });

    const audit = await api.as(pjAdmin)('GET', `/api/contacts/${id}/audit`);
    expect(audit.body.audit).toEqual([
      {
        contactId: id,
        version: 1,
        at: '2025-07-01T10:00:00.000+08:00',
        actor: 'countyAdmin:pj-admin',
        action: 'create',
        fields: ['name', 'phone', 'role', 'county', 'township', 'supervisors'],
      },
      {
        contactId: id,
        version: 2,
        at: '2025-07-01T10:00:00.000+08:00',
        actor: 'countyAdmin:pj-admin',
        action: 'update',
        fields: ['township'],
      },
    ]);
    expect(JSON.stringify(audit.body)).not.toContain('1390013');
    expect((await api.as(xhAdmin)('GET', `/api/contacts/${id}/audit`)).status).toBe(404);
    // the operator of the township it moved out of no longer sees it
    expect((await api.as(pjOperator)('GET', `/api/contacts/${id}`)).status).toBe(404);

    // a change based on a stale read is refused, and leaves no audit entry
    const stale = (await getContact(db, id)) as NonNullable<Awaited<ReturnType<typeof getContact>>>;
    await api.as(pjAdmin)('PATCH', `/api/contacts/${id}`, { role: 'volunteer' });
    await expect(
      replaceContact(
        db,
        stale,
        { ...stale, name: '过时', version: 3 },
        { ...audit.body.audit[1], version: 3 },
      ),
    ).rejects.toBeInstanceOf(ContactChanged);
    expect((await api.as(pjAdmin)('GET', `/api/contacts/${id}/audit`)).body.audit).toHaveLength(3);
    expect((await getContact(db, id))?.role).toBe('volunteer');
  });

  it('records the signed-in user on elder changes, visits and imports', async () => {
    const created = await api.as(pjAdmin)('POST', '/api/elders', person(X, '潮连街道'));
    await api.as(countyAdmin(X, 'pj-admin2'))('PATCH', `/api/elders/${created.body.id}`, {
      living: 'withFamily',
    });
    expect((await listAudit(db, created.body.id)).map((a) => [a.action, a.actor])).toEqual([
      ['register', 'countyAdmin:pj-admin'],
      ['update', 'countyAdmin:pj-admin2'],
    ]);
    // the old header no longer names anyone
    await api.as(pjAdmin)(
      'PATCH',
      `/api/elders/${created.body.id}`,
      { living: 'alone' },
      { 'x-anxin-actor': 'someone' },
    );
    expect((await listAudit(db, created.body.id)).at(-1)?.actor).toBe('countyAdmin:pj-admin');

    const csv = `姓名,性别,出生日期,身份证号,联系电话,住址,县(市、区),镇（街道）,村（居）,居住情况\n导入老人甲,男,1941-05-05,${makeIdNumber(X, '1941-05-05', 901)},13800139001,江门市蓬江区测试路,蓬江区,潮连街道,测试村,独居\n`;
    const imported = await api.as(pjAdmin)('POST', '/api/imports', Buffer.from(csv), {
      'content-type': 'text/csv',
    });
    expect(imported.body).toMatchObject({ created: 1, failed: 0 });
    const job = await api.as(pjAdmin)('GET', `/api/imports/${imported.body.importId}`);
    expect(job.body).toMatchObject({ actor: 'countyAdmin:pj-admin', county: X, status: 'done' });
    expect((await api.as(xhAdmin)('GET', `/api/imports/${imported.body.importId}`)).status).toBe(404);
    expect((await api('GET', `/api/imports/${imported.body.importId}`)).status).toBe(200);
    expect((await api.as(pjOperator)('GET', `/api/imports/${imported.body.importId}`)).status).toBe(403);
  });

  it('answers a duplicate of another county’s elder with 409 but without its id', async () => {
    const body = person(Y, '会城街道');
    const theirs = await api.as(xhAdmin)('POST', '/api/elders', body);
    expect(theirs.status).toBe(201);
    // the same person (ID number) put in by Pengjiang
    const ours = await api.as(pjAdmin)('POST', '/api/elders', {
      ...body,
      region: { county: X, township: '潮连街道', village: '测试村' },
    });
    expect(ours.status).toBe(409);
    bilingual(ours.body.errors[0].message);
    expect(ours.body.existingElderId).toBeUndefined();
    expect(JSON.stringify(ours.body)).not.toContain(theirs.body.id);
    // the city administrator, who sees both, is told which elder it is
    const city = await api('POST', '/api/elders', body);
    expect(city.body.existingElderId).toBe(theirs.body.id);
    // nor does changing one of ours to their ID number tell Pengjiang whose it is
    const mine = await api.as(pjAdmin)('POST', '/api/elders', person(X, '潮连街道'));
    const changed = await api.as(pjAdmin)('PATCH', `/api/elders/${mine.body.id}`, {
      idNumber: body.idNumber,
    });
    expect(changed.status).toBe(409);
    expect(changed.body.existingElderId).toBeUndefined();
    expect(JSON.stringify(changed.body)).not.toContain(theirs.body.id);
    expect(
      (await api('PATCH', `/api/elders/${mine.body.id}`, { idNumber: body.idNumber })).body.existingElderId,
    ).toBe(theirs.body.id);
  });

  it('refuses moving an elder or a contact into another county, and pairing with another county’s contact', async () => {
    const elder = await api.as(pjAdmin)('POST', '/api/elders', person(X, '潮连街道'));
    const moved = await api.as(pjAdmin)('PATCH', `/api/elders/${elder.body.id}`, {
      region: { county: Y, township: '会城街道', village: '测试村' },
    });
    expect(moved.status).toBe(403);
    expect((await getElder(db, elder.body.id))?.version).toBe(1);

    const ownContact = await api.as(pjAdmin)('POST', '/api/contacts', contact(X, '潮连街道'));
    expect(
      (
        await api.as(pjAdmin)('PATCH', `/api/contacts/${ownContact.body.id}`, {
          county: Y,
          township: '会城街道',
        })
      ).status,
    ).toBe(403);
    expect((await api.as(pjAdmin)('POST', '/api/contacts', contact(Y, '会城街道'))).status).toBe(403);

    const theirContact = await api.as(xhAdmin)('POST', '/api/contacts', contact(Y, '会城街道'));
    const paired = await api.as(pjAdmin)('PATCH', `/api/elders/${elder.body.id}`, {
      contactId: theirContact.body.id,
    });
    const missing = await api.as(pjAdmin)('PATCH', `/api/elders/${elder.body.id}`, {
      contactId: 'no-such-contact',
    });
    expect(paired.status).toBe(422);
    expect(paired.body).toEqual(missing.body);
    const registered = await api.as(pjAdmin)(
      'POST',
      '/api/elders',
      person(X, '潮连街道', { contactId: theirContact.body.id }),
    );
    expect(registered.status).toBe(422);
    expect((await getElder(db, elder.body.id))?.contactId).toBeUndefined();
  });

  it('imports a county administrator’s rows of their county only, row by row, naming nothing of another', async () => {
    const theirs = person(Y, '会城街道');
    const created = await api.as(xhAdmin)('POST', '/api/elders', theirs);
    const header = '姓名,性别,出生日期,身份证号,联系电话,住址,县(市、区),镇（街道）,村（居）,居住情况';
    const rows = [
      // 2: ours
      `导入老人乙,男,1941-05-05,${makeIdNumber(X, '1941-05-05', 903)},13800139003,江门市蓬江区测试路,蓬江区,潮连街道,测试村,独居`,
      // 3: a row of Xinhui
      `导入老人丙,男,1941-05-05,${makeIdNumber(Y, '1941-05-05', 905)},13800139005,江门市新会区测试路,新会区,会城街道,测试村,独居`,
      // 4: Xinhui's elder (their ID number), put in as ours
      `${theirs.name},女,1943-03-03,${theirs.idNumber},13800139007,江门市蓬江区测试路,蓬江区,潮连街道,测试村,独居`,
    ];
    const reply = await api.as(pjAdmin)(
      'POST',
      '/api/imports',
      Buffer.from(`${header}\n${rows.join('\n')}\n`),
      {
        'content-type': 'text/csv',
      },
    );
    expect(reply.body).toMatchObject({ total: 3, created: 1, updated: 0, failed: 2 });
    expect(reply.body.errors).toEqual([
      { row: 3, errors: [expect.objectContaining({ column: '县(市、区)' })] },
      {
        row: 4,
        errors: [
          expect.objectContaining({
            column: '身份证号',
            message: '该老年人已登记 / This elder is already registered',
          }),
        ],
      },
    ]);
    bilingual(reply.body.errors[0].errors[0].message);
    expect(JSON.stringify(reply.body)).not.toContain(created.body.id);
    const after = await getElder(db, created.body.id);
    expect(after).toMatchObject({ version: 1, region: { county: Y } });

    // merging another bureau's columns: their elder is, to us, not registered
    const merge = `身份证号,残疾等级\n${theirs.idNumber},一级\n`;
    const merged = await api.as(pjAdmin)('POST', '/api/imports?mode=merge', Buffer.from(merge), {
      'content-type': 'text/csv',
    });
    expect(merged.body).toMatchObject({ updated: 0, failed: 1 });
    expect(merged.body.errors[0].errors[0].message).toBe(
      '按身份证号未找到已登记的老年人 / No registered elder has this ID number',
    );
    expect((await getElder(db, created.body.id))?.version).toBe(1);
    // the city administrator merges it
    expect(
      (await api('POST', '/api/imports?mode=merge', Buffer.from(merge), { 'content-type': 'text/csv' })).body,
    ).toMatchObject({
      updated: 1,
    });
  });

  it('limits reports to the caller’s county, and a township operator’s to their township', async () => {
    await api('POST', '/api/elders', person(X, '棠下镇'));
    await api('POST', '/api/elders', person(Y, '会城街道'));
    const month = '2025-07';
    const city = async (query: string) =>
      (await api('GET', `/api/reports/monthly?month=${month}${query}`)).body;
    const county = await api.as(pjAdmin)('GET', `/api/reports/monthly?month=${month}`);
    expect(county.status).toBe(200);
    expect(county.body).toEqual(await city(`&county=${X}`));
    const township = await api.as(pjOperator)('GET', `/api/reports/monthly?month=${month}`);
    expect(township.body).toEqual(await city(`&county=${X}&township=${encodeURIComponent('潮连街道')}`));
    expect(township.body).not.toEqual(county.body);
    expect((await api.as(pjAdmin)('GET', `/api/reports/monthly?month=${month}&county=${Y}`)).status).toBe(
      403,
    );
    expect(
      (
        await api.as(pjOperator)(
          'GET',
          `/api/reports/open-obligations?month=${month}&county=${X}&township=${encodeURIComponent('棠下镇')}`,
        )
      ).status,
    ).toBe(403);
    const csv = await api.as(pjAdmin)('GET', `/api/reports/open-obligations?month=${month}&format=csv`);
    expect(csv.status).toBe(200);
    expect(String(csv.headers['content-disposition'])).toContain(`open-obligations-${month}-${X}.csv`);
  });

  it('lists a township operator’s own township only, and refuses another county’s list', async () => {
    const list = await api.as(pjOperator)('GET', '/api/elders?limit=200');
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(new Set(list.body.items.map((e: Elder) => `${e.region.county}${e.region.township}`))).toEqual(
      new Set([`${X}潮连街道`]),
    );
    const all = await api.as(pjAdmin)('GET', '/api/elders?limit=200');
    expect(new Set(all.body.items.map((e: Elder) => e.region.county))).toEqual(new Set([X]));
    const refused = await api.as(pjAdmin)('GET', `/api/elders?county=${Y}`);
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].message).toBe('您没有权限执行此操作 / You are not allowed to do this');
  });
});
