import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { withCapacity } from '../../functions/planner/capacity.js';
import { DEFAULT_PHONE_POLICY } from '../../shared/phone/config.js';
import { getForecast, readDueDemand, refreshForecast } from '../../shared/store/capacity.js';
import { dueKeys, phoneKeys } from '../../shared/store/keys.js';
import { setPlannerCursor } from '../../shared/store/phone.js';
import { apiClient, countyAdmin } from '../support/api.js';
import { policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

// 09:00 in Asia/Shanghai: the forecast covers 09:00 today to 09:00 tomorrow
const now = new Date('2025-07-01T01:00:00Z');
const X = '440703';
const Y = '440705';
const hours = (h: number) => new Date(now.getTime() + h * 3_600_000).toISOString();

let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
  await setPlannerCursor(db, '2025-06-30T23');
  const put = (Item: Record<string, unknown>) =>
    db.doc.send(new PutCommand({ TableName: db.tableName, Item }));
  // county X: 3 check-ins due in 2 h, one due 90 minutes ago (backlog), one in 30 h (beyond the horizon)
  for (const [i, at] of [hours(2), hours(2), hours(2), hours(-1.5), hours(30)].entries()) {
    const id = `cap-x-${i}`;
    const when = new Date(Math.min(Date.parse(at), now.getTime() - 5_400_000 + 1)); // written when it fell due
    await put({
      ...phoneKeys.schedule(id),
      ...dueKeys('schedule', id, at, Date.parse(at) < now.getTime() ? when : now),
      type: 'schedule',
      elderId: id,
      county: X,
      nextCheckInAt: at,
      suspended: false,
    });
  }
  // county Y: an open check-in whose second attempt is due in 6 h, by text
  await put({
    ...phoneKeys.checkIn('cap-y-1'),
    ...dueKeys('checkIn', 'cap-y-1', hours(6), now),
    type: 'checkIn',
    id: 'cap-y-1',
    county: Y,
    channel: 'sms',
    attempts: [{ n: 1, channel: 'voice', placedAt: hours(-2), endedAt: hours(-2 + 40 / 3600) }],
  });
  // an escalation step: to contacts, not counted
  await put({
    pk: 'CASE#cap-1',
    sk: 'CASE',
    ...dueKeys('case', 'cap-1', hours(1), now),
    type: 'case',
    county: X,
  });
});

describe('the demand forecast', () => {
  it('reads the next 24 hours of the due index by county and hour, with the backlog due now', async () => {
    const due = await readDueDemand(db, now, 24);
    expect(due.byCounty[X]).toEqual([
      { hour: '2025-07-01T01', calls: 1, smsParts: 0 },
      { hour: '2025-07-01T03', calls: 3, smsParts: 0 },
    ]);
    expect(due.byCounty[Y]).toEqual([{ hour: '2025-07-01T07', calls: 0, smsParts: 1 }]);
    expect(due.oldestDueAt).toEqual({ [X]: hours(-1.5) });
    expect(due.attempts).toHaveLength(1);
  });

  it('is written once an hour; the planner run emits the oldest wait as an embedded metric', async () => {
    const settings = {
      limits: { callsPerSecond: 1, callsInProgress: 10, smsPartsPerSecond: 10 },
      windows: DEFAULT_PHONE_POLICY.windows,
      horizonHours: 24,
    };
    const first = await refreshForecast(db, now, settings);
    expect(first.refreshed).toBe(true);
    expect(first.oldestDueAt).toBe(hours(-1.5));
    const again = await refreshForecast(db, new Date(now.getTime() + 20 * 60_000), settings);
    expect(again.refreshed).toBe(false);
    expect((await getForecast(db))?.generatedAt).toBe(now.toISOString());

    const lines: string[] = [];
    const logs: string[] = [];
    const result = await withCapacity(
      {
        db,
        now: () => new Date(now.getTime() + 30 * 60_000),
        log: (m) => logs.push(m),
        phonePolicies: { '*': DEFAULT_PHONE_POLICY },
        policy,
      },
      { due: 0 },
      (line) => lines.push(line),
    );
    expect(result).toEqual({ due: 0 });
    const emf = JSON.parse(lines[0] as string);
    expect(emf._aws.CloudWatchMetrics[0]).toEqual({
      Namespace: 'Anxin/Phone',
      Dimensions: [[]],
      Metrics: [{ Name: 'OldestDueMinutes', Unit: 'Count' }],
    });
    // due at 07:30 local, now 09:30: 120 minutes
    expect(emf.OldestDueMinutes).toBe(120);
    expect(logs).not.toContain('capacity forecast failed');
  });

  it('answers GET /api/capacity for the city and for a county administrator’s own county only', async () => {
    const api = apiClient({ db, policy, now: () => now });
    const city = await api('GET', '/api/capacity');
    expect(city.status).toBe(200);
    expect(city.body).toMatchObject({
      horizonHours: 24,
      demand: { calls: 4, smsParts: 1 },
      carries: { calls: 6810, smsParts: 252_000 },
      exceeds: false,
      ask: null,
      moveToTexts: null,
      oldestDueMinutes: 90,
    });
    const own = await api.as(countyAdmin(X))('GET', '/api/capacity');
    expect(own.status).toBe(200);
    expect(own.body.demand).toEqual({ calls: 4, smsParts: 0 });
    expect(own.body.oldestDueMinutes).toBe(90);
    const ofY = await api.as(countyAdmin(Y))('GET', `/api/capacity?county=${Y}`);
    expect(ofY.body).toMatchObject({ demand: { calls: 0, smsParts: 1 }, oldestDueMinutes: null });
    expect((await api.as(countyAdmin(X))('GET', `/api/capacity?county=${Y}`)).status).toBe(403);
    const bad = await api('GET', '/api/capacity?county=999999');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/[\u4e00-\u9fff].* \/ /);
  });

  it('gives the campaign preview a capacity answer of the same shape for the targeted counties', async () => {
    const api = apiClient({ db, policy, now: () => now });
    const reply = await api('POST', '/api/campaigns/preview', {
      title: '容量预览台风活动',
      kind: 'typhoon',
      target: { counties: [X], categories: ['A'] },
      window: { start: '2025-07-01T09:00:00+08:00', end: '2025-07-02T09:00:00+08:00' },
      cadence: { A: { everyHours: 12 } },
      messages: {
        call: { yue: '台风就嚟，请关好门窗。', cmn: '台风将至，请关好门窗。' },
        text: '【安心】台风将至。',
      },
    });
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body.capacity).sort()).toEqual(
      [
        'ask',
        'carries',
        'demand',
        'exceeds',
        'generatedAt',
        'horizonHours',
        'moveToTexts',
        'oldestDueMinutes',
      ].sort(),
    );
    // nobody of county X is registered: the routine forecast of X alone
    expect(reply.body.capacity).toMatchObject({ demand: { calls: 4, smsParts: 0 }, exceeds: false });
  });
});
