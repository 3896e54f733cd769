import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { makePolicyConfig } from '../../shared/config.js';
import { type DayStatsField, statsUpdate } from '../../shared/store/stats.js';
import { apiClient, cityAdmin, countyAdmin, townshipOperator } from '../support/api.js';
import { freshDb } from '../support/db.js';
import { shanghai } from '../support/phone.js';

let db: Awaited<ReturnType<typeof freshDb>>;
const policy = makePolicyConfig();
// 00:30 on the 4th in Shanghai is still the 3rd in UTC: "today" is the local date
const now = shanghai('2025-07-04T00:30:00');

async function count(
  date: string,
  county: string,
  township: string,
  add: Partial<Record<DayStatsField, number>>,
) {
  await db.doc.send(
    new TransactWriteCommand({ TransactItems: [statsUpdate(db, { date, county, township }, add)] }),
  );
}

beforeAll(async () => {
  db = await freshDb();
  await count('2025-07-04', '440703', '潮连街道', {
    checkInsOpened: 5,
    callsPlaced: 6,
    well: 3,
    needsHelp: 1,
  });
  await count('2025-07-04', '440703', '白沙街道', { checkInsOpened: 2, textsSent: 2, notReached: 1 });
  await count('2025-07-04', '440781', '台城街道', { checkInsOpened: 7, callsPlaced: 7, well: 7 });
  await count('2025-07-03', '440703', '潮连街道', { checkInsOpened: 1 });
});

const zero = { checkInsOpened: 0, callsPlaced: 0, textsSent: 0, well: 0, needsHelp: 0, notReached: 0 };

describe('GET /api/stats/today', () => {
  const api = () => apiClient({ db, policy, now: () => now });

  it('a city administrator sees every county today, summed over its townships', async () => {
    const reply = await api().as(cityAdmin())('GET', '/api/stats/today');
    expect(reply.status).toBe(200);
    expect(reply.body.date).toBe('2025-07-04');
    expect(Object.keys(reply.body.counties).sort()).toEqual(Object.keys(policy.counties).sort());
    expect(reply.body.counties['440703']).toEqual({
      checkInsOpened: 7,
      callsPlaced: 6,
      textsSent: 2,
      well: 3,
      needsHelp: 1,
      notReached: 1,
    });
    expect(reply.body.counties['440704']).toEqual(zero);
    expect(reply.body.total).toMatchObject({ checkInsOpened: 14, callsPlaced: 13, well: 10 });
    // one county, another date
    const before = await api().as(cityAdmin())('GET', '/api/stats/today?county=440703&date=2025-07-03');
    expect(before.body).toEqual({
      date: '2025-07-03',
      counties: { '440703': { ...zero, checkInsOpened: 1 } },
      total: { ...zero, checkInsOpened: 1 },
    });
  });

  it('a county administrator sees their own county only; another county is 403 with nothing in it', async () => {
    const own = await api().as(countyAdmin('440703'))('GET', '/api/stats/today');
    expect(Object.keys(own.body.counties)).toEqual(['440703']);
    expect(own.body.total.checkInsOpened).toBe(7);
    const other = await api().as(countyAdmin('440703'))('GET', '/api/stats/today?county=440781');
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).not.toContain('"well"');
  });

  it("a township operator sees their township's figures only", async () => {
    const own = await api().as(townshipOperator('440703', '白沙街道'))(
      'GET',
      '/api/stats/today?county=440703',
    );
    expect(own.status).toBe(200);
    expect(own.body).toEqual({
      date: '2025-07-04',
      township: '白沙街道',
      counties: { '440703': { ...zero, checkInsOpened: 2, textsSent: 2, notReached: 1 } },
      total: { ...zero, checkInsOpened: 2, textsSent: 2, notReached: 1 },
    });
    const other = await api().as(townshipOperator('440703', '白沙街道'))(
      'GET',
      '/api/stats/today?county=440781',
    );
    expect(other.status).toBe(403);
  });

  it('without a token 401; a bad date or an unknown county 400', async () => {
    expect((await api().as(null)('GET', '/api/stats/today')).status).toBe(401);
    expect((await api().as(cityAdmin())('GET', '/api/stats/today?date=2025-7-4')).status).toBe(400);
    expect((await api().as(cityAdmin())('GET', '/api/stats/today?county=999999')).status).toBe(400);
  });
});
