import { beforeAll, describe, expect, it } from 'vitest';
import { runPlanner } from '../../shared/phone/engine.js';
import type { Elder } from '../../shared/register/elder.js';
import { listCheckIns } from '../../shared/store/phone.js';
import { aRegistration } from '../support/builders.js';
import { freshDb } from '../support/db.js';
import { phoneWorld, shanghai } from '../support/phone.js';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});

describe('phone-visit logs carry no personal data', () => {
  it('a day with a key 1, a key 2, no answer, a text reply and an opt-out logs no name, phone number or ID number', async () => {
    const world = phoneWorld(db, shanghai('2025-07-01T08:55:00'));
    const contactPhone = '+8613900012000';
    const contactId = await world.contact(contactPhone, 'ack', 10);
    const people: Elder[] = [];
    const add = async (elder: Promise<Elder>) => {
      people.push(await elder);
    };
    await add(
      world.elder(aRegistration({ name: '欧阳秀英', phone: '13800012001', contactId }), {
        voice: ['press-1'],
      }),
    );
    await add(
      world.elder(
        aRegistration({
          name: '司马桂芳',
          phone: '13800012002',
          contactId,
          emergencyContacts: [{ name: '司马建国', relation: 'child', phone: '13900012002' }],
        }),
        { voice: ['press-2'] },
      ),
    );
    await add(
      world.elder(
        aRegistration({
          name: '诸葛淑珍',
          phone: '13800012003',
          contactId,
          emergencyContacts: [
            { name: '诸葛美华', relation: 'child', phone: '13900012003' },
            { name: '隔壁王伯', relation: 'neighbour', phone: '13900012004' },
          ],
        }),
        { voice: ['no-answer'], sms: 'no-reply' },
      ),
    );
    await add(
      world.elder(aRegistration({ name: '上官玉兰', phone: '13800012005', contactId, channel: 'sms' }), {
        sms: 'reply-1',
      }),
    );
    await add(
      world.elder(aRegistration({ name: '皇甫翠娥', phone: '13800012006', contactId, channel: 'sms' }), {
        sms: 'reply-td',
      }),
    );
    // a text from nobody we know, and one the system does not understand
    const until = shanghai('2025-07-01T16:00:00');
    const tick = async () => {
      await runPlanner(world.deps);
      const next = new Date(world.timeline.now().getTime() + 5 * 60_000);
      if (next <= until) world.timeline.at(next, tick);
    };
    world.timeline.at(world.timeline.now(), tick);
    world.timeline.at(shanghai('2025-07-01T12:00:00'), () => world.network.textIn('+8613700012999', '你好'));
    world.timeline.at(shanghai('2025-07-01T12:01:00'), () =>
      world.network.textIn('+8613800012001', '谢谢关心'),
    );
    await world.timeline.runUntil(until);
    expect(world.timeline.errors).toEqual([]);

    // the day did what it should, so the logs cover every path
    const statuses = await Promise.all(people.map(async (p) => (await listCheckIns(db, p.id))[0]?.status));
    // (what follows an opt-out is the engine's business; here it only has to be logged without data)
    expect(statuses.slice(0, 4)).toEqual(['well', 'needsHelp', 'noResponse', 'well']);
    const messages = new Set(world.logs.map((l) => (JSON.parse(l) as { message: string }).message));
    for (const m of [
      'check-in opened',
      'attempt placed',
      'case opened',
      'case step sent',
      'case acknowledged',
      'elder opted out of texts',
      'text sent',
      'inbound texts',
    ])
      expect(messages, m).toContain(m);

    const secrets = [
      ...people.flatMap((p) => [
        p.name,
        p.phone,
        p.phone.replace(/^\+86/, ''),
        p.phone.replace(/^\+/, ''),
        ...(p.idNumber ? [p.idNumber] : []),
        p.address,
        ...p.emergencyContacts.flatMap((c) => [c.name, c.phone, c.phone.replace(/^\+86/, '')]),
      ]),
      contactPhone,
      contactPhone.replace(/^\+86/, ''),
      '联系人1',
      '13700012999',
      '谢谢关心',
    ];
    expect(people.every((p) => p.idNumber)).toBe(true);
    const leaks = world.logs.flatMap((line) =>
      secrets.filter((s) => line.includes(s)).map((s) => `${s} in ${line}`),
    );
    expect(leaks).toEqual([]);
    expect(world.logs.length).toBeGreaterThan(50);
  });
});
