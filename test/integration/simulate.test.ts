import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { SimulationResult } from '../../local/simulation/result.js';
import { simulate } from '../../local/simulation/run.js';
import type { ScenarioInput } from '../../local/simulation/scenario.js';

const example = (name: string) => JSON.parse(readFileSync(`examples/${name}.json`, 'utf8')) as ScenarioInput;
const run = (name: string) => simulate(example(name), { endpoint: inject('dynamoEndpoint') });

/** The local time of a +08:00 instant, "HH:mm". */
const clock = (at: string) => at.slice(11, 16);
const minute = (at: string) => at.slice(0, 16);

let week: SimulationResult;
let weekAgain: SimulationResult;
let typhoon: SimulationResult;
let help: SimulationResult;
let month: SimulationResult;

beforeAll(async () => {
  // every run has a table of its own in the tier's DynamoDB Local, so they can run side by side
  [week, weekAgain, typhoon, help, month] = await Promise.all([
    run('week-basic'),
    run('week-basic'),
    run('typhoon-no-response'),
    run('help-now'),
    run('month-home-visits'),
  ]);
}, 600_000);

const elder = (result: SimulationResult, id: string) => {
  const found = result.elders.find((e) => e.id === id);
  if (!found) throw new Error(`no elder ${id} in the result`);
  return found;
};
const casesOf = (result: SimulationResult, id: string) => result.cases.filter((c) => c.elderId === id);

describe('examples/week-basic.json: a week of eight elders', () => {
  it('opens check-ins by category: A every 3 days, B every 7, C every 14', () => {
    const perWeek = { A: 3, B: 1, C: 1 };
    for (const e of week.elders) {
      const checkIns = week.checkIns.filter((c) => c.elderId === e.id);
      expect(checkIns, e.id).toHaveLength(perWeek[e.category]);
      if (e.category === 'A')
        expect(
          checkIns.map((c) => c.openedAt.slice(0, 10)),
          e.id,
        ).toEqual(['2025-07-01', '2025-07-04', '2025-07-07']);
    }
    expect(week.elders.map((e) => e.category).sort()).toEqual(['A', 'A', 'A', 'B', 'B', 'C', 'C', 'C']);
  });

  it('records an automated visit for every check-in answered with 1, by keypad or by text', () => {
    for (const id of ['a-well', 'a-retry', 'c-well', 'c-sms']) {
      const checkIns = week.checkIns.filter((c) => c.elderId === id);
      const visits = week.visits.filter((v) => v.elderId === id);
      expect(
        checkIns.every((c) => c.status === 'well'),
        id,
      ).toBe(true);
      expect(visits, id).toHaveLength(checkIns.length);
      expect(
        visits.every((v) => v.mode === 'automated'),
        id,
      ).toBe(true);
    }
    // the first call went unanswered; the retry half an hour later was answered
    const retry = week.calls.filter((c) => c.elderId === 'a-retry' && c.at.startsWith('2025-07-01'));
    expect(retry.map((c) => [c.attempt, c.outcome])).toEqual([
      [1, 'no-answer'],
      [2, 'well'],
    ]);
  });

  it('on keypad 2 tells the contact and the first emergency contact (the child) in the same minute', () => {
    const [helpCase, ...others] = casesOf(week, 'b-help');
    expect(others).toEqual([]);
    expect(helpCase?.reason).toBe('needs-help');
    const [first, second] = helpCase?.steps ?? [];
    expect(first).toMatchObject({ step: 1, role: 'contact', channel: 'sms', to: '+8613900000001' });
    // listed second in the file, but children come first
    expect(second).toMatchObject({ step: 2, role: 'emergency', channel: 'sms', to: '+8613900000051' });
    expect(minute(first?.at ?? '')).toBe(minute(second?.at ?? ''));
    expect(minute(first?.at ?? '')).toBe(minute(helpCase?.openedAt ?? ''));
    const sent = week.texts.filter((t) => t.purpose === 'escalation' && t.elderId === 'b-help');
    expect(sent.map((t) => [t.to, minute(t.at)])).toEqual([
      ['+8613900000001', minute(helpCase?.openedAt ?? '')],
      ['+8613900000051', minute(helpCase?.openedAt ?? '')],
    ]);
    // the contact acknowledges after 10 minutes, which stops the ladder
    expect(helpCase?.acknowledgedBy).toBe('contact-ack');
    expect(Date.parse(helpCase?.acknowledgedAt ?? '') - Date.parse(helpCase?.openedAt ?? '')).toBe(
      10 * 60_000,
    );
  });

  it('stops check-in texts to an elder who texts TD, calls instead, and tells the contact', () => {
    const td = elder(week, 'a-td');
    const optOut = week.replies.find((r) => r.elderId === 'a-td' && r.text === '退订');
    expect(optOut).toBeDefined();
    const afterOptOut = (at: string) => at > (optOut?.at ?? '');
    const checkInTexts = week.texts.filter((t) => t.to === td.phone && t.purpose === 'check-in');
    expect(checkInTexts).toHaveLength(1);
    expect(checkInTexts.filter((t) => afterOptOut(t.at))).toEqual([]);
    expect(week.texts).toContainEqual(
      expect.objectContaining({ to: td.phone, purpose: 'opt-out-confirm', elderId: 'a-td' }),
    );
    expect(week.texts).toContainEqual(
      expect.objectContaining({ to: '+8613900000001', purpose: 'opt-out-notice', elderId: 'a-td' }),
    );
    const later = week.checkIns.filter((c) => c.elderId === 'a-td' && afterOptOut(c.openedAt));
    expect(later.map((c) => c.channel)).toEqual(['voice', 'voice']);
    expect(week.calls.filter((c) => c.elderId === 'a-td').every((c) => afterOptOut(c.at))).toBe(true);
  });

  it('escalates elders who never answer to their contact, and a contact who ignores it to the family', () => {
    const [busy] = casesOf(week, 'b-busy');
    expect(busy).toMatchObject({ reason: 'no-response', acknowledgedAt: null });
    expect(busy?.steps.map((s) => `${s.step}:${s.role}:${s.channel}`)).toEqual([
      '1:contact:sms',
      '2:emergency:sms',
      '2:emergency:voice',
    ]);
    const [silent] = casesOf(week, 'c-silent');
    expect(silent?.reason).toBe('no-response');
    expect(week.calls.filter((c) => c.elderId === 'c-silent').map((c) => c.outcome)).toEqual([
      'no-input',
      'no-input',
      'no-input',
    ]);
  });

  it('never calls or texts an elder between 21:00 and 08:00', () => {
    const phones = new Set(week.elders.map((e) => e.phone));
    const toElders = [
      ...week.calls.map((c) => c.at),
      ...week.texts.filter((t) => phones.has(t.to)).map((t) => t.at),
    ];
    expect(toElders.length).toBeGreaterThan(0);
    for (const at of toElders) {
      expect(clock(at) >= '08:00' && clock(at) < '21:00', at).toBe(true);
    }
  });

  it('stays within the provider limits, with nothing dead-lettered and no errors', () => {
    const { peaks, limits } = week.summary;
    expect(peaks.inProgress).toBeGreaterThan(0);
    expect(peaks.inProgress).toBeLessThanOrEqual(limits.callsInProgress);
    expect(peaks.callsInOneSecond).toBeLessThanOrEqual(limits.callsPerSecond);
    expect(peaks.smsPartsInOneSecond).toBeLessThanOrEqual(limits.smsPartsPerSecond);
    expect(week.summary.deadLetters).toBe(0);
    expect(week.errors).toEqual([]);
  });

  it('gives the same run for the same scenario and seed (only case codes differ)', () => {
    expect(weekAgain.summary).toEqual(week.summary);
    const withoutCodes = (r: SimulationResult) => ({
      ...r,
      cases: r.cases.map(({ code: _code, ...c }) => c),
      replies: r.replies.map((x) => ({ ...x, text: x.contactId ? 'code' : x.text })),
    });
    expect(withoutCodes(weekAgain)).toEqual(withoutCodes(week));
  });
});

describe('examples/typhoon-no-response.json: nobody answers', () => {
  it('climbs the whole ladder: contact, emergency contact by text and call, then the township duty phones', () => {
    expect(typhoon.errors).toEqual([]);
    const [c, ...others] = typhoon.cases;
    expect(others).toEqual([]);
    expect(c).toMatchObject({
      elderId: 'a-silent',
      reason: 'no-response',
      status: 'open',
      acknowledgedAt: null,
    });
    expect(c?.steps.map((s) => [s.step, s.role, s.channel, s.to])).toEqual([
      [1, 'contact', 'sms', '+8613900000002'],
      [2, 'emergency', 'sms', '+8613900000021'],
      [2, 'emergency', 'voice', '+8613900000021'],
      // the township's duty phones, not the county's "*"
      [3, 'duty', 'sms', '+8613900000091'],
      [3, 'duty', 'sms', '+8613900000092'],
    ]);
    // ackMinutes 30: each level half an hour after the one before
    const levelAt = (level: number) => Date.parse(c?.steps.find((s) => s.step === level)?.at ?? '');
    expect(levelAt(2) - levelAt(1)).toBe(30 * 60_000);
    expect(levelAt(3) - levelAt(2)).toBe(30 * 60_000);
    // three calls and one text before the case, within escalateAfterMinutes (120) of the first call
    expect(typhoon.calls.map((x) => x.outcome)).toEqual(['no-answer', 'no-answer', 'no-answer']);
    const first = Date.parse(typhoon.calls[0]?.at ?? '');
    expect(Date.parse(c?.openedAt ?? '') - first).toBeLessThanOrEqual(125 * 60_000);
  });
});

describe('examples/help-now.json: help by keypad and by text', () => {
  it('tells the contact and only the first emergency contact at once, without waiting', () => {
    expect(help.errors).toEqual([]);
    for (const [id, child] of [
      ['help-keypad', '+8613900000061'],
      ['help-text', '+8613900000071'],
    ] as const) {
      const [c] = casesOf(help, id);
      expect(c?.reason, id).toBe('needs-help');
      const atOnce = c?.steps.filter((s) => s.at === c.openedAt).map((s) => [s.step, s.role, s.to]);
      expect(atOnce, id).toEqual([
        [1, 'contact', elder(help, id).contactId === 'contact-ack' ? '+8613900000001' : '+8613900000002'],
        [2, 'emergency', child],
      ]);
    }
  });

  it('stops when the contact acknowledges, and otherwise goes on to every emergency contact', () => {
    const [keypad] = casesOf(help, 'help-keypad');
    expect(keypad?.acknowledgedBy).toBe('contact-ack');
    expect(keypad?.steps).toHaveLength(2);
    expect(help.texts).toContainEqual(
      expect.objectContaining({ to: '+8613900000001', purpose: 'ack-confirm', elderId: 'help-keypad' }),
    );
    const [text] = casesOf(help, 'help-text');
    expect(text?.acknowledgedAt).toBeNull();
    expect(text?.steps.filter((s) => s.at > text.openedAt).map((s) => [s.channel, s.to])).toEqual([
      ['sms', '+8613900000072'],
      ['voice', '+8613900000071'],
      ['voice', '+8613900000072'],
    ]);
  });
});

describe('examples/month-home-visits.json: a month of home visits and digests', () => {
  const day = (at: string) => at.slice(0, 10);

  it('sends digests at 08:30, at most one per contact and day, 7, 3 and 1 days before the deadline', () => {
    expect(month.errors).toEqual([]);
    const digests = month.texts.filter((t) => t.purpose === 'digest');
    expect(digests).toHaveLength(month.reminders.length);
    expect(month.summary.reminders).toBe(month.reminders.length);
    for (const r of month.reminders) expect(clock(r.at), r.at).toBe('08:30');
    const perContactDay = month.reminders.map((r) => `${r.contactId} ${day(r.at)}`);
    expect(new Set(perContactDay).size).toBe(perContactDay.length);
    // the contact who never visits: its A elder's July home visit is due on the 31st
    const never = month.reminders.filter((r) => r.contactId === 'contact-never');
    expect(never.map((r) => [day(r.at), r.items, r.elderIds])).toEqual([
      ['2025-07-24', 1, ['a-never']],
      ['2025-07-28', 1, ['a-never']],
      ['2025-07-30', 1, ['a-never']],
    ]);
    // the contact who visits on the 24th hears once, that morning, and never again
    const visits = month.reminders.filter((r) => r.contactId === 'contact-visits');
    expect(visits.map((r) => [day(r.at), r.elderIds])).toEqual([['2025-07-24', ['a-visited']]]);
  });

  it('records the visit-on-day contact’s `<code> 1` texts as home visits that count', () => {
    const replies = month.replies.filter((r) => r.contactId === 'contact-visits');
    expect(replies).toHaveLength(3);
    for (const r of replies) {
      expect(r.at).toBe('2025-07-24T10:00:00.000+08:00');
      expect(r.text).toMatch(/^\d{2,3} 1$/);
    }
    const home = month.visits.filter((v) => v.mode === 'home');
    expect(home.map((v) => [v.elderId, day(v.at)]).sort()).toEqual([
      ['a-visited', '2025-07-24'],
      ['b-visited', '2025-07-24'],
      ['c-visited', '2025-07-24'],
    ]);
    const { total } = month.report;
    expect(month.report.month).toBe('2025-07');
    expect(month.report.scope.county).toBe('440703');
    for (const c of ['A', 'B', 'C'] as const)
      expect(total.homeCompliance[c], c).toMatchObject({ served: 2, met: 1, rate: 0.5 });
    // an A elder's monthly visit is a home visit: the one who never had one is not met
    expect(total.visitRate).toEqual({ served: 6, met: 5, rate: 0.8333 });
  });

  it('has a monthly report whose numbers are what the result’s visits imply', () => {
    const { total } = month.report;
    const inMonth = month.visits.filter((v) => v.at.startsWith('2025-07'));
    for (const mode of ['home', 'phone', 'video', 'automated'] as const)
      expect(total.visits[mode], mode).toBe(inMonth.filter((v) => v.mode === mode).length);
    const visited = (id: string, home: boolean) =>
      inMonth.some((v) => v.elderId === id && (!home || v.mode === 'home'));
    for (const c of ['A', 'B', 'C'] as const) {
      const ids = month.elders.filter((e) => e.category === c).map((e) => e.id);
      expect(total.homeCompliance[c].served, c).toBe(ids.length);
      expect(total.homeCompliance[c].met, c).toBe(ids.filter((id) => visited(id, true)).length);
    }
    const met = month.elders.filter((e) => visited(e.id, e.category === 'A')).length;
    expect(total.visitRate.met).toBe(met);
    expect(total.elders).toBe(month.elders.length);
    expect(total.notReached).toBe(month.elders.filter((e) => !visited(e.id, false)).length);
  });

  it('has an after-digest contact record a visit for each elder the digest names, after its delay', async () => {
    const base = example('month-home-visits') as ScenarioInput;
    const [contact] = base.contacts ?? [];
    const [elderA] = base.elders;
    if (!contact || !elderA) throw new Error('the example changed');
    const result = await simulate(
      {
        ...base,
        start: '2025-07-24T08:00:00+08:00',
        days: 1,
        contacts: [{ ...contact, homeVisits: { behaviour: 'after-digest', delayMinutes: 45, reply: 1 } }],
        elders: [elderA],
      },
      { endpoint: inject('dynamoEndpoint') },
    );
    expect(result.errors).toEqual([]);
    expect(result.reminders.map((r) => [r.contactId, clock(r.at), r.elderIds])).toEqual([
      ['contact-visits', '08:30', ['a-visited']],
    ]);
    expect(result.replies.map((r) => [clock(r.at), r.contactId])).toEqual([['09:15', 'contact-visits']]);
    expect(result.visits.filter((v) => v.mode === 'home').map((v) => [v.elderId, clock(v.at)])).toEqual([
      ['a-visited', '09:15'],
    ]);
    expect(result.report.total.homeCompliance.A).toMatchObject({ served: 1, met: 1 });
  }, 120_000);

  it('leaves the examples without home-visit contacts as they were: no digests', () => {
    for (const result of [week, typhoon, help]) {
      expect(result.reminders).toEqual([]);
      expect(result.texts.filter((t) => t.purpose === 'digest')).toEqual([]);
      expect(result.replies.filter((r) => /^\d{2,3} [123]$/.test(r.text))).toEqual([]);
    }
  });
});

describe('npm run simulate', () => {
  it('rejects a bad scenario with exit code 2 and a bilingual message naming the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anxin-sim-'));
    const file = join(dir, 'bad.json');
    const scenario = example('help-now') as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...scenario, days: 0 }));
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'local/simulate.ts', file], {
      encoding: 'utf8',
    });
    rmSync(dir, { recursive: true });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('场景文件有误 / The scenario is not valid');
    expect(out.stderr).toMatch(/days: 不能小于 1 \/ Must be at least 1/);
  });
});
