/**
 * What capacity planning costs on DynamoDB Local, billed by DynamoDB's rules (bench/meter.ts), run on
 * purpose: `npm run bench:forecast [elders]` (default 60,000, the routine register).
 * 1. the hourly forecast: the next 24 hours of the due index read once and the forecast item written
 * 2. every other planner run in the hour: the forecast item read and the oldest due entry looked up
 * 3. GET /api/capacity: the forecast item read
 * The register: each elder's schedule on the due index, due uniformly over their cadence (A 3 days,
 * B 7, C 14; 20% A, 20% B, 60% C) in 7 counties, so about 8,300 check-ins fall due in a day.
 */
import { startDynamoLocal } from '../local/dynamo.js';
import { adviseForCounties } from '../shared/phone/capacity.js';
import { DEFAULT_LIMITS, DEFAULT_PHONE_POLICY } from '../shared/phone/config.js';
import { getForecast, refreshForecast } from '../shared/store/capacity.js';
import { dueKeys, phoneKeys } from '../shared/store/keys.js';
import { setPlannerCursor } from '../shared/store/phone.js';
import { attachMeter } from './meter.js';
import { benchTable, type Item, writeAll } from './support.js';

// 09:00 on a Tuesday in Asia/Shanghai
const START = new Date('2025-07-01T01:00:00Z');
const COUNTIES = ['440703', '440704', '440705', '440781', '440783', '440784', '440785'];
const CADENCE_DAYS = { A: 3, B: 7, C: 14 } as const;

function schedules(n: number): Item[] {
  const items: Item[] = [];
  for (let i = 0; i < n; i++) {
    const id = `bench-${String(i).padStart(7, '0')}`;
    const category = i % 10 < 2 ? 'A' : i % 10 < 4 ? 'B' : 'C';
    // spread evenly over the cadence (a golden-ratio sequence, so every hour gets its share)
    const offset = ((i * 0.6180339887) % 1) * CADENCE_DAYS[category] * 86_400_000;
    const at = new Date(START.getTime() + offset).toISOString();
    items.push({
      ...phoneKeys.schedule(id),
      ...dueKeys('schedule', id, at, START),
      type: 'schedule',
      elderId: id,
      county: COUNTIES[i % COUNTIES.length],
      nextCheckInAt: at,
      suspended: false,
    });
  }
  return items;
}

async function main() {
  const elders = Number(process.argv[2] ?? 60_000);
  const dynamo = await startDynamoLocal();
  try {
    const db = await benchTable(dynamo.endpoint);
    const loadStart = Date.now();
    await writeAll(db, schedules(elders));
    await setPlannerCursor(db, START.toISOString().slice(0, 13));
    console.log(
      `${elders.toLocaleString('en')} schedules written in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`,
    );

    const meter = attachMeter(db.doc);
    const settings = { limits: DEFAULT_LIMITS, windows: DEFAULT_PHONE_POLICY.windows, horizonHours: 24 };
    const hourly = await meter.phase('forecast, once an hour', () => refreshForecast(db, START, settings));
    const later = new Date(START.getTime() + 5 * 60_000);
    const run = await meter.phase('each other planner run', () => refreshForecast(db, later, settings));
    const forecast = await meter.phase('GET /api/capacity', () => getForecast(db));
    if (!hourly.refreshed || run.refreshed || !forecast) throw new Error('the forecast was not written once');

    const advice = adviseForCounties(forecast, START, undefined);
    console.log(
      `\nnext 24 hours: ${advice.demand.calls.toLocaleString('en')} calls due, the default Chime limits carry ` +
        `${advice.carries.calls.toLocaleString('en')}; exceeds: ${advice.exceeds}; ask: ${JSON.stringify(advice.ask)}; ` +
        `move to texts: ${JSON.stringify(advice.moveToTexts)}`,
    );
    console.log('\nbilled by DynamoDB rules (on demand):\n');
    console.log(meter.format());
    const perDay =
      meter.figures('forecast, once an hour').totalUnits * 24 +
      meter.figures('each other planner run').totalUnits * (288 - 24);
    console.log(
      `\na day (24 forecasts, 264 other planner runs every 5 minutes): ${perDay.toFixed(1)} capacity units`,
    );
  } finally {
    await dynamo.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
