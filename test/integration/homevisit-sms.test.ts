import { beforeAll, describe, expect, it } from 'vitest';
import { runDigests } from '../../shared/homevisits/sms.js';
import type { DispatchJob } from '../../shared/phone/jobs.js';
import { registerElder } from '../../shared/register/service.js';
import { putContact } from '../../shared/store/contacts.js';
import { listFollowUps } from '../../shared/store/followups.js';
import { listHomeVisitAttempts, listPairings } from '../../shared/store/pairing.js';
import { getCase, listCheckIns } from '../../shared/store/phone.js';
import { listVisits } from '../../shared/store/visits.js';
import { elderCompliance } from '../../shared/visits/record.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';
import { phoneWorld, shanghai } from '../support/phone.js';

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});

describe('recording a home visit by text', () => {
  it('takes `<code> 1|2|3` from the paired contact only, once per message, and confirms it', async () => {
    const world = phoneWorld(db, shanghai('2025-07-01T07:30:00'));
    const contactPhone = '+8613900000021';
    const otherPhone = '+8613900000022';
    const contactId = await world.contact(contactPhone, 'ack', 10);
    await world.contact(otherPhone, 'ignore');
    const a = await world.elder(
      aRegistration({ phone: '13800002001', age: 85, living: 'alone', contactId }),
      { voice: ['press-1'] },
    );
    const c = await world.elder(aRegistration({ phone: '13800002002', contactId }), { voice: ['press-1'] });
    const silent = await world.elder(
      aRegistration({
        phone: '13800002003',
        contactId,
        emergencyContacts: [{ name: '测试子女', relation: 'child', phone: '13900002003' }],
      }),
      { voice: ['no-answer'], sms: 'no-reply' },
    );
    expect(a.category).toBe('A');

    await world.runUntil(shanghai('2025-07-01T22:00:00'));
    // the contact acknowledged the silent elder's case with its four-digit code, as before
    const [silentCheckIn] = await listCheckIns(db, silent.id);
    expect((await getCase(db, silentCheckIn?.caseId as string))?.status).toBe('acknowledged');

    const codes = new Map((await listPairings(db, contactId)).map((p) => [p.elderId, p.code]));
    const codeA = codes.get(a.id) as string;
    expect(codeA).toMatch(/^[1-9]\d{1,2}$/);
    expect(new Set(codes.values()).size).toBe(3);

    await world.network.textIn(contactPhone, `${codeA} 1`, 'hv-msg-1');
    await world.network.textIn(contactPhone, `${codeA} 1`, 'hv-msg-1'); // redelivered
    await world.network.textIn(otherPhone, `${codeA} 1`, 'hv-msg-2'); // another contact's number
    await world.network.textIn(contactPhone, `${codes.get(c.id)} 2`, 'hv-msg-3');
    await world.network.textIn(contactPhone, `${codes.get(silent.id)}　３`, 'hv-msg-4'); // full-width
    await world.timeline.runUntil(shanghai('2025-07-01T23:00:00'));

    const homeOf = async (id: string) =>
      (await listVisits(db, id, '2025-07-01', '2025-07-31')).filter((v) => v.mode === 'home');
    expect(await homeOf(a.id)).toEqual([
      expect.objectContaining({
        mode: 'home',
        visitors: ['联系人1'],
        recordedBy: `contact:${contactId}:sms`,
      }),
    ]);
    expect(
      (await elderCompliance({ db, policy }, a.id, '2025-07', shanghai('2025-07-01T23:00:00'))).monthlyMet,
    ).toBe(true);

    // 2: a home visit and a follow-up item for the next digest
    expect(await homeOf(c.id)).toHaveLength(1);
    expect(await listFollowUps(db, c.id)).toEqual([
      expect.objectContaining({ status: 'open', reason: 'needsFollowUp', contactId }),
    ]);
    // 3: an attempt kept, no visit
    expect(await homeOf(silent.id)).toEqual([]);
    expect(await listHomeVisitAttempts(db, silent.id)).toEqual([
      expect.objectContaining({ outcome: 'notAtHome', contactId }),
    ]);

    const textsTo = (to: string, purpose: string) =>
      world.network.texts.filter((t) => t.direction === 'out' && t.to === to && t.purpose === purpose);
    expect(textsTo(contactPhone, 'visitConfirm').map((t) => t.text)).toEqual([
      expect.stringContaining('一切正常'),
      expect.stringContaining('需跟进'),
      expect.stringContaining('上门未遇'),
    ]);
    expect(textsTo(otherPhone, 'visitRefused')).toHaveLength(1);
    expect(textsTo(otherPhone, 'visitConfirm')).toHaveLength(0);
  });
});

describe('the morning digests', () => {
  it('sends each contact one digest a day on the 7/3/1-day and overdue days, and the supervisor the long overdue', async () => {
    // a table of its own: the contacts of the test above have items due too
    const db = await freshDb();
    const contactId = 'digest-contact';
    await putContact(db, {
      id: contactId,
      name: '王联系',
      phone: '+8613900000031',
      role: 'committeeStaff',
      county: '440703',
      township: '潮连街道',
      supervisors: [{ name: '李督导', phone: '+8613900000039' }],
    });
    const register = (on: string, body: Parameters<typeof aRegistration>[0]) =>
      registerElder({ db, policy }, aRegistration({ ...body, contactId }), {
        actor: 'test',
        now: shanghai(`${on}T10:00:00`),
      });
    // A since May, never visited at home: June was missed, overdue since 30 June
    const late = await register('2025-05-02', {
      age: 85,
      on: '2025-05-02',
      living: 'alone',
      phone: '13800003001',
    });
    // A since July: due by 31 July
    const due = await register('2025-07-01', {
      age: 85,
      on: '2025-07-01',
      living: 'alone',
      phone: '13800003002',
    });
    // C: a home visit by the end of the year, nothing to say in July
    const later = await register('2025-07-01', { age: 65, phone: '13800003003' });
    const codes = new Map((await listPairings(db, contactId)).map((p) => [p.elderId, p.code]));

    const sent: DispatchJob[] = [];
    let clock = shanghai('2025-07-24T08:30:00');
    const deps = {
      db,
      policy,
      now: () => clock,
      log: () => undefined,
      queue: { send: async (jobs: DispatchJob[]) => void sent.push(...jobs) },
    };
    const texts = () => sent.flatMap((j) => (j.kind === 'text' ? [j] : []));

    expect(await runDigests(deps)).toMatchObject({ digests: 1, supervisorDigests: 1 });
    const [digest, supervisor] = texts();
    expect(digest).toMatchObject({ to: '+8613900000031', purpose: 'digest' });
    expect(digest?.text).toContain(`代码${codes.get(late.id)} 逾期24天`);
    expect(digest?.text).toContain(`代码${codes.get(due.id)} 7天内`);
    expect(digest?.text).not.toContain(`代码${codes.get(later.id)} `);
    expect(supervisor).toMatchObject({ to: '+8613900000039', purpose: 'digest' });
    expect(supervisor?.text).toContain('王联系 1位(最长24天)');

    // a second run the same day sends nothing
    expect(await runDigests(deps)).toMatchObject({ digests: 0, supervisorDigests: 0 });
    expect(texts()).toHaveLength(2);

    // the next day: only the overdue visit is mentioned
    clock = shanghai('2025-07-25T08:30:00');
    await runDigests(deps);
    const next = texts()[2]?.text ?? '';
    expect(next).toContain(`代码${codes.get(late.id)} 逾期25天`);
    expect(next).not.toContain(`代码${codes.get(due.id)} `);
  });
});
