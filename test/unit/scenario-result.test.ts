import { describe, expect, it } from 'vitest';
import type { TextRecord } from '../../local/phone/network.js';
import { between, seededRandom } from '../../local/simulation/random.js';
import { buildRows, type Directory, kebab, type SimulationResult } from '../../local/simulation/result.js';
import { SIMULATION_POLICY } from '../../local/simulation/scenario.js';
import { formatSummary } from '../../local/simulation/summary.js';
import type { Case } from '../../shared/phone/case.js';
import type { CheckIn } from '../../shared/phone/checkin.js';
import { buildMonthlyReport } from '../../shared/reports/monthly.js';
import { isoInPolicyZone } from '../../shared/time.js';

const directory: Directory = {
  elderOf: new Map([
    ['uuid-1', 'elder-a'],
    ['uuid-2', 'elder-b'],
  ]),
  elderByPhone: new Map([['+8613800130001', 'elder-a']]),
  contactByPhone: new Map([['+8613900000001', 'contact-1']]),
};
const at = (iso: string) => isoInPolicyZone(new Date(iso));

function aCheckIn(overrides: Partial<CheckIn> = {}): CheckIn {
  return {
    id: 'c-1',
    elderId: 'uuid-1',
    county: '440703',
    category: 'A',
    channel: 'voice',
    openedAt: '2025-07-01T00:00:00.000Z',
    status: 'well',
    attempts: [
      {
        n: 1,
        channel: 'voice',
        plannedAt: '2025-07-01T01:00:00.000Z',
        status: 'ended',
        placedAt: '2025-07-01T01:00:00.000Z',
        outcome: 'noAnswer',
      },
      {
        n: 2,
        channel: 'voice',
        plannedAt: '2025-07-01T01:30:00.000Z',
        status: 'ended',
        placedAt: '2025-07-01T01:30:00.000Z',
        outcome: 'well',
      },
      { n: 3, channel: 'sms', plannedAt: '2025-07-01T02:00:00.000Z', status: 'planned' },
    ],
    version: 3,
    ...overrides,
  };
}

function aCase(overrides: Partial<Case> = {}): Case {
  return {
    id: 'case-1',
    code: '1234',
    elderId: 'uuid-2',
    county: '440703',
    township: '潮连街道',
    reason: 'needsHelp',
    openedAt: '2025-07-01T01:00:00.000Z',
    status: 'acknowledged',
    level: 1,
    steps: [
      {
        n: 0,
        level: 1,
        to: '+8613900000001',
        role: 'contact',
        ref: 'contact-1',
        channel: 'sms',
        at: '2025-07-01T01:00:00.000Z',
        status: 'sent',
        acknowledgedAt: '2025-07-01T01:10:00.000Z',
      },
    ],
    acknowledgedAt: '2025-07-01T01:10:00.000Z',
    acknowledgedBy: 'contact-1',
    timeline: [],
    version: 2,
    ...overrides,
  };
}

const text = (overrides: Partial<TextRecord>): TextRecord => ({
  providerId: 'sim-sms-1',
  to: '+8613900000001',
  from: '+8675000000000',
  text: '',
  at: '2025-07-01T01:10:00.000Z',
  direction: 'out',
  ...overrides,
});

describe('buildRows', () => {
  it('names elders by scenario id, gives times in +08:00 and words in kebab-case', () => {
    const rows = buildRows({
      directory,
      checkIns: [aCheckIn()],
      visits: [],
      cases: [aCase()],
      texts: [],
      at,
    });
    expect(rows.calls).toEqual([
      { elderId: 'elder-a', at: '2025-07-01T09:00:00.000+08:00', attempt: 1, outcome: 'no-answer' },
      { elderId: 'elder-a', at: '2025-07-01T09:30:00.000+08:00', attempt: 2, outcome: 'well' },
    ]);
    expect(rows.checkIns).toEqual([
      {
        elderId: 'elder-a',
        openedAt: '2025-07-01T08:00:00.000+08:00',
        channel: 'voice',
        status: 'well',
        attempts: 3,
        closedAt: null,
      },
    ]);
    expect(rows.cases[0]).toMatchObject({
      elderId: 'elder-b',
      reason: 'needs-help',
      steps: [{ step: 1, role: 'contact', at: '2025-07-01T09:00:00.000+08:00' }],
      acknowledgedAt: '2025-07-01T09:10:00.000+08:00',
      closure: null,
    });
  });

  it('attributes acknowledgement texts, which carry no elder id, to the case their code names', () => {
    const earlier = aCase({ id: 'case-0', elderId: 'uuid-1', openedAt: '2025-06-30T01:00:00.000Z' });
    const rows = buildRows({
      directory,
      checkIns: [],
      visits: [],
      cases: [earlier, aCase()],
      texts: [
        text({ text: '【安心】已确认由您跟进个案1234，谢谢。', purpose: 'ackConfirm' }),
        text({ to: '+8613800130001', purpose: 'checkIn', elderId: 'uuid-1', at: '2025-07-01T01:00:00.000Z' }),
        text({ direction: 'in', from: '+8613900000001', to: '+8675000000000', text: '1234' }),
      ],
      at,
    });
    expect(rows.texts).toEqual([
      { to: '+8613800130001', at: '2025-07-01T09:00:00.000+08:00', purpose: 'check-in', elderId: 'elder-a' },
      {
        to: '+8613900000001',
        at: '2025-07-01T09:10:00.000+08:00',
        purpose: 'ack-confirm',
        elderId: 'elder-b',
      },
    ]);
    expect(rows.replies).toEqual([
      {
        from: '+8613900000001',
        at: '2025-07-01T09:10:00.000+08:00',
        text: '1234',
        elderId: null,
        contactId: 'contact-1',
      },
    ]);
  });

  it('orders rows by time and elder, whatever order the store returned them in', () => {
    const a = aCheckIn();
    const b = aCheckIn({ id: 'c-2', elderId: 'uuid-2' });
    const forward = buildRows({ directory, checkIns: [a, b], visits: [], cases: [], texts: [], at });
    const backward = buildRows({ directory, checkIns: [b, a], visits: [], cases: [], texts: [], at });
    expect(backward).toEqual(forward);
    expect(forward.calls.map((c) => c.elderId)).toEqual(['elder-a', 'elder-b', 'elder-a', 'elder-b']);
  });
});

describe('kebab', () => {
  it.each([
    ['optOutNotice', 'opt-out-notice'],
    ['noAnswer', 'no-answer'],
    ['needsHelp', 'needs-help'],
    ['well', 'well'],
  ])('%s → %s', (word, expected) => {
    expect(kebab(word)).toBe(expected);
  });
});

describe('seededRandom', () => {
  it('repeats itself for the same seed and not for another', () => {
    const draw = (seed: number) => {
      const next = seededRandom(seed);
      return Array.from({ length: 20 }, () => between(next, 1, 10));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw(7).every((n) => n >= 1 && n <= 10)).toBe(true);
  });
});

describe('formatSummary', () => {
  it('shows the totals, the peaks against the limits and a row per elder', () => {
    const result: SimulationResult = {
      scenario: {
        start: '2025-07-01T08:00:00.000+08:00',
        end: '2025-07-02T08:00:00.000+08:00',
        days: 1,
        seed: 1,
      },
      elders: [{ id: 'elder-a', category: 'A', channel: 'voice', phone: '+8613800130001', contactId: null }],
      checkIns: [],
      calls: [
        { elderId: 'elder-a', at: '2025-07-01T09:00:00.000+08:00', attempt: 1, outcome: 'no-answer' },
        { elderId: 'elder-a', at: '2025-07-01T09:30:00.000+08:00', attempt: 2, outcome: 'well' },
      ],
      texts: [],
      replies: [],
      visits: [{ elderId: 'elder-a', at: '2025-07-01T09:30:00.000+08:00', mode: 'automated' }],
      cases: [],
      reminders: [],
      report: buildMonthlyReport({
        month: '2025-07',
        today: '2025-07-02',
        scope: { county: '440703' },
        counties: SIMULATION_POLICY.counties,
        lossOfAbilityFrom: SIMULATION_POLICY.lossOfAbilityFrom,
        elders: [],
        visits: [],
        cases: [],
        contacts: [],
      }),
      summary: {
        days: 1,
        elders: 1,
        checkIns: 1,
        calls: 2,
        texts: 0,
        visits: 1,
        reminders: 0,
        casesOpened: 0,
        casesAcknowledged: 0,
        peaks: { inProgress: 1, callsInOneSecond: 1, smsPartsInOneSecond: 0 },
        limits: { callsPerSecond: 1, callsInProgress: 10, smsPartsPerSecond: 10 },
        deadLetters: 0,
        errors: 0,
      },
      errors: [],
    };
    const summary = formatSummary(result);
    expect(summary).toContain('外呼 calls 2');
    expect(summary).toContain('同时通话 calls in progress 1/10');
    expect(summary).toContain('提醒 reminders 0');
    expect(summary).toContain('探访率 visit rate 0/0 -');
    expect(summary).toMatch(/elder-a +A voice +- +no-answer well +- +1 +-/);
  });
});
