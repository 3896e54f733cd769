/**
 * Phone-visit measurements on DynamoDB Local (run on purpose: `npm run bench:phone`).
 * 1. capacity units per planned check-in with 10,000 and 100,000 registered elders, 1% due
 * 2. capacity units per whole check-in (planned → called → answered → visit recorded)
 * 3. end-to-end check-ins per second, as a ratio to DynamoDB Local's PutItem rate in the same run
 * 4. pacing against the simulated provider: peaks never above the limits; share of the call rate kept
 * 5. keypad 2 to the first contact text handed to the provider: p50 and p99 (wall clock)
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoLocal } from '../local/dynamo.js';
import { phoneRuntime } from '../local/phone/runtime.js';
import { RealTimeline, type Timeline, VirtualTimeline } from '../local/phone/timeline.js';
import { makePolicyConfig } from '../shared/config.js';
import { DEFAULT_LIMITS, DEFAULT_PHONE_POLICY, type ProviderLimits } from '../shared/phone/config.js';
import { runPlanner } from '../shared/phone/engine.js';
import type { Elder } from '../shared/register/elder.js';
import { parseRegistration, registerParsed } from '../shared/register/service.js';
import { makeIdNumber } from '../shared/registration/id-number.js';
import type { Db } from '../shared/store/client.js';
import { putContact } from '../shared/store/contacts.js';
import { dueKeys, elderKeys, phoneKeys } from '../shared/store/keys.js';
import { setPlannerCursor } from '../shared/store/phone.js';
import { meterCapacity } from './capacity.js';
import { benchTable, type Item, writeAll } from './support.js';

const policy = makePolicyConfig();
const phonePolicies = { '*': DEFAULT_PHONE_POLICY };
// 09:00 on a Tuesday in Asia/Shanghai: inside the first calling window
const START = new Date('2025-07-01T01:00:00Z');

async function table(endpoint: string): Promise<{ db: Db; meter: ReturnType<typeof meterCapacity> }> {
  const db = await benchTable(endpoint);
  return { db, meter: meterCapacity(db.doc as never) };
}

/** A register of n elders written straight to the table (profile + schedule), `dueShare` of them due now. */
async function fillRegister(db: Db, n: number, dueShare: number, now: Date): Promise<string[]> {
  const due: string[] = [];
  const items: Item[] = [];
  const every = Math.round(1 / dueShare);
  for (let i = 0; i < n; i++) {
    const id = `bench-${String(i).padStart(7, '0')}`;
    const isDue = i % every === 0;
    if (isDue) due.push(id);
    // the rest fall due over the next two weeks, in later hour buckets
    const at = new Date(now.getTime() + (isDue ? -60_000 : 3_600_000 + (i % 336) * 3_600_000)).toISOString();
    const elder: Omit<Elder, 'emergencyContacts'> = {
      id,
      name: '测试',
      gender: 'female',
      birthDate: '1940-01-01',
      phone: `+86138${String(i).padStart(8, '0')}`,
      address: '测试地址',
      region: { county: '440703', township: '潮连街道', village: '芝山村' },
      living: 'alone',
      emptyNest: true,
      leftBehind: false,
      ability: 'intact',
      dementia: false,
      lowIncome: false,
      familyPlanningSpecial: false,
      caresForDisabledChild: false,
      partnerImpaired: false,
      language: 'yue',
      channel: 'voice',
      consent: 'accepted',
      category: 'A',
      computedCategory: 'A',
      rules: ['A2'],
      status: 'active',
      registeredAt: now.toISOString(),
      registeredOn: '2025-07-01',
      updatedAt: now.toISOString(),
      version: 1,
    };
    items.push({ ...elderKeys.profile(id), type: 'elder', ...elder });
    items.push({
      ...phoneKeys.schedule(id),
      ...dueKeys('schedule', id, at, now),
      type: 'schedule',
      elderId: id,
      county: '440703',
      nextCheckInAt: at,
      suspended: false,
    });
  }
  await writeAll(db, items);
  return due;
}

async function plannerCapacity(endpoint: string, n: number) {
  const { db, meter } = await table(endpoint);
  const timeline = new VirtualTimeline(START);
  const runtime = phoneRuntime({ db, policy, phonePolicies, limits: DEFAULT_LIMITS, timeline });
  const due = await fillRegister(db, n, 0.01, START);
  await setPlannerCursor(db, START.toISOString().slice(0, 13));
  const before = meter.units;
  const result = await runPlanner(runtime.deps);
  const units = meter.units - before;
  return {
    registered: n,
    due: due.length,
    started: result.started,
    units,
    perCheckIn: units / Math.max(1, result.started),
  };
}

/** Elders registered through the real service, each with a simulated phone behaving as given. */
async function pipeline(
  endpoint: string,
  count: number,
  behaviour: 'press-1' | 'press-2',
  limits: ProviderLimits = DEFAULT_LIMITS,
  realTime = false,
) {
  const { db, meter } = await table(endpoint);
  const timeline: Timeline = realTime
    ? new RealTimeline(START)
    : new VirtualTimeline(new Date(START.getTime() - 30 * 60_000));
  const runtime = phoneRuntime({ db, policy, phonePolicies, limits, timeline });
  const contactPhone = '+8613900009999';
  await putContact(db, {
    id: 'bench-contact',
    name: '联系人',
    phone: contactPhone,
    role: 'committeeStaff',
    county: '440703',
    township: '潮连街道',
  });
  runtime.network.addPhone({
    number: contactPhone,
    kind: 'contact',
    id: 'bench-contact',
    label: 'c',
    voice: ['no-answer'],
    sms: 'no-reply',
    contact: { behaviour: 'ignore', delayMinutes: 0 },
  });
  for (let i = 0; i < count; i++) {
    const birthDate = '1942-03-04';
    const body = parseRegistration(policy, {
      name: `测试${i}`,
      gender: 'female',
      birthDate,
      idNumber: makeIdNumber('440703', birthDate, (i * 2) % 1000),
      phone: `1380013${String(i).padStart(4, '0')}`,
      address: '测试地址',
      region: { county: '440703', township: '潮连街道', village: '芝山村' },
      living: 'alone',
      contactId: 'bench-contact',
    });
    const elder = await registerParsed(
      { db, policy },
      { ...body, idNumber: undefined, name: `测试${i}号` },
      { actor: 'bench', now: timeline.now() },
    );
    runtime.network.addPhone({
      number: elder.phone,
      kind: 'elder',
      id: elder.id,
      label: elder.id,
      voice: [behaviour],
      sms: 'no-reply',
    });
  }
  const putBefore = meter.units;
  const wall0 = performance.now();
  runtime.startPlanner();
  if (timeline instanceof VirtualTimeline)
    await timeline.runUntil(new Date(START.getTime() + 10 * 3_600_000));
  else {
    // real time: until every elder's call has ended (or two minutes)
    const deadline = performance.now() + 120_000;
    while (performance.now() < deadline && runtime.network.calls.filter((c) => c.endedAt).length < count) {
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
  runtime.stop();
  const wallSeconds = (performance.now() - wall0) / 1000;
  return { db, meter, runtime, units: meter.units - putBefore, wallSeconds };
}

async function putItemRate(endpoint: string, n = 2000): Promise<number> {
  const { db } = await table(endpoint);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await db.doc.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { pk: `P#${i}`, sk: 'X', payload: 'x'.repeat(400), at: new Date().toISOString() },
      }),
    );
  }
  return n / ((performance.now() - t0) / 1000);
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

async function main() {
  const dynamo = await startDynamoLocal();
  try {
    console.log('1. capacity units per planned check-in (1% of the register due)');
    const small = await plannerCapacity(dynamo.endpoint, 10_000);
    const large = await plannerCapacity(dynamo.endpoint, 100_000);
    for (const r of [small, large]) {
      console.log(
        `   ${r.registered.toLocaleString('en').padStart(7)} elders: ${r.started} started, ${r.units.toFixed(1)} units, ${r.perCheckIn.toFixed(2)} units per planned check-in`,
      );
    }
    const spread = Math.abs(large.perCheckIn - small.perCheckIn) / small.perCheckIn;
    console.log(`   difference: ${(spread * 100).toFixed(1)}% (target: within 10%)`);

    console.log('2./3. whole check-ins (press 1) through planner, queue, dispatcher, SIP events, visit');
    const count = 200;
    const run = await pipeline(dynamo.endpoint, count, 'press-1');
    const visits = run.runtime.network.calls.filter((c) => c.digits === '1').length;
    const putRate = await putItemRate(dynamo.endpoint);
    const rate = visits / run.wallSeconds;
    console.log(
      `   ${visits} check-ins answered with 1 in ${run.wallSeconds.toFixed(2)} s wall → ${rate.toFixed(1)} check-ins/s`,
    );
    console.log(`   ${(run.units / visits).toFixed(2)} capacity units per whole check-in`);
    console.log(
      `   DynamoDB Local PutItem (sequential, same run): ${putRate.toFixed(0)}/s → ratio ${(rate / putRate).toFixed(4)} (one check-in ≈ ${(putRate / rate).toFixed(1)} PutItems of time)`,
    );

    console.log('4. pacing with the simulated provider (virtual time)');
    for (const limits of [DEFAULT_LIMITS, { ...DEFAULT_LIMITS, callsInProgress: 50 }]) {
      const p = await pipeline(dynamo.endpoint, 300, 'press-1', limits);
      const calls = p.runtime.network.calls.map((c) => ({
        at: Date.parse(c.at),
        end: Date.parse(c.endedAt ?? c.at),
      }));
      const first = Math.min(...calls.map((c) => c.at));
      const last = Math.max(...calls.map((c) => c.at));
      const achieved = (calls.length - 1) / ((last - first) / 1000);
      const meanDuration = calls.reduce((s, c) => s + (c.end - c.at), 0) / calls.length / 1000;
      const bound = Math.min(limits.callsPerSecond, limits.callsInProgress / meanDuration);
      const peaks = p.runtime.network.peaks;
      console.log(
        `   limits ${limits.callsPerSecond}/s, ${limits.callsInProgress} at once: ${calls.length} calls; peaks ${peaks.callsInOneSecond}/s and ${peaks.inProgress} at once` +
          ` (${peaks.callsInOneSecond <= limits.callsPerSecond && peaks.inProgress <= limits.callsInProgress ? 'never above' : 'ABOVE'} the limits);` +
          ` while the backlog lasted ${achieved.toFixed(3)} calls/s of a possible ${bound.toFixed(3)} (${((achieved / bound) * 100).toFixed(0)}%; mean call ${meanDuration.toFixed(1)} s)`,
      );
    }

    console.log(
      '5. keypad 2 → first contact text handed to the provider (real clock, local pipeline, 10 calls at once)',
    );
    const help = await pipeline(dynamo.endpoint, 30, 'press-2', DEFAULT_LIMITS, true);
    const latencies: number[] = [];
    for (const call of help.runtime.network.calls.filter(
      (c) => c.digits === '2' && c.pressedWallMs !== undefined,
    )) {
      const text = help.runtime.network.texts.find(
        (t) =>
          t.purpose === 'escalation' &&
          t.to === '+8613900009999' &&
          (t.wallMs ?? 0) >= (call.pressedWallMs ?? 0) &&
          t.elderId === help.runtime.network.phones.get(call.to)?.id,
      );
      if (text?.wallMs !== undefined && call.pressedWallMs !== undefined)
        latencies.push(text.wallMs - call.pressedWallMs);
    }
    console.log(
      `   ${latencies.length} presses: p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms`,
    );
  } finally {
    await dynamo.stop();
  }
}

void main();
