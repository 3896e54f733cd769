import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEV_SIGNALS_SECRET, signBatch } from '../../shared/signals/ingest.js';
import type { Alert } from '../../shared/signals/model.js';
import { sweepCounty } from '../../shared/signals/service.js';
import { listAlertsOfCounty } from '../../shared/store/signals.js';
import { apiClient, countyAdmin } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

/** Devices, signed batches (twice, out of order), alerts, verdicts and the per-rule figures. */
let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;
let clock = new Date('2025-12-10T02:00:00Z');
const started: string[] = [];
const cases: string[] = [];
const engine = {
  startCheckIn: async (a: Alert) => void started.push(a.id),
  openCase: async (a: Alert) => void cases.push(a.id),
};

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now: () => clock });
});

function post(batch: unknown, secret = LOCAL_DEV_SIGNALS_SECRET) {
  const body = JSON.stringify(batch);
  const ts = String(Math.floor(clock.getTime() / 1000));
  return api.as(null)('POST', '/signals/readings', body, {
    'x-anxin-timestamp': ts,
    'x-anxin-signature': signBatch(secret, ts, body),
  });
}

describe('signals', () => {
  it('registers devices to one elder only, takes signed batches twice and out of order, one alert per press', async () => {
    const created = await api(
      'POST',
      '/api/elders',
      aRegistration({ age: 85, living: 'alone', name: '林小红' }),
    );
    const id = created.body.id as string;
    const button = await api('POST', `/api/elders/${id}/devices`, {
      kind: 'alarmButton',
      vendor: 'pingantong',
      deviceId: 'BTN-001',
    });
    expect(button.status).toBe(201);
    expect(
      (
        await api('POST', `/api/elders/${id}/devices`, {
          kind: 'alarmButton',
          vendor: 'pingantong',
          deviceId: 'BTN-001',
        })
      ).status,
    ).toBe(200);
    const other = await api(
      'POST',
      '/api/elders',
      aRegistration({ age: 81, living: 'alone', name: '陈大明' }),
    );
    const taken = await api('POST', `/api/elders/${other.body.id}/devices`, {
      kind: 'alarmButton',
      vendor: 'pingantong',
      deviceId: 'BTN-001',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.errors[0].message).toMatch(/已登记给其他老人 \/ .*another elder/);
    const bad = await api('POST', `/api/elders/${id}/devices`, {
      kind: 'toaster',
      vendor: 'a/b',
      deviceId: '',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'deviceId',
      'kind',
      'vendor',
    ]);
    await api('POST', `/api/elders/${id}/devices`, {
      kind: 'waterMeter',
      vendor: 'pingantong',
      deviceId: 'WM-001',
    });
    expect((await api('GET', `/api/elders/${id}/devices`)).body.items).toHaveLength(2);

    const presses = [
      { deviceId: 'BTN-001', at: '2025-12-10T09:58:00+08:00', eventId: 'ev-2', event: 'press' },
      { deviceId: 'BTN-001', at: '2025-12-10T09:50:00+08:00', eventId: 'ev-1', event: 'press' },
      { deviceId: 'WM-001', at: '2025-12-10T09:30:00+08:00', value: 123.45 },
      { deviceId: 'NOPE', at: '2025-12-10T09:30:00+08:00', value: 1 },
      { deviceId: 'WM-001', at: 'yesterday', value: 1 },
    ];
    const first = await post({ vendor: 'pingantong', readings: presses });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 3, duplicates: 0, alerts: 2 });
    expect(first.body.rejected.map((r: { index: number }) => r.index)).toEqual([3, 4]);
    expect(first.body.rejected[0].errors[0].message).toMatch(/未登记/);
    const again = await post({ vendor: 'pingantong', readings: [...presses].reverse() });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3, alerts: 0 });
    const alerts = (await api('GET', '/api/signals/alerts?county=440703')).body.items as Alert[];
    expect(alerts).toHaveLength(2);
    expect(alerts.every((a) => a.rule === 'button' && a.action === 'case' && a.status === 'pending')).toBe(
      true,
    );

    // staff mark one false, then change their mind; the figures follow
    const verdict = await api('POST', `/api/signals/alerts/${alerts[0]?.id}/verdict`, { verdict: 'false' });
    expect(verdict.body).toMatchObject({ verdict: 'false', verdictBy: 'cityAdmin:city-test' });
    let stats = (await api('GET', '/api/signals/stats?county=440703')).body.rules;
    expect(stats.find((r: { rule: string }) => r.rule === 'button')).toMatchObject({
      fired: 2,
      falseAlarms: 1,
      trueAlarms: 0,
      falseShare: 1,
    });
    await api('POST', `/api/signals/alerts/${alerts[0]?.id}/verdict`, { verdict: 'true' });
    stats = (await api('GET', '/api/signals/stats?county=440703')).body.rules;
    expect(stats.find((r: { rule: string }) => r.rule === 'button')).toMatchObject({
      fired: 2,
      falseAlarms: 0,
      trueAlarms: 1,
    });
    expect(
      (
        await api.as(countyAdmin('440705'))('POST', `/api/signals/alerts/${alerts[1]?.id}/verdict`, {
          verdict: 'false',
        })
      ).status,
    ).toBe(404);

    // the engine, once wired, gets each pending alert once (the sweep hands over those left pending)
    await sweepCounty({ db, engine }, '440703', clock);
    expect(cases.sort()).toEqual(alerts.map((a) => a.id).sort());
    await sweepCounty({ db, engine }, '440703', clock);
    expect(cases).toHaveLength(2);
    expect((await listAlertsOfCounty(db, '440703')).every((a) => a.status === 'caseOpened')).toBe(true);
  });

  it('refuses unsigned, forged and stale batches (401, storing nothing)', async () => {
    const batch = {
      vendor: 'pingantong',
      readings: [{ deviceId: 'BTN-001', at: '2025-12-10T10:00:00+08:00', event: 'press' }],
    };
    expect((await api.as(null)('POST', '/signals/readings', batch)).status).toBe(401);
    const forged = await post(batch, 'y'.repeat(40));
    expect(forged.status).toBe(401);
    expect(forged.body.errors[0].message).toMatch(/签名不正确 \/ The signature/);
    const body = JSON.stringify(batch);
    const old = String(Math.floor(clock.getTime() / 1000) - 3600);
    const stale = await api.as(null)('POST', '/signals/readings', body, {
      'x-anxin-timestamp': old,
      'x-anxin-signature': signBatch(LOCAL_DEV_SIGNALS_SECRET, old, body),
    });
    expect(stale.status).toBe(401);
    expect((await listAlertsOfCounty(db, '440703')).length).toBe(2);
  });

  it('keeps county defaults and household overrides, refusing impossible settings', async () => {
    const put = await api('PUT', '/api/signals/rules?county=440703', { waterLow: { thresholdM3: 0.02 } });
    expect(put.body.settings.waterLow).toMatchObject({ thresholdM3: 0.02, wakingFrom: '07:00' });
    expect((await api('GET', '/api/signals/rules?county=440703')).body.settings.waterLow.thresholdM3).toBe(
      0.02,
    );
    const bad = await api('PUT', '/api/signals/rules?county=440703', { waterLow: { thresholdM3: -1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toMatch(/规则设置无效/);
    clock = new Date('2025-12-10T03:00:00Z');
  });
});
