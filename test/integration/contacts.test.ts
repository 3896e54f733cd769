import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../shared/store/elders.js';
import { listPairings, pairingKeys } from '../../shared/store/pairing.js';
import { ownersOfPhone } from '../../shared/store/phone.js';
import { apiClient, countyAdmin } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

// "today": 2025-07-10 09:00 in Asia/Shanghai
const now = () => new Date('2025-07-10T01:00:00Z');

let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now });
});

const isBilingual = (message: string) => / \/ /.test(message) && /[\u4e00-\u9fff]/.test(message);

let phoneSeq = 0;
const aContact = (over: Record<string, unknown> = {}) => ({
  name: '测试联系人',
  phone: `1390013${String(7000 + ++phoneSeq)}`,
  role: 'committeeStaff',
  county: '440703',
  township: '潮连街道',
  supervisors: [{ name: '测试督导', phone: '13900138888' }],
  ...over,
});

async function createContact(over: Record<string, unknown> = {}): Promise<string> {
  const reply = await api('POST', '/api/contacts', aContact(over));
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

describe('contacts API', () => {
  it('creates a contact (E.164 numbers) and reads it back with its load', async () => {
    const created = await api('POST', '/api/contacts', aContact({ phone: '13900137001' }));
    expect(created).toMatchObject({
      status: 201,
      headers: { location: `/api/contacts/${created.body.id}` },
      body: { phone: '+8613900137001', role: 'committeeStaff', supervisors: [{ phone: '+8613900138888' }] },
    });
    const read = await api('GET', `/api/contacts/${created.body.id}`);
    expect(read).toMatchObject({
      status: 200,
      body: {
        name: '测试联系人',
        load: { elders: 0, byCategory: { A: 0, B: 0, C: 0 }, homeVisitsDueThisMonth: 0 },
      },
    });
  });

  it('refuses bad input with 400 and bilingual messages per field', async () => {
    const reply = await api('POST', '/api/contacts', {
      ...aContact(),
      phone: '12345',
      role: 'boss',
      county: '999999',
      extra: 1,
    });
    expect(reply.status).toBe(400);
    const paths = reply.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['phone', 'role', 'county']));
    for (const e of reply.body.errors) expect(isBilingual(e.message), e.message).toBe(true);
    const noCounty = await api('GET', '/api/contacts?county=999999');
    expect(noCounty.status).toBe(400);
    expect(isBilingual(noCounty.body.errors[0].message)).toBe(true);
    const badPatch = await api('PATCH', `/api/contacts/${await createContact()}`, { phone: 'abc' });
    expect(badPatch.status).toBe(400);
    const unknownField = await api('PATCH', `/api/contacts/${await createContact()}`, { nickname: '某' });
    expect(unknownField.status).toBe(400);
  });

  it('answers 404 for an unknown contact', async () => {
    const reply = await api('GET', '/api/contacts/no-such-contact');
    expect(reply.status).toBe(404);
    expect(isBilingual(reply.body.errors[0].message)).toBe(true);
    expect((await api('PATCH', '/api/contacts/no-such-contact', { name: '某' })).status).toBe(404);
  });

  it('changes a contact and moves its number in the phone index', async () => {
    const id = await createContact({ phone: '13900137101' });
    const patched = await api('PATCH', `/api/contacts/${id}`, { phone: '13900137102', township: '荷塘镇' });
    expect(patched).toMatchObject({ status: 200, body: { phone: '+8613900137102', township: '荷塘镇' } });
    expect(await ownersOfPhone(db, '+8613900137101')).toEqual([]);
    expect(await ownersOfPhone(db, '+8613900137102')).toEqual([{ owner: `CONTACT#${id}`, contactId: id }]);
  });

  it('lists a county’s contacts', async () => {
    const id = await createContact({ county: '440705', township: '会城街道' });
    const reply = await api('GET', '/api/contacts?county=440705');
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
  });

  it('lists every county’s contacts for the city administrator, and one township’s when asked', async () => {
    const here = await createContact({ county: '440785', township: '恩城街道' });
    const there = await createContact({ county: '440785', township: '大田镇' });
    const all = (await api('GET', '/api/contacts')).body.items.map((c: { id: string }) => c.id);
    expect(all).toEqual(expect.arrayContaining([here, there]));
    const one = await api('GET', `/api/contacts?county=440785&township=${encodeURIComponent('恩城街道')}`);
    expect(one.body.items.map((c: { id: string }) => c.id)).toEqual([here]);
  });
});

describe('pairing', () => {
  it('lists active elders without a contact, and pairs them with a code', async () => {
    const contactId = await createContact();
    const lone = await api(
      'POST',
      '/api/elders',
      aRegistration({ region: { county: '440784', township: '沙坪街道', village: '东坑村' } }),
    );
    expect(lone.status).toBe(201);
    const unpaired = await api('GET', '/api/elders/unpaired?county=440784');
    expect(unpaired.body.items.map((e: { id: string }) => e.id)).toEqual([lone.body.id]);
    const everywhere = await api('GET', '/api/elders/unpaired');
    expect(everywhere.body.items.map((e: { id: string }) => e.id)).toContain(lone.body.id);
    const elsewhere = await api(
      'GET',
      `/api/elders/unpaired?county=440784&township=${encodeURIComponent('三埠街道')}`,
    );
    expect(elsewhere.body.items).toEqual([]);

    expect((await api('PATCH', `/api/elders/${lone.body.id}`, { contactId })).status).toBe(200);
    expect((await api('GET', '/api/elders/unpaired?county=440784')).body.items).toEqual([]);
    const contact = await api('GET', `/api/contacts/${contactId}`);
    expect(contact.body.elders).toEqual([
      expect.objectContaining({ id: lone.body.id, code: expect.stringMatching(/^[1-9]\d{1,2}$/) }),
    ]);
    expect(contact.body.load.elders).toBe(1);
  });

  it('counts a contact’s elders by category and the home visits due this month', async () => {
    const contactId = await createContact();
    await api(
      'POST',
      '/api/elders',
      aRegistration({ age: 85, on: '2025-07-10', living: 'alone', contactId }),
    );
    await api('POST', '/api/elders', aRegistration({ age: 65, contactId }));
    const reply = await api('GET', `/api/contacts/${contactId}`);
    // A: a home visit by 31 July; C: by the end of the year
    expect(reply.body.load).toMatchObject({
      elders: 2,
      byCategory: { A: 1, B: 0, C: 1 },
      homeVisitsDueThisMonth: 1,
    });
  });

  it('keeps history when an elder is paired again, and moves the code to the new contact', async () => {
    const first = await createContact();
    const second = await createContact();
    const elder = await api('POST', '/api/elders', aRegistration({ contactId: first }));
    expect((await listPairings(db, first)).map((p) => p.elderId)).toEqual([elder.body.id]);

    const moved = await api.as(countyAdmin('440703', 'staff-1'))('PATCH', `/api/elders/${elder.body.id}`, {
      contactId: second,
    });
    expect(moved.status).toBe(200);
    expect(await listPairings(db, first)).toEqual([]);
    const [pairing] = await listPairings(db, second);
    expect(pairing).toMatchObject({ elderId: elder.body.id, contactId: second });

    const history = await api('GET', `/api/elders/${elder.body.id}/pairings`);
    expect(history.body.items).toEqual([
      expect.objectContaining({ from: null, to: first }),
      expect.objectContaining({ from: first, to: second, by: 'countyAdmin:staff-1', code: pairing?.code }),
    ]);
    const audit = await listAudit(db, elder.body.id);
    expect(audit.at(-1)?.fields).toContain('contactId');

    // unpairing frees the code and leaves the elder unpaired, on the record
    await api('PATCH', `/api/elders/${elder.body.id}`, { contactId: null });
    expect(await listPairings(db, second)).toEqual([]);
    expect((await api('GET', `/api/elders/${elder.body.id}/pairings`)).body.items).toHaveLength(3);
  });

  it('gives an elder a code no other elder of the contact holds (collisions), reusable by other contacts', async () => {
    const busy = await createContact();
    const other = await createContact();
    // every two-digit code but 42 is taken under the busy contact
    for (let c = 10; c <= 99; c++) {
      if (c === 42) continue;
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: {
            ...pairingKeys.code(busy, String(c)),
            type: 'homeVisitCode',
            elderId: `x-${c}`,
            code: String(c),
          },
        }),
      );
    }
    const a = await api('POST', '/api/elders', aRegistration({ contactId: busy }));
    expect((await listPairings(db, busy))[0]?.code).toBe('42');
    const b = await api('POST', '/api/elders', aRegistration({ contactId: busy }));
    const codeB = (await listPairings(db, busy)).find((p) => p.elderId === b.body.id)?.code;
    expect(codeB).toMatch(/^\d{3}$/);

    // the other contact may hand out 42 as well: codes mean something only with the contact's number
    for (let c = 10; c <= 99; c++) {
      if (c === 42) continue;
      await db.doc.send(
        new PutCommand({
          TableName: db.tableName,
          Item: {
            ...pairingKeys.code(other, String(c)),
            type: 'homeVisitCode',
            elderId: `y-${c}`,
            code: String(c),
          },
        }),
      );
    }
    await api('POST', '/api/elders', aRegistration({ contactId: other }));
    expect((await listPairings(db, other))[0]?.code).toBe('42');
    expect(a.status).toBe(201);
  });

  it('refuses pairing with a contact that does not exist', async () => {
    const reply = await api('POST', '/api/elders', aRegistration({ contactId: 'no-such-contact' }));
    expect(reply.status).toBe(422);
  });
});
