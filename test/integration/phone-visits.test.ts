import { beforeAll, describe, expect, it } from 'vitest';
import { updateElder } from '../../shared/register/service.js';
import { getCase, listCheckIns } from '../../shared/store/phone.js';
import { listVisits } from '../../shared/store/visits.js';
import { aRegistration } from '../support/builders.js';
import { freshDb } from '../support/db.js';
import { phoneWorld, shanghai } from '../support/phone.js';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});

describe('a day of phone visits', () => {
  it('calls each elder in the window, records well replies as visits, and escalates', async () => {
    const world = phoneWorld(db, shanghai('2025-07-01T07:30:00'));
    const contactId = await world.contact('+8613900000001', 'ack', 10);
    const well = await world.elder(aRegistration({ phone: '13800001001', contactId }), {
      voice: ['press-1'],
    });
    const silent = await world.elder(
      aRegistration({
        phone: '13800001002',
        contactId,
        emergencyContacts: [{ name: '测试子女', relation: 'child', phone: '13900000002' }],
      }),
      { voice: ['no-answer'], sms: 'no-reply' },
    );
    const help = await world.elder(
      aRegistration({
        phone: '13800001003',
        contactId,
        emergencyContacts: [{ name: '测试子女', relation: 'child', phone: '13900000003' }],
      }),
      { voice: ['press-2'] },
    );

    await world.runUntil(shanghai('2025-07-01T22:00:00'));

    // nothing placed outside the windows
    for (const call of world.network.calls) {
      const hour = new Date(call.at).getUTCHours() + 8;
      expect(hour, call.at).toBeGreaterThanOrEqual(9);
      expect(hour, call.at).toBeLessThan(21);
    }
    const [wellCheckIn] = await listCheckIns(db, well.id);
    expect(wellCheckIn).toMatchObject({ status: 'well', attempts: [{ outcome: 'well' }] });
    expect(await listVisits(db, well.id, '2025-07-01', '2025-07-01')).toEqual([
      expect.objectContaining({ mode: 'automated' }),
    ]);

    const [silentCheckIn] = await listCheckIns(db, silent.id);
    expect(silentCheckIn?.status).toBe('noResponse');
    expect(silentCheckIn?.attempts.map((a) => `${a.channel}:${a.outcome ?? '-'}`)).toEqual([
      'voice:noAnswer',
      'voice:noAnswer',
      'voice:noAnswer',
      'sms:-',
    ]);
    const silentCase = await getCase(db, silentCheckIn?.caseId as string);
    expect(silentCase).toMatchObject({ reason: 'noResponse', status: 'acknowledged' });
    expect(silentCase?.steps[0]).toMatchObject({ level: 1, role: 'contact', status: 'sent' });

    const [helpCheckIn] = await listCheckIns(db, help.id);
    expect(helpCheckIn?.status).toBe('needsHelp');
    const helpCase = await getCase(db, helpCheckIn?.caseId as string);
    expect(helpCase?.steps.map((s) => `${s.level}:${s.role}`)).toEqual(
      expect.arrayContaining(['1:contact', '2:emergency']),
    );
    const firstHelpText = world.network.texts.find(
      (t) => t.purpose === 'escalation' && t.to === '+8613900000003',
    );
    const keypress = world.network.calls.find((c) => c.to === '+8613800001003')?.digits;
    expect(keypress).toBe('2');
    expect(firstHelpText).toBeDefined();

    expect(world.network.peaks.inProgress).toBeLessThanOrEqual(10);
    expect(world.network.peaks.callsInOneSecond).toBeLessThanOrEqual(1);
    expect(world.queue.deadLetters).toHaveLength(0);
  });
});

describe('an elder’s own calling windows', () => {
  it('are used instead of the county’s', async () => {
    const world = phoneWorld(db, shanghai('2025-07-02T07:30:00'));
    const elder = await world.elder(aRegistration({ phone: '13800001201' }), { voice: ['press-1'] });
    await updateElder(
      { db, policy: world.policy },
      elder.id,
      { callWindows: [{ start: '16:00', end: '17:00' }] },
      { actor: 'test', now: world.timeline.now() },
    );
    await world.runUntil(shanghai('2025-07-02T20:00:00'));
    const calls = world.network.calls.filter((c) => c.to === '+8613800001201');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.at).toBe(shanghai('2025-07-02T16:00:00').toISOString());
  });
});
