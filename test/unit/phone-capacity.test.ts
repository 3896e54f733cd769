import { describe, expect, it } from 'vitest';
import { campaignSchema } from '../../shared/campaigns/campaign.js';
import type { AudienceMember } from '../../shared/campaigns/preview.js';
import {
  addDemand,
  adviseCapacity,
  campaignForecast,
  DEFAULT_CALL_SECONDS,
  meanCallSeconds,
  windowSecondsBetween,
} from '../../shared/phone/capacity.js';
import { DEFAULT_LIMITS } from '../../shared/phone/config.js';
import { DEFAULT_WINDOWS } from '../../shared/phone/windows.js';

// 09:00 on a Tuesday in Asia/Shanghai: the start of the first calling window
const now = new Date('2025-07-01T01:00:00Z');
const windows = DEFAULT_WINDOWS; // 09:00–11:30 and 15:00–19:30: 7 hours, 25,200 s a day

describe('capacity planning with issue 11’s numbers', () => {
  it('has 7 hours of calling windows in the next 24 hours', () => {
    expect(windowSecondsBetween(now, new Date(now.getTime() + 86_400_000), windows)).toBe(25_200);
    // from 12:00 local: the afternoon window and the next morning's until 12:00
    const noon = new Date('2025-07-01T04:00:00Z');
    expect(windowSecondsBetween(noon, new Date(noon.getTime() + 86_400_000), windows)).toBe(25_200);
    // from 20:00 local, 12 hours on (until 08:00): no calling-window time at all
    const evening = new Date('2025-07-01T12:00:00Z');
    expect(windowSecondsBetween(evening, new Date(evening.getTime() + 12 * 3_600_000), windows)).toBe(0);
  });

  it('routine demand for 60,000 elders (about 10,700 calls a day) exceeds the default Chime limits: 63% served', () => {
    const advice = adviseCapacity({
      now,
      demand: [{ hour: '2025-07-01T01', calls: 10_700, smsParts: 0 }],
      windows,
      limits: DEFAULT_LIMITS, // 1 new call a second, 10 in progress
    });
    expect(DEFAULT_CALL_SECONDS).toBe(37);
    // about 6,800 calls a day: 10 × 25,200 / 37
    expect(advice.carries.calls).toBe(6810);
    expect(Math.floor((advice.carries.calls / advice.demand.calls) * 100)).toBe(63);
    expect(advice.exceeds).toBe(true);
    // one new call a second is enough; 16 in progress carry 10,700 × 37 s in 25,200 s
    expect(advice.ask).toEqual({ callsPerSecond: 1, callsInProgress: 16 });
    // 37% of the calls as texts finishes in time (texts at 10 parts a second carry 252,000 parts)
    expect(advice.moveToTexts).toEqual({ share: 0.37, calls: 3959 });
    expect(advice.carries.smsParts).toBe(252_000);
    expect(advice).toMatchObject({
      horizonHours: 24,
      generatedAt: now.toISOString(),
      oldestDueMinutes: null,
    });
  });

  it('a city-wide typhoon day needs at least 5 new calls a second and about 200 in progress', () => {
    // every one of 60,000 elders called in the morning and the afternoon round, on top of the routine calls
    const typhoon = [
      { hour: '2025-07-01T01', calls: 60_000 + 10_700, smsParts: 0 },
      { hour: '2025-07-01T07', calls: 60_000, smsParts: 0 },
    ];
    const advice = adviseCapacity({ now, demand: typhoon, windows, limits: DEFAULT_LIMITS });
    expect(advice.exceeds).toBe(true);
    expect(advice.ask?.callsPerSecond).toBeGreaterThanOrEqual(5);
    expect(advice.ask?.callsInProgress).toBeGreaterThanOrEqual(180);
    expect(advice.ask?.callsInProgress).toBeLessThanOrEqual(210);
    // the asked limits carry the day
    const asked = { ...DEFAULT_LIMITS, ...advice.ask };
    expect(adviseCapacity({ now, demand: typhoon, windows, limits: asked }).exceeds).toBe(false);
  });

  it('says nothing to ask when the limits carry the demand', () => {
    const advice = adviseCapacity({
      now,
      demand: [{ hour: '2025-07-01T01', calls: 3_000, smsParts: 500 }],
      windows,
      limits: DEFAULT_LIMITS,
    });
    expect(advice).toMatchObject({ exceeds: false, ask: null, moveToTexts: null });
  });

  it('counts demand from its hour on: an afternoon peak can exceed what the afternoon carries', () => {
    // 4,000 calls due at 15:00 local: the afternoon (16,200 s) carries 4,378, fine; 5,000 do not
    const at15 = (calls: number) => [{ hour: '2025-07-01T07', calls, smsParts: 0 }];
    expect(adviseCapacity({ now, demand: at15(4_000), windows, limits: DEFAULT_LIMITS }).exceeds).toBe(false);
    const late = adviseCapacity({ now, demand: at15(5_000), windows, limits: DEFAULT_LIMITS });
    expect(late.exceeds).toBe(true);
    expect(late.ask?.callsInProgress).toBe(Math.ceil((5_000 / 16_200) * 37));
  });

  it('does not offer texts when the texts would not fit either', () => {
    const advice = adviseCapacity({
      now,
      demand: [{ hour: '2025-07-01T01', calls: 20_000, smsParts: 250_000 }],
      windows,
      limits: DEFAULT_LIMITS,
    });
    expect(advice.exceeds).toBe(true);
    expect(advice.moveToTexts).toBeNull();
  });

  it('reports how long the oldest due check-in has waited', () => {
    const advice = adviseCapacity({
      now,
      demand: [],
      windows,
      limits: DEFAULT_LIMITS,
      oldestDueAt: '2025-06-30T23:00:00Z',
    });
    expect(advice.oldestDueMinutes).toBe(120);
  });
});

describe('the mean call length', () => {
  const call = (seconds: number) => ({
    channel: 'voice',
    placedAt: '2025-07-01T01:00:00.000Z',
    endedAt: new Date(Date.parse('2025-07-01T01:00:00.000Z') + seconds * 1000).toISOString(),
  });
  it('is the default 37 s until 20 calls are measured, then their mean', () => {
    expect(meanCallSeconds(Array.from({ length: 19 }, () => call(50)))).toBe(37);
    expect(
      meanCallSeconds([
        ...Array.from({ length: 10 }, () => call(30)),
        ...Array.from({ length: 10 }, () => call(50)),
      ]),
    ).toBe(40);
    // texts and unfinished calls are not calls
    expect(meanCallSeconds([{ channel: 'sms', placedAt: 'x', endedAt: 'y' }, { channel: 'voice' }], 1)).toBe(
      37,
    );
  });
});

describe('adding a campaign’s demand', () => {
  it('adds hour by hour', () => {
    expect(
      addDemand(
        [{ hour: '2025-07-01T01', calls: 1, smsParts: 2 }],
        [
          { hour: '2025-07-01T01', calls: 10, smsParts: 0 },
          { hour: '2025-07-01T00', calls: 5, smsParts: 1 },
        ],
      ),
    ).toEqual([
      { hour: '2025-07-01T00', calls: 5, smsParts: 1 },
      { hour: '2025-07-01T01', calls: 11, smsParts: 2 },
    ]);
  });
});

describe('demand after the last window', () => {
  it('counts it from the start, as the backlog the same evening left the day before', () => {
    // 500 calls due at 20:00 local: served tomorrow morning, in the next horizon; the day's steady state
    // counts them against today's windows like the 500 that came due last night
    const advice = adviseCapacity({
      now,
      demand: [{ hour: '2025-07-01T12', calls: 7_000, smsParts: 0 }],
      windows,
      limits: DEFAULT_LIMITS,
    });
    expect(advice.exceeds).toBe(true);
    expect(advice.ask).toEqual({ callsPerSecond: 1, callsInProgress: Math.ceil((7_000 / 25_200) * 37) });
  });
});

describe('what live campaigns add to the forecast', () => {
  const base = {
    id: 'c-cap',
    title: '台风 容量',
    kind: 'typhoon' as const,
    target: { counties: ['440781', '440783'], categories: ['A' as const] },
    // two rounds a day: 09:00 and 15:00 local on 1 July, then 09:00 on 2 July
    window: { start: '2025-07-01T09:00:00+08:00', end: '2025-07-03T09:00:00+08:00' },
    cadence: { A: { everyHours: 6 } },
    messages: { call: { yue: '台风将至。', cmn: '台风将至。' }, text: '台风将至，请关好门窗。' },
    createdBy: 'admin-1',
    createdAt: '2025-06-28T10:00:00+08:00',
  };
  const members = (county: string, n: number): AudienceMember[] =>
    Array.from({ length: n }, () => ({ county, township: '镇', category: 'A', channel: 'voice', flags: {} }));
  const audience = [...members('440781', 300), ...members('440783', 100)];
  const before = new Date('2025-07-01T00:30:00Z'); // 08:30 local, half an hour before it starts

  it('counts a scheduled campaign’s rounds in the horizon, split over its counties', () => {
    const added = campaignForecast(
      campaignSchema.parse({ ...base, status: 'scheduled' }),
      audience,
      DEFAULT_LIMITS,
      windows,
      before,
    );
    // 09:00 and 15:00 today (12:00-18:00 rounds move into the windows); tomorrow's 09:00 is past 08:30 + 24 h
    expect(added['440781']?.map((h) => h.hour)).toEqual(['2025-07-01T01', '2025-07-01T07']);
    expect(added['440781']?.[0]?.calls).toBe(300);
    expect(added['440783']?.[0]?.calls).toBe(100);
  });

  it('leaves out a running campaign’s next round (already each elder’s due time) and a draft altogether', () => {
    const running = campaignForecast(
      campaignSchema.parse({ ...base, status: 'running' }),
      audience,
      DEFAULT_LIMITS,
      windows,
      before,
    );
    expect(running['440781']?.map((h) => h.hour)).toEqual(['2025-07-01T07']);
    expect(campaignForecast(campaignSchema.parse(base), audience, DEFAULT_LIMITS, windows, before)).toEqual(
      {},
    );
  });
});
