import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acknowledge,
  type Case,
  type CaseReason,
  closeCase,
  type Ladder,
  notified,
  onCaseDue,
  onLateWell,
  openCase,
  type Recipient,
  upgradeToHelp,
} from '../../shared/phone/case.js';
import { DEFAULT_PHONE_POLICY } from '../../shared/phone/config.js';

const policy = DEFAULT_PHONE_POLICY;
const MINUTE = 60_000;
const t0 = new Date('2025-07-01T05:00:00Z');
const at = (minutes: number) => new Date(t0.getTime() + minutes * MINUTE);

const contact: Recipient = { to: '+8613900000001', role: 'contact', ref: 'contact-1' };
const child: Recipient = { to: '+8613900000011', role: 'emergency', ref: 'emergency-0' };
const neighbour: Recipient = { to: '+8613900000012', role: 'emergency', ref: 'emergency-1' };
const duty: Recipient = { to: '+8613900000021', role: 'duty', ref: 'duty-0' };
const supervisor: Recipient = { to: '+8613900000022', role: 'duty', ref: 'duty-1' };
const fullLadder: Ladder = { contact: [contact], emergency: [child, neighbour], duty: [duty, supervisor] };

const opened = (reason: CaseReason, ladder: Ladder = fullLadder) =>
  openCase({
    id: 'case-1',
    code: '4321',
    elderId: 'elder-1',
    checkInId: 'ci-1',
    county: '440703',
    township: '潮连街道',
    reason,
    ladder,
    now: t0,
    policy,
  });
const stepsOf = (c: Case) => c.steps.map((s) => `${s.level}:${s.role}:${s.to.slice(-2)}:${s.channel}`);
const markSent = (c: Case): Case => ({
  ...c,
  steps: c.steps.map((s) => ({ ...s, status: 'sent' as const })),
});

describe('the escalation ladder', () => {
  it('no response: the paired contact first, by text, with 60 minutes to acknowledge', () => {
    const t = opened('noResponse');
    expect(stepsOf(t.case)).toEqual(['1:contact:01:sms']);
    expect(t.dispatch).toEqual([0]);
    expect(t.case).toMatchObject({
      status: 'open',
      level: 1,
      next: { kind: 'step', at: at(60).toISOString() },
    });
  });

  it('no acknowledgement in 60 minutes: level 2 texts then calls the emergency contacts in order (children first), then level 3 duty phones', () => {
    const one = opened('noResponse').case;
    expect(onCaseDue(one, fullLadder, at(59), policy).case).toBe(one);
    const two = onCaseDue(one, fullLadder, at(60), policy);
    expect(stepsOf(two.case).slice(1)).toEqual([
      '2:emergency:11:sms',
      '2:emergency:12:sms',
      '2:emergency:11:voice',
      '2:emergency:12:voice',
    ]);
    expect(two.dispatch).toEqual([1, 2, 3, 4]);
    expect(two.case.level).toBe(2);
    const three = onCaseDue(two.case, fullLadder, at(120), policy);
    expect(stepsOf(three.case).slice(5)).toEqual(['3:duty:21:sms', '3:duty:22:sms']);
    expect(three.dispatch).toEqual([5, 6]);
    // the top of the ladder: nothing more to send, the case stays open for staff
    const done = onCaseDue(three.case, fullLadder, at(180), policy);
    expect(done.dispatch).toEqual([]);
    expect(done.case.steps).toHaveLength(7);
    expect(done.case.status).toBe('open');
    expect(done.case.next).toBeUndefined();
  });

  it('skips an empty level: without a paired contact, no response goes to the emergency contacts at once', () => {
    const t = opened('noResponse', { ...fullLadder, contact: [] });
    expect(t.case.level).toBe(2);
    expect(stepsOf(t.case)).toEqual([
      '2:emergency:11:sms',
      '2:emergency:12:sms',
      '2:emergency:11:voice',
      '2:emergency:12:voice',
    ]);
    const onlyDuty = opened('noResponse', { contact: [], emergency: [], duty: [duty] });
    expect(stepsOf(onlyDuty.case)).toEqual(['3:duty:21:sms']);
  });

  it('needs help: the contact and the first emergency contact at once, no waiting', () => {
    const t = opened('needsHelp');
    expect(stepsOf(t.case)).toEqual(['1:contact:01:sms', '2:emergency:11:sms']);
    expect(t.dispatch).toEqual([0, 1]);
    // an hour on, the rest of level 2; the first emergency contact is not texted again
    const later = onCaseDue(t.case, fullLadder, at(60), policy);
    expect(stepsOf(later.case).slice(2)).toEqual([
      '2:emergency:12:sms',
      '2:emergency:11:voice',
      '2:emergency:12:voice',
    ]);
  });

  it('an empty ladder opens a case nobody can be told of, marked unnotifiable, with nothing due', () => {
    const t = opened('noResponse', { contact: [], emergency: [], duty: [] });
    expect(t.case.steps).toEqual([]);
    expect(t.dispatch).toEqual([]);
    expect(t.case.next).toBeUndefined();
    expect(t.case.timeline.map((e) => e.event)).toContain('unnotifiable');
  });

  it('a needs-help reply on a no-response case goes on at once as for help', () => {
    const t = upgradeToHelp(opened('noResponse').case, fullLadder, at(10), policy);
    expect(t.case.reason).toBe('needsHelp');
    expect(stepsOf(t.case)).toEqual(['1:contact:01:sms', '2:emergency:11:sms']);
    expect(t.dispatch).toEqual([1]);
    expect(t.case.next?.at).toBe(at(70).toISOString());
  });

  it('acknowledging stops the ladder and confirms to the one who acknowledged', () => {
    const two = onCaseDue(opened('noResponse').case, fullLadder, at(60), policy).case;
    const ack = acknowledge(two, neighbour.to, at(70));
    expect(ack.case).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'emergency-1' });
    expect(ack.case.next).toBeUndefined();
    expect(ack.texts).toEqual([{ to: neighbour.to, purpose: 'ackConfirm', n: 2 }]);
    expect(onCaseDue(ack.case, fullLadder, at(200), policy).case).toBe(ack.case);
    // someone who was never told cannot acknowledge
    expect(acknowledge(two, '+8613911112222', at(70)).case).toBe(two);
    expect(acknowledge(ack.case, contact.to, at(71)).case).toBe(ack.case);
  });

  it('a late well reply closes a no-response case as reachedWell and texts everyone notified, once each', () => {
    const two = markSent(onCaseDue(opened('noResponse').case, fullLadder, at(60), policy).case);
    const late = onLateWell(two, at(90));
    expect(late.case).toMatchObject({
      status: 'closed',
      closure: 'reachedWell',
      closedBy: 'system:late-reply',
    });
    expect(late.case.next).toBeUndefined();
    expect(late.texts.map((x) => x.to).sort()).toEqual([contact.to, child.to, neighbour.to].sort());
    expect(late.texts.every((x) => x.purpose === 'caseClosed')).toBe(true);
    expect(onLateWell(late.case, at(95)).case).toBe(late.case);
    // steps not yet sent were nobody's news
    const fresh = onLateWell(opened('noResponse').case, at(5));
    expect(fresh.texts).toEqual([]);
    // a needs-help case is not closed by a well reply
    const help = opened('needsHelp').case;
    expect(onLateWell(help, at(5)).case).toBe(help);
  });

  it('staff close a case with what happened; a closed case stays closed', () => {
    const c = opened('needsHelp').case;
    const closed = closeCase(c, 'visited', 'staff:1', at(30), '已上门');
    expect(closed.case).toMatchObject({
      status: 'closed',
      closure: 'visited',
      closedBy: 'staff:1',
      note: '已上门',
    });
    expect(closed.case.next).toBeUndefined();
    expect(closeCase(closed.case, 'other', 'staff:2', at(40)).case).toBe(closed.case);
    expect(onCaseDue(closed.case, fullLadder, at(120), policy).case).toBe(closed.case);
    expect(upgradeToHelp(closed.case, fullLadder, at(120), policy).case).toBe(closed.case);
  });

  it('notified lists each number sent a step once', () => {
    const c = markSent(onCaseDue(opened('noResponse').case, fullLadder, at(60), policy).case);
    expect(notified(c)).toEqual([contact.to, child.to, neighbour.to]);
  });
});

// numbers from a small pool, so the same person may stand on several levels or twice on one
const aNumber = fc.constantFrom('+8613900000001', '+8613900000002', '+8613900000003', '+8613900000004');
const recipients = (role: Recipient['role']) =>
  fc
    .array(aNumber, { maxLength: 3 })
    .map((nums) => nums.map((to, i): Recipient => ({ to, role, ref: `${role}-${i}` })));
const aLadder = fc.record({
  contact: recipients('contact'),
  emergency: recipients('emergency'),
  duty: recipients('duty'),
});
type Op = { kind: 'due' | 'upgrade' | 'ack'; minutes: number; who: number };
const anOp = fc.record({
  kind: fc.constantFrom<Op['kind']>('due', 'due', 'upgrade', 'ack'),
  minutes: fc.integer({ min: 0, max: 200 }),
  who: fc.nat(10),
});

describe('ladder properties (any ladder, any sequence of due times, upgrades and acknowledgements)', () => {
  it('never sends anyone the same step twice, and an open case always has someone on it unless the ladder is empty', () => {
    fc.assert(
      fc.property(
        aLadder,
        fc.constantFrom<CaseReason>('noResponse', 'needsHelp'),
        fc.array(anOp, { maxLength: 12 }),
        (ladder, reason, ops) => {
          const empty = ladder.contact.length + ladder.emergency.length + ladder.duty.length === 0;
          const first = opened(reason, ladder);
          let c = first.case;
          const dispatched = [...first.dispatch];
          let minutes = 0;
          const check = () => {
            const keys = c.steps.map((s) => `${s.level}|${s.to}|${s.channel}`);
            expect(new Set(keys).size, keys.join(', ')).toBe(keys.length);
            expect(c.steps.map((s) => s.n)).toEqual(c.steps.map((_, i) => i));
            if (c.status === 'open' && !empty) expect(c.steps.length).toBeGreaterThan(0);
            if (empty) expect(c.steps).toEqual([]);
          };
          check();
          for (const op of ops) {
            minutes += op.minutes;
            const now = at(minutes);
            const t =
              op.kind === 'due'
                ? onCaseDue(c, ladder, now, policy)
                : op.kind === 'upgrade'
                  ? upgradeToHelp(c, ladder, now, policy)
                  : acknowledge(c, c.steps[op.who % Math.max(1, c.steps.length)]?.to ?? '', now);
            dispatched.push(...t.dispatch);
            c = t.case;
            check();
            if (op.kind === 'ack' && c.status === 'acknowledged') {
              expect(c.next).toBeUndefined();
              expect(onCaseDue(c, ladder, at(minutes + 500), policy).dispatch).toEqual([]);
            }
          }
          // every step was handed to the dispatcher exactly once
          expect([...dispatched].sort((a, b) => a - b)).toEqual(c.steps.map((s) => s.n));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
