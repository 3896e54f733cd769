import { describe, expect, it } from 'vitest';
import { localCampaignScheduler } from '../../local/campaigns.js';
import { VirtualTimeline } from '../../local/phone/timeline.js';
import type { AudienceMember } from '../../shared/campaigns/preview.js';
import { campaignFor, campaignRoundAtOrAfter, nextCheckInAfter } from '../../shared/campaigns/run.js';
import type { CampaignAction } from '../../shared/campaigns/scheduler.js';
import { DEFAULT_WINDOWS } from '../../shared/phone/windows.js';
import type { StoredCampaign } from '../../shared/store/campaigns.js';
import { aCampaign } from '../support/campaign-run.js';
import { shanghai } from '../support/phone.js';

const stored = (
  status: StoredCampaign['status'],
  overrides: Parameters<typeof aCampaign>[0] = {},
): StoredCampaign => ({
  ...aCampaign(overrides),
  status,
  version: 1,
  updatedAt: '2025-07-01T00:00:00.000Z',
  updatedBy: 'test',
});

const member = (overrides: Partial<AudienceMember> = {}): AudienceMember => ({
  county: '440703',
  township: '潮连街道',
  category: 'A',
  channel: 'voice',
  flags: { livingAlone: true, lossOfAbility: false, noContact: false },
  ...overrides,
});

const DAYS_3 = 3 * 86_400_000;
const next = (openedAt: string, campaigns: StoredCampaign[], m = member(), normalMs = DAYS_3) =>
  nextCheckInAfter({
    openedAt: shanghai(openedAt),
    normalMs,
    campaigns,
    member: m,
    windows: DEFAULT_WINDOWS,
  }).toISOString();

describe('the cadence while a campaign runs', () => {
  const typhoon = stored('running');

  it('gives a daily check-in inside the window, then the normal cadence by itself', () => {
    expect(next('2025-07-03T09:00:00', [typhoon])).toBe(shanghai('2025-07-04T09:00:00').toISOString());
    // a check-in opened late in the day: the next day's round, not a second one the same day
    expect(next('2025-07-03T17:40:00', [typhoon])).toBe(shanghai('2025-07-04T09:00:00').toISOString());
    // the window ends at 08:00 on the 6th: the round of the 6th is outside it
    expect(next('2025-07-05T09:00:00', [typhoon])).toBe(shanghai('2025-07-08T09:00:00').toISOString());
  });

  it('raises nothing when paused, scheduled or done, outside the target, or for a longer cadence', () => {
    const normal = shanghai('2025-07-06T09:00:00').toISOString();
    for (const status of ['paused', 'scheduled', 'done', 'cancelled'] as const)
      expect(next('2025-07-03T09:00:00', [stored(status)]), status).toBe(normal);
    expect(next('2025-07-03T09:00:00', [typhoon], member({ township: '白沙街道' }))).toBe(normal);
    expect(next('2025-07-03T09:00:00', [typhoon], member({ category: 'C' }))).toBe(normal);
    // the elder's own cadence is already daily: the campaign's is not shorter
    expect(next('2025-07-03T09:00:00', [typhoon], member(), 86_400_000)).toBe(
      shanghai('2025-07-04T09:00:00').toISOString(),
    );
    // an elder who receives no check-ins has no audience member
    const noMember = nextCheckInAfter({
      openedAt: shanghai('2025-07-03T09:00:00'),
      normalMs: DAYS_3,
      campaigns: [typhoon],
      member: undefined,
      windows: DEFAULT_WINDOWS,
    });
    expect(noMember.toISOString()).toBe(normal);
  });

  it('twice a day when the rounds fall in two windows', () => {
    // from 03:00 every 12 hours: 09:00 (the morning window) and 15:00 (the afternoon one)
    const landfall = stored('running', {
      window: { start: '2025-07-03T03:00:00+08:00', end: '2025-07-05T03:00:00+08:00' },
      cadence: { A: { everyHours: 12 }, B: { everyHours: 12 } },
    });
    const round = (from: string) =>
      campaignRoundAtOrAfter(landfall, 'A', shanghai(from), DEFAULT_WINDOWS)?.toISOString();
    expect(round('2025-07-03T08:00:00')).toBe(shanghai('2025-07-03T09:00:00').toISOString());
    expect(round('2025-07-03T09:30:00')).toBe(shanghai('2025-07-03T15:00:00').toISOString());
    expect(next('2025-07-03T09:00:00', [landfall])).toBe(shanghai('2025-07-03T15:00:00').toISOString());
    expect(next('2025-07-03T15:00:00', [landfall])).toBe(shanghai('2025-07-04T09:00:00').toISOString());
    expect(round('2025-07-05T09:00:00')).toBeUndefined();
  });

  it('tags a check-in with the running campaign whose window holds it, the shortest cadence first', () => {
    const daily = stored('running');
    const twice = stored('running', { cadence: { A: { everyHours: 12 }, B: { everyHours: 12 } } });
    expect(campaignFor([daily, twice], member(), shanghai('2025-07-03T09:00:00'))?.id).toBe(twice.id);
    expect(campaignFor([daily], member(), shanghai('2025-07-03T07:59:00'))).toBeUndefined();
    expect(campaignFor([daily], member(), shanghai('2025-07-06T08:00:00'))).toBeUndefined();
    expect(campaignFor([stored('paused')], member(), shanghai('2025-07-04T09:00:00'))).toBeUndefined();
    expect(
      campaignFor([daily], member({ flags: {} }), shanghai('2025-07-04T09:00:00'))?.id,
      'no flags targeted',
    ).toBe(daily.id);
    const alone = stored('running', {
      target: { counties: ['440703'], categories: ['A', 'B'], flags: { livingAlone: true } },
    });
    expect(
      campaignFor([alone], member({ flags: { livingAlone: false } }), shanghai('2025-07-04T09:00:00')),
    ).toBeUndefined();
  });
});

describe('the local campaign scheduler', () => {
  it('looks again shortly when a start fires before the API saved the campaign as scheduled', async () => {
    const timeline = new VirtualTimeline(shanghai('2025-07-01T09:00:00'));
    const seen: string[] = [];
    let saved = false;
    const scheduler = localCampaignScheduler({} as Parameters<typeof localCampaignScheduler>[0], timeline, {
      run: async (_deps, action) => {
        seen.push(action.action);
        const status = saved ? 'running' : 'approved';
        return { campaignId: action.campaignId, status, changed: saved, activation: saved ? 'done' : 'none' };
      },
    });
    await scheduler.schedule({ id: 'c1', startAt: timeline.now(), endAt: shanghai('2025-07-02T09:00:00') });
    await timeline.runUntil(timeline.now());
    expect(seen).toEqual(['start']);
    saved = true; // the API's save lands
    await timeline.sleep(1_000);
    expect(seen).toEqual(['start', 'start']);
    await timeline.sleep(60_000);
    expect(seen).toEqual(['start', 'start']); // started: no more looks
    expect(scheduler.pending()).toEqual([{ campaignId: 'c1', action: 'finish' }]);
  });

  it('runs start and finish at their instants; a new schedule replaces the old, unschedule cancels', async () => {
    const timeline = new VirtualTimeline(shanghai('2025-07-01T08:00:00'));
    const ran: (CampaignAction & { at: string })[] = [];
    const scheduler = localCampaignScheduler({} as Parameters<typeof localCampaignScheduler>[0], timeline, {
      run: async (_deps, action) => {
        ran.push({ ...action, at: timeline.now().toISOString() });
        return { campaignId: action.campaignId, status: 'running', changed: true, activation: 'done' };
      },
    });
    await scheduler.schedule({
      id: 'c1',
      startAt: shanghai('2025-07-02T08:00:00'),
      endAt: shanghai('2025-07-03T08:00:00'),
    });
    // scheduled again (new window): only the new instants count
    await scheduler.schedule({
      id: 'c1',
      startAt: shanghai('2025-07-02T10:00:00'),
      endAt: shanghai('2025-07-04T08:00:00'),
    });
    await scheduler.schedule({
      id: 'c2',
      startAt: shanghai('2025-07-02T09:00:00'),
      endAt: shanghai('2025-07-05T08:00:00'),
    });
    await scheduler.unschedule('c2');
    expect(scheduler.pending()).toEqual([
      { campaignId: 'c1', action: 'start' },
      { campaignId: 'c1', action: 'finish' },
    ]);
    await timeline.runUntil(shanghai('2025-07-06T00:00:00'));
    expect(ran).toEqual([
      { campaignId: 'c1', action: 'start', at: shanghai('2025-07-02T10:00:00').toISOString() },
      { campaignId: 'c1', action: 'finish', at: shanghai('2025-07-04T08:00:00').toISOString() },
    ]);
    expect(scheduler.pending()).toEqual([]);
  });
});
