import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  approve,
  type Campaign,
  type CampaignInput,
  campaignBodySchema,
  campaignSchema,
  cancel,
  finish,
  needsSecondApproval,
  pause,
  recorded,
  resume,
  run,
  start,
  startInstant,
} from '../../shared/campaigns/campaign.js';
import { type AudienceMember, previewCampaign } from '../../shared/campaigns/preview.js';
import { DomainError } from '../../shared/errors.js';
import { DEFAULT_LIMITS } from '../../shared/phone/config.js';
import { DEFAULT_WINDOWS, isInWindow, isQuietHour } from '../../shared/phone/windows.js';

const TAISHAN = '440781';
const KAIPING = '440783';
const HOUR = 3_600_000;

const base: CampaignInput = {
  id: 'c1',
  title: '台风 台山',
  kind: 'typhoon',
  target: { counties: [TAISHAN], categories: ['A', 'B'] },
  window: { start: '2025-07-01T09:00:00+08:00', end: '2025-07-04T09:00:00+08:00' },
  cadence: { A: { everyHours: 24 }, B: { everyHours: 24 } },
  messages: {
    call: { yue: '台风将至，请留在家中。', cmn: '台风将至，请留在家中。' },
    text: '台风将至，请关好门窗，留在家中。需要帮助请回复2。',
  },
  createdBy: 'admin-1',
  createdAt: '2025-06-28T10:00:00+08:00',
};
const campaign = (over: Partial<CampaignInput> = {}): Campaign => campaignSchema.parse({ ...base, ...over });

const elders = (n: number, over: Partial<AudienceMember> = {}): AudienceMember[] =>
  Array.from({ length: n }, (_, i) => ({
    county: TAISHAN,
    township: '台城街道',
    category: i % 2 === 0 ? 'A' : 'B',
    channel: 'voice',
    flags: {},
    ...over,
  }));

const limits = { callsPerSecond: 1, callsInProgress: 10, smsPartsPerSecond: 10 };

const memberArb: fc.Arbitrary<AudienceMember> = fc.record({
  county: fc.constantFrom(TAISHAN, KAIPING, '440703'),
  township: fc.constantFrom('台城街道', '赤溪镇', '长沙街道'),
  category: fc.constantFrom('A', 'B', 'C'),
  channel: fc.constantFrom('voice', 'sms'),
  flags: fc.record({ livingAlone: fc.boolean(), lossOfAbility: fc.boolean() }, { requiredKeys: [] }),
});

const campaignArb: fc.Arbitrary<Campaign> = fc
  .record({
    startHour: fc.integer({ min: 0, max: 24 * 10 }),
    lengthHours: fc.integer({ min: 1, max: 24 * 5 }),
    every: fc.constantFrom(4, 6, 8, 12, 24, 48),
    categories: fc.subarray(['A', 'B', 'C'] as const, { minLength: 1 }),
    livingAlone: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map(({ startHour, lengthHours, every, categories, livingAlone }) => {
    const s = Date.parse('2025-07-01T00:00:00+08:00') + startHour * HOUR;
    return campaign({
      target: {
        counties: [TAISHAN, KAIPING],
        categories,
        ...(livingAlone === undefined ? {} : { flags: { livingAlone } }),
      },
      window: { start: new Date(s).toISOString(), end: new Date(s + lengthHours * HOUR).toISOString() },
      cadence: { A: { everyHours: every }, B: { everyHours: every }, C: { everyHours: every * 2 } },
    });
  });

const NOW = new Date('2025-06-20T00:00:00Z');

describe('campaign schema', () => {
  it('defaults to all categories and draft', () => {
    const c = campaignSchema.parse({
      ...base,
      target: { counties: [TAISHAN] },
      cadence: { A: { everyHours: 24 }, B: { everyHours: 24 }, C: { everyHours: 24 } },
    });
    expect(c.target.categories).toEqual(['A', 'B', 'C']);
    expect(c.status).toBe('draft');
  });

  it('refuses a window that ends before it starts, is too long or has no offset', () => {
    const bad = (window: CampaignInput['window']) => campaignSchema.safeParse({ ...base, window }).success;
    expect(bad({ start: '2025-07-02T09:00:00+08:00', end: '2025-07-01T09:00:00+08:00' })).toBe(false);
    expect(bad({ start: '2025-07-01T09:00:00+08:00', end: '2025-08-02T09:00:00+08:00' })).toBe(false);
    expect(bad({ start: '2025-07-01T09:00:00', end: '2025-07-02T09:00:00' })).toBe(false);
    expect(bad({ start: '2025-07-01T09:00:00+08:00', end: '2025-07-31T09:00:00+08:00' })).toBe(true);
  });

  it('needs a cadence for every targeted category, a 6-digit county and a text of at most 500', () => {
    expect(campaignSchema.safeParse({ ...base, cadence: { A: { everyHours: 24 } } }).success).toBe(false);
    expect(campaignSchema.safeParse({ ...base, target: { counties: ['4407'] } }).success).toBe(false);
    const text = '台'.repeat(501);
    expect(campaignSchema.safeParse({ ...base, messages: { ...base.messages, text } }).success).toBe(false);
    const error = campaignSchema.safeParse({ ...base, cadence: {} }).error;
    expect(error?.issues.map((i) => i.message).join()).toContain('cadence');
  });
});

describe('previewCampaign: the hand-computed case', () => {
  // 3,000 A and B elders in 台山市, daily for 3 days from 09:00, 1 call/s, 10 in progress, 60 s calls:
  // a round is max(3,000 × 1 s, 3,000 × 60 s / 10) = 18,000 s = 5 h; the day's windows are
  // 09:00-11:30 and 15:00-19:30 = 7 h, so each round fits when it starts at 09:00.
  it('places 3 rounds of 3,000 calls of 5 h each, which fit', () => {
    const p = previewCampaign(campaign(), elders(3000), limits, DEFAULT_WINDOWS, NOW, {
      meanCallSeconds: 60,
    });
    expect(p.audience.total).toBe(3000);
    expect(p.audience.byCounty).toEqual({ [TAISHAN]: { A: 1500, B: 1500, C: 0, total: 3000 } });
    expect(p.rounds.map((r) => r.start)).toEqual([
      '2025-07-01T09:00:00.000+08:00',
      '2025-07-02T09:00:00.000+08:00',
      '2025-07-03T09:00:00.000+08:00',
    ]);
    for (const r of p.rounds) {
      expect(r).toMatchObject({ categories: ['A', 'B'], calls: 3000, texts: 0, durationMs: 5 * HOUR });
      expect(r.availableMs).toBe(7 * HOUR);
      expect(r.fits).toBe(true);
    }
    expect(p.calls).toBe(9000);
    expect(p.totalDurationMs).toBe(15 * HOUR);
    expect(p.warnings).toEqual([]);
  });

  it('warns when the rounds start at 15:00 (4.5 h of windows left for a 5 h round)', () => {
    const c = campaign({ window: { start: '2025-07-01T15:00:00+08:00', end: '2025-07-04T15:00:00+08:00' } });
    const p = previewCampaign(c, elders(3000), limits, DEFAULT_WINDOWS, NOW);
    expect(p.rounds.map((r) => r.availableMs)).toEqual([4.5 * HOUR, 4.5 * HOUR, 4.5 * HOUR]);
    expect(p.warnings.map((w) => w.code)).toEqual([
      'campaign.preview.roundDoesNotFit',
      'campaign.preview.roundDoesNotFit',
      'campaign.preview.roundDoesNotFit',
    ]);
    expect(p.warnings[0]?.message).toMatch(/通话时段.*calling windows/);
    expect(p.warnings[0]?.at).toBe('2025-07-01T15:00:00.000+08:00');
  });

  it('counts only the rounds still ahead when previewed after the window started', () => {
    const c = campaign();
    const before = previewCampaign(c, elders(300), limits, DEFAULT_WINDOWS, new Date(c.window.start));
    const later = new Date(Date.parse(c.window.start) + 26 * 3_600_000);
    const after = previewCampaign(c, elders(300), limits, DEFAULT_WINDOWS, later);
    expect(after.rounds.length).toBeGreaterThan(0);
    expect(after.rounds.length).toBeLessThan(before.rounds.length);
    expect(after.rounds.every((r) => Date.parse(r.start) >= later.getTime())).toBe(true);
  });

  it('does not plan a second round for a category minutes after one pushed into the same window', () => {
    const c = campaign({
      window: { start: '2025-07-01T09:10:00+08:00', end: '2025-07-03T09:00:00+08:00' },
      cadence: { A: { everyHours: 12 }, B: { everyHours: 24 }, C: { everyHours: 24 } },
    });
    const p = previewCampaign(c, elders(30), limits, DEFAULT_WINDOWS, new Date(c.window.start));
    const aRounds = p.rounds.filter((r) => r.categories.includes('A')).map((r) => r.start.slice(0, 16));
    // 21:10 is pushed to 09:00 the next morning; the 09:10 round ten minutes later is not A's again
    expect(aRounds).toEqual(['2025-07-01T09:10', '2025-07-02T09:00']);
  });

  it('does not warn about a campaign that starts now when every round fits', () => {
    const c = campaign();
    const p = previewCampaign(c, elders(300), limits, DEFAULT_WINDOWS, new Date(c.window.start));
    expect(p.rounds.every((r) => r.fits)).toBe(true);
    expect(p.warnings).toEqual([]);
  });

  it('counts texts in SMS parts, moves a 21:00 round to 09:00 and filters by township and flags', () => {
    const c = campaign({
      target: {
        counties: [TAISHAN],
        townships: [{ county: TAISHAN, township: '赤溪镇' }],
        categories: ['A'],
        flags: { livingAlone: true },
      },
      window: { start: '2025-07-01T21:00:00+08:00', end: '2025-07-02T12:00:00+08:00' },
      cadence: { A: { everyHours: 12 } },
      messages: { ...base.messages, text: '台'.repeat(100) },
    });
    const audience = [
      ...elders(10, { township: '赤溪镇', category: 'A', channel: 'sms', flags: { livingAlone: true } }),
      ...elders(5, { township: '赤溪镇', category: 'A', flags: { livingAlone: false } }),
      ...elders(5, { township: '台城街道', category: 'A', flags: { livingAlone: true } }),
      ...elders(5, { county: KAIPING, township: '赤溪镇', category: 'A', flags: { livingAlone: true } }),
    ];
    const p = previewCampaign(c, audience, DEFAULT_LIMITS, DEFAULT_WINDOWS, NOW);
    expect(p.audience.total).toBe(10);
    expect(p.rounds).toHaveLength(1);
    expect(p.rounds[0]).toMatchObject({
      start: '2025-07-02T09:00:00.000+08:00',
      texts: 10,
      smsParts: 20,
      durationMs: 2000,
      availableMs: 2.5 * HOUR,
    });
    expect(p.warnings.map((w) => w.code)).toEqual(['campaign.preview.textLong']);
  });
});

describe('previewCampaign: properties', () => {
  it('counts by county and by category sum to the audience', () => {
    fc.assert(
      fc.property(campaignArb, fc.array(memberArb, { maxLength: 200 }), (c, audience) => {
        const p = previewCampaign(c, audience, DEFAULT_LIMITS, DEFAULT_WINDOWS, NOW);
        const counties = Object.values(p.audience.byCounty);
        expect(counties.reduce((n, x) => n + x.total, 0)).toBe(p.audience.total);
        expect(counties.reduce((n, x) => n + x.A + x.B + x.C, 0)).toBe(p.audience.total);
        const { A, B, C } = p.audience.byCategory;
        expect(A + B + C).toBe(p.audience.total);
        expect(p.audience.byChannel.voice + p.audience.byChannel.sms).toBe(p.audience.total);
        expect(p.audience.total).toBeLessThanOrEqual(audience.length);
      }),
    );
  });

  it('never plans a round in quiet hours, outside the windows or outside the campaign', () => {
    fc.assert(
      fc.property(campaignArb, fc.array(memberArb, { minLength: 1, maxLength: 50 }), (c, audience) => {
        const p = previewCampaign(c, audience, DEFAULT_LIMITS, DEFAULT_WINDOWS, NOW);
        for (const r of p.rounds) {
          const at = new Date(r.start);
          expect(isQuietHour(at)).toBe(false);
          expect(isInWindow(at, DEFAULT_WINDOWS)).toBe(true);
          expect(at.getTime()).toBeGreaterThanOrEqual(Date.parse(c.window.start));
          expect(at.getTime()).toBeLessThan(Date.parse(c.window.end));
        }
      }),
    );
  });

  it('a bigger audience never takes less time', () => {
    fc.assert(
      fc.property(
        campaignArb,
        fc.array(memberArb, { maxLength: 100 }),
        fc.array(memberArb, { maxLength: 100 }),
        (c, audience, more) => {
          const small = previewCampaign(c, audience, limits, DEFAULT_WINDOWS, NOW);
          const big = previewCampaign(c, [...audience, ...more], limits, DEFAULT_WINDOWS, NOW);
          expect(big.totalDurationMs).toBeGreaterThanOrEqual(small.totalDurationMs);
          expect(big.longestRoundMs).toBeGreaterThanOrEqual(small.longestRoundMs);
          expect(big.calls + big.texts).toBeGreaterThanOrEqual(small.calls + small.texts);
        },
      ),
    );
  });
});

describe('approval and transitions', () => {
  const now = new Date('2025-06-30T10:00:00+08:00');
  const expectRefused = (f: () => unknown, code: string) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe(code);
      expect((e as DomainError).message).toContain(' / ');
      return;
    }
    throw new Error(`expected ${code}`);
  };

  it('needs a second approval only above the threshold', () => {
    expect(needsSecondApproval({ audience: { total: 500 } }, 500)).toBe(false);
    expect(needsSecondApproval({ audience: { total: 501 } }, 500)).toBe(true);
  });

  it('refuses approval by the creator and accepts another administrator', () => {
    const c = campaign();
    expectRefused(() => approve(c, 'admin-1', now), 'campaign.approve.byCreator');
    const a = approve(c, 'admin-2', now);
    expect(a).toMatchObject({ status: 'approved', approvedBy: 'admin-2', approvedAt: now.toISOString() });
    expectRefused(() => approve(a, 'admin-3', now), 'campaign.transition.illegal');
  });

  it("refuses approval under the creator's login name or stable id, whatever the role", () => {
    const c = campaign({ createdBy: 'countyAdmin:tai-admin', createdBySub: 'sub-1' });
    expectRefused(
      () => approve(c, { actor: 'cityAdmin:tai-admin', sub: 'sub-9' }, now),
      'campaign.approve.byCreator',
    );
    expectRefused(
      () => approve(c, { actor: 'cityAdmin:renamed', sub: 'sub-1' }, now),
      'campaign.approve.byCreator',
    );
    expect(approve(c, { actor: 'cityAdmin:city-admin', sub: 'sub-2' }, now).approvedBy).toBe(
      'cityAdmin:city-admin',
    );
  });

  it('refuses to start a draft over the threshold, schedules it once approved', () => {
    const c = campaign();
    const p = previewCampaign(c, elders(3000), limits, DEFAULT_WINDOWS, now);
    const required = needsSecondApproval(p, 1000);
    expectRefused(() => start(c, now, required), 'campaign.start.needsApproval');
    expect(start(approve(c, 'admin-2', now), now, required).status).toBe('scheduled');
    expect(start(c, now, needsSecondApproval(p, 5000)).status).toBe('scheduled');
  });

  it('starts at the window start, or now once the window has begun', () => {
    const c = campaign();
    expect(startInstant(c, now).toISOString()).toBe('2025-07-01T01:00:00.000Z');
    const later = new Date('2025-07-02T10:00:00+08:00');
    expect(startInstant(c, later)).toEqual(later);
  });

  it('runs when scheduled, pauses, resumes, finishes after the window; cancels from any non-final state', () => {
    const scheduled = start(campaign(), now, false);
    expectRefused(() => pause(scheduled), 'campaign.transition.illegal');
    const running = run(scheduled, new Date('2025-07-01T09:00:00+08:00'));
    expect(running.status).toBe('running');
    const paused = pause(running);
    expect(paused.status).toBe('paused');
    expect(resume(paused, now).status).toBe('running');
    for (const c of [campaign(), approve(campaign(), 'admin-2', now), scheduled, running, paused])
      expect(cancel(c).status).toBe('cancelled');
    const end = new Date('2025-07-04T09:00:00+08:00');
    expectRefused(() => finish(running, now), 'campaign.transition.illegal');
    for (const c of [scheduled, running, paused]) expect(finish(c, end).status).toBe('done');
    expectRefused(() => run(scheduled, end), 'campaign.start.windowOver');
    expectRefused(() => cancel(finish(running, end)), 'campaign.transition.illegal');
    expectRefused(() => pause(campaign()), 'campaign.transition.illegal');
    expectRefused(() => resume(running, now), 'campaign.transition.illegal');
    expectRefused(() => start(running, now, false), 'campaign.transition.illegal');
    expectRefused(() => start(scheduled, now, false), 'campaign.transition.illegal');
    expectRefused(() => cancel(cancel(running)), 'campaign.transition.illegal');
    expectRefused(() => resume(cancel(running), now), 'campaign.transition.illegal');
    expectRefused(
      () => start(campaign(), new Date('2025-07-05T00:00:00+08:00'), false),
      'campaign.start.windowOver',
    );
  });

  it('keeps who changed the status, when, from and to', () => {
    const created = recorded(undefined, campaign(), 'cityAdmin:alice', now);
    const later = new Date('2025-06-30T11:00:00+08:00');
    const approved = recorded(created, approve(created, 'cityAdmin:bob', later), 'cityAdmin:bob', later);
    expect(approved.history).toEqual([
      { at: now.toISOString(), by: 'cityAdmin:alice', to: 'draft' },
      { at: later.toISOString(), by: 'cityAdmin:bob', from: 'draft', to: 'approved' },
    ]);
    expect(campaignSchema.parse(approved).history).toHaveLength(2);
  });
});

describe('campaign body', () => {
  const { id: _id, createdBy: _by, createdAt: _at, ...body } = base;
  it('accepts what an administrator writes and refuses server fields or a CAP source', () => {
    expect(campaignBodySchema.parse(body).source).toBe('manual');
    expect(campaignBodySchema.safeParse({ ...body, status: 'running' }).success).toBe(false);
    expect(campaignBodySchema.safeParse({ ...body, source: 'cap' }).success).toBe(false);
    expect(campaignBodySchema.safeParse({ ...body, history: [] }).success).toBe(false);
    const { title: _t, ...untitled } = body;
    expect(campaignBodySchema.safeParse(untitled).success).toBe(false);
    expect(campaignBodySchema.safeParse({ ...body, title: ' ' }).success).toBe(false);
  });
});
