import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Absence } from '../../shared/absences/absence.js';
import { signBatch, verifyBatch } from '../../shared/signals/ingest.js';
import type { Device, Reading } from '../../shared/signals/model.js';
import { baseline, DEFAULT_RULE_SETTINGS, evaluateRules, settingsFor } from '../../shared/signals/rules.js';

const HOUR = 3_600_000;
const device = (kind: Device['kind'], deviceId = `${kind}-1`): Device => ({
  vendor: 'acme',
  deviceId,
  kind,
  elderId: 'e1',
  county: '440703',
  township: '潮连街道',
  village: '芝山村',
  registeredAt: '2025-11-01T00:00:00.000Z',
  registeredBy: 'countyAdmin:x',
});
const water = device('waterMeter');
const start = Date.parse('2025-12-01T00:00:00+08:00');

/**
 * A water meter's half-hourly running totals over `days` days from 2025-12-01 00:00 (+08:00): the
 * household's use per half hour given by `use(t)` (t the slot's start).
 */
function meter(d: Device, days: number, use: (t: number) => number): Reading[] {
  const out: Reading[] = [];
  let total = 100;
  for (let t = start; t <= start + days * 24 * HOUR; t += HOUR / 2) {
    out.push({
      vendor: d.vendor,
      deviceId: d.deviceId,
      at: new Date(t).toISOString(),
      eventId: '',
      value: total,
      receivedAt: '',
    });
    total += use(t);
  }
  return out;
}
const hourOf = (t: number) => new Date(t + 8 * HOUR).getUTCHours();
/** an ordinary day: water at meals and washing, none at night */
const usual = (t: number) => ([7, 8, 12, 18, 19].includes(hourOf(t)) ? 0.02 : 0);
const run = (devices: Device[], readings: Map<string, Reading[]>, now: string, absences: Absence[] = []) =>
  evaluateRules({ devices, readings, settings: DEFAULT_RULE_SETTINGS, absences, now: new Date(now) });
const trip: Absence = {
  id: 'a1',
  elderId: 'e1',
  county: '440703',
  township: '潮连街道',
  village: '芝山村',
  from: '2025-12-10',
  until: '2025-12-13',
  reason: 'away',
  declaredBy: { who: 'elder', via: 'text' },
  declaredAt: '2025-12-09T12:00:00.000Z',
};

describe("the week's scenarios (issue 16)", () => {
  it('a fall: water stops in the night before the 10th, the waking-hours rule fires once for that day', () => {
    const fall = Date.parse('2025-12-09T22:00:00+08:00'); // a fall in the night
    const readings = new Map([
      [`acme#${water.deviceId}`, meter(water, 12, (t) => (t >= fall ? 0 : usual(t)))],
    ]);
    const before = run([water], readings, '2025-12-10T18:00:00+08:00').filter((f) => f.rule === 'waterLow');
    expect(before).toEqual([]); // the day's window has not ended, and yesterday was normal
    const fired = run([water], readings, '2025-12-10T19:30:00+08:00').filter((f) => f.rule === 'waterLow');
    expect(fired).toHaveLength(1);
    expect(fired[0]?.window).toEqual({ from: '2025-12-09T23:00:00.000Z', to: '2025-12-10T11:00:00.000Z' });
    expect(fired[0]?.detail).toMatch(/用水 0 m³，低于 0.01 m³/);
    // evaluating again gives the same firing (same id): stored once
    const again = run([water], readings, '2025-12-10T20:30:00+08:00').filter((f) => f.rule === 'waterLow');
    expect(again.map((f) => f.id)).toEqual(fired.map((f) => f.id));
  });

  it('a trip: water stops while an absence is declared, nothing fires', () => {
    const readings = new Map([
      [
        `acme#${water.deviceId}`,
        meter(water, 14, (t) =>
          t >= Date.parse('2025-12-10T00:00:00+08:00') && t < Date.parse('2025-12-13T00:00:00+08:00')
            ? 0
            : usual(t),
        ),
      ],
    ]);
    for (const now of ['2025-12-10T20:00:00+08:00', '2025-12-11T20:00:00+08:00', '2025-12-12T20:00:00+08:00'])
      expect(run([water], readings, now, [trip]).filter((f) => f.rule !== 'unusualUse')).toEqual([]);
    // without the absence the same week would have fired
    expect(run([water], readings, '2025-12-11T20:00:00+08:00').some((f) => f.rule === 'waterLow')).toBe(true);
  });

  it('a leak: constant flow in every half hour of a day fires the leak rule', () => {
    const readings = new Map([[`acme#${water.deviceId}`, meter(water, 3, () => 0.003)]]);
    const fired = run([water], readings, '2025-12-03T08:00:00+08:00').filter((f) => f.rule === 'leak');
    expect(fired).toHaveLength(1);
    expect(fired[0]?.window.from).toBe('2025-12-01T16:00:00.000Z');
    // an ordinary household has dry half hours: no leak
    const dry = new Map([[`acme#${water.deviceId}`, meter(water, 3, usual)]]);
    expect(run([water], dry, '2025-12-03T08:00:00+08:00').filter((f) => f.rule === 'leak')).toEqual([]);
  });

  it('an alarm button press fires once per press, even while away', () => {
    const button = device('alarmButton');
    const press = (at: string, eventId: string): Reading => ({
      vendor: 'acme',
      deviceId: button.deviceId,
      at,
      eventId,
      event: 'press',
      receivedAt: '',
    });
    const readings = new Map([
      [
        `acme#${button.deviceId}`,
        [press('2025-12-11T02:00:00.000Z', 'p1'), press('2025-12-11T02:00:05.000Z', 'p2')],
      ],
    ]);
    const fired = run([button], readings, '2025-12-11T10:05:00+08:00', [trip]);
    expect(fired.map((f) => f.rule)).toEqual(['button', 'button']);
    expect(new Set(fired.map((f) => f.id)).size).toBe(2);
  });

  it('no door opening in 24 hours fires only if the sensor was heard from (a silent sensor is a fault)', () => {
    const door = device('doorSensor');
    const ev = (at: string, event: Reading['event']): Reading => ({
      vendor: 'acme',
      deviceId: door.deviceId,
      at,
      eventId: at,
      event,
      receivedAt: '',
    });
    const heard = new Map([
      [
        `acme#${door.deviceId}`,
        [ev('2025-12-09T01:00:00.000Z', 'open'), ev('2025-12-10T06:00:00.000Z', 'heartbeat')],
      ],
    ]);
    const fired = run([door], heard, '2025-12-10T10:00:00.000Z');
    expect(fired.map((f) => f.rule)).toEqual(['noDoor']);
    const silent = new Map([[`acme#${door.deviceId}`, [ev('2025-12-09T01:00:00.000Z', 'open')]]]);
    expect(run([door], silent, '2025-12-10T10:00:00.000Z')).toEqual([]);
  });
});

describe('the rules as properties', () => {
  it('missing readings never fire a usage rule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 24, max: 14 * 24 }),
        fc.array(fc.nat({ max: 700 }), { maxLength: 200 }),
        (hours, holes) => {
          const all = meter(water, 15, usual);
          const gone = new Set(holes);
          // drop readings; then no flow in the remaining ones: a broken feed looks like no water at all
          const kept = all
            .filter((_, i) => !gone.has(i))
            .map((r, i) => ({ ...r, value: i % 7 === 0 ? r.value : undefined }))
            .filter((r) => r.value !== undefined) as Reading[];
          const now = new Date(start + hours * HOUR).toISOString();
          // whatever fires must be backed by readings at both ends of its window
          for (const f of run([water], new Map([[`acme#${water.deviceId}`, kept]]), now))
            expect(f.readings.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('the order of readings changes nothing (late readings count as if on time)', () => {
    const readings = meter(water, 12, (t) => (t >= Date.parse('2025-12-10T09:00:00+08:00') ? 0 : usual(t)));
    const want = run([water], new Map([[`acme#${water.deviceId}`, readings]]), '2025-12-10T19:30:00+08:00')
      .map((f) => f.id)
      .sort();
    fc.assert(
      fc.property(
        fc.shuffledSubarray(readings, { minLength: readings.length, maxLength: readings.length }),
        (shuffled) => {
          const got = run(
            [water],
            new Map([[`acme#${water.deviceId}`, shuffled]]),
            '2025-12-10T19:30:00+08:00',
          )
            .map((f) => f.id)
            .sort();
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('the baseline is the median and a robust spread', () => {
    expect(baseline([1, 2, 3, 4, 100])).toEqual({ median: 3, spread: 1.4826 });
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (xs) => {
          const b = baseline(xs);
          expect(b.median).toBeGreaterThanOrEqual(Math.min(...xs));
          expect(b.median).toBeLessThanOrEqual(Math.max(...xs));
          expect(b.spread).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('household overrides sit on county defaults rule by rule', () => {
    const s = settingsFor(
      { waterLow: { thresholdM3: 0.02 } },
      { waterLow: { wakingFrom: '06:00' }, noDoor: { enabled: false } },
    );
    expect(s.waterLow).toMatchObject({ thresholdM3: 0.02, wakingFrom: '06:00', wakingHours: 12 });
    expect(s.noDoor.enabled).toBe(false);
    expect(() => settingsFor({ waterLow: { thresholdM3: -1 } }, {})).toThrow();
  });
});

describe('batch signatures', () => {
  const secret = 'x'.repeat(40);
  const now = new Date('2025-12-10T02:00:00Z');
  const ts = String(now.getTime() / 1000);
  const body = Buffer.from('{"vendor":"acme","readings":[]}');
  it('verifies its own signature within five minutes, and nothing else', () => {
    const headers = { 'x-anxin-timestamp': ts, 'x-anxin-signature': signBatch(secret, ts, body) };
    expect(verifyBatch(secret, headers, body, now)).toEqual({ ok: true });
    expect(verifyBatch(secret, headers, body, new Date(now.getTime() + 301_000))).toEqual({
      ok: false,
      reason: 'stale',
    });
    expect(verifyBatch(secret, headers, Buffer.from(`${body} `), now)).toEqual({
      ok: false,
      reason: 'forged',
    });
    expect(verifyBatch('', headers, body, now)).toEqual({ ok: false, reason: 'unsigned' });
    expect(verifyBatch(secret, { 'x-anxin-timestamp': ts }, body, now)).toEqual({
      ok: false,
      reason: 'unsigned',
    });
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (sig) => {
        expect(verifyBatch(secret, { 'x-anxin-timestamp': ts, 'x-anxin-signature': sig }, body, now).ok).toBe(
          false,
        );
      }),
    );
  });
});
