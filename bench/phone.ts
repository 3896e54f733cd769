/**
 * Phone-visit measurements on DynamoDB Local (run on purpose: `npm run bench:phone`).
 * 1. capacity units per planned check-in with 10,000 and 100,000 registered elders, 1% due
 * 2. capacity units per whole check-in (planned → called → answered → visit recorded)
 * 3. end-to-end check-ins per second, as a ratio to DynamoDB Local's PutItem rate in the same run
 * 4. pacing against the simulated provider: peaks never above the limits; share of the call rate kept
 * 5. keypad 2 to the first contact text handed to the provider: p50 and p99 (wall clock)
 * 6. DynamoDB requests and units per path: the planner per check-in, a whole happy check-in, the
 *    no-answer path to escalation step 1
 * 7. "check in now" behind a backlog of 5,000 due check-ins: seconds until its call is placed
 * Sections can be picked: `npm run bench:phone -- paths priority` (names: planner, pipeline, pacing,
 * latency, paths, priority); none runs them all.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoLocal } from '../local/dynamo.js';
import { phoneRuntime } from '../local/phone/runtime.js';
import { RealTimeline, type Timeline, VirtualTimeline } from '../local/phone/timeline.js';
import { makePolicyConfig } from '../shared/config.js';
import { DEFAULT_LIMITS, DEFAULT_PHONE_POLICY, type ProviderLimits } from '../shared/phone/config.js';
import { checkInNow, runPlanner } from '../shared/phone/engine.js';
import type { Elder } from '../shared/register/elder.js';
import { parseRegistration, registerParsed } from '../shared/register/service.js';
import { makeIdNumber } from '../shared/registration/id-number.js';
import type { Db } from '../shared/store/client.js';
import { putContact } from '../shared/store/contacts.js';
import { dueKeys, elderKeys, phoneKeys } from '../shared/store/keys.js';
import { getSchedule, setPlannerCursor } from '../shared/store/phone.js';
import { meterCapacity } from './capacity.js';
import { attachMeter } from './meter.js';
import { benchTable, type Item, writeAll } from './support.js';

const policy = makePolicyConfig();
const phonePolicies = { '*': DEFAULT_PHONE_POLICY };
// 09:00 on a Tuesday in Asia/Shanghai: inside the first calling window
const START = new Date('2025-07-01T01:00:00Z');

/** Counts the DynamoDB requests a client sends, by command. */
function countRequests(client: DynamoDBClient) {
  const counts = { total: 0, byCommand: new Map<string, number>() };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.total++;
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts.byCommand.set(name, (counts.byCommand.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'anxinRequestCounter' },
  );
  return counts;
}

async function table(endpoint: string): Promise<{
  db: Db;
  meter: ReturnType<typeof meterCapacity>;
  requests: ReturnType<typeof countRequests>;
}> {
  const db = await benchTable(endpoint);
  return { db, meter: meterCapacity(db.doc as never), requests: countRequests(db.doc as never) };
}

/** What a stretch of work cost: units (as DynamoDB Local reports them) and requests by command. */
function costSince(t: Awaited<ReturnType<typeof table>>) {
  const units = t.meter.units;
  const total = t.requests.total;
  const byCommand = new Map(t.requests.byCommand);
  return (per = 1) => ({
    units: (t.meter.units - units) / per,
    requests: (t.requests.total - total) / per,
    byCommand: [...t.requests.byCommand]
      .map(([name, n]) => [name, (n - (byCommand.get(name) ?? 0)) / per] as const)
      .filter(([, n]) => n > 0)
      .map(([name, n]) => `${name} ${n.toFixed(1)}`)
      .join(', '),
  });
}

/** A register of n elders written straight to the table (profile + schedule), `dueShare` of them due now. */
async function fillRegister(
  db: Db,
  n: number,
  dueShare: number,
  now: Date,
  prefix = 'bench-',
): Promise<string[]> {
  const due: string[] = [];
  const items: Item[] = [];
  const every = Math.round(1 / dueShare);
  for (let i = 0; i < n; i++) {
    const id = `${prefix}${String(i).padStart(7, '0')}`;
    const isDue = i % every === 0;
    if (isDue) due.push(id);
    // the rest fall due over the next two weeks, in later hour buckets
    const at = new Date(now.getTime() + (isDue ? -60_000 : 3_600_000 + (i % 336) * 3_600_000)).toISOString();
    const elder: Omit<Elder, 'emergencyContacts'> = {
      id,
      name: '测试',
      gender: 'female',
      birthDate: '1940-01-01',
      phone: `+86${prefix === 'bench-' ? '138' : '139'}${String(i).padStart(8, '0')}`,
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
  const db = await benchTable(endpoint);
  const timeline = new VirtualTimeline(START);
  const runtime = phoneRuntime({ db, policy, phonePolicies, limits: DEFAULT_LIMITS, timeline });
  const due = await fillRegister(db, n, 0.01, START);
  await setPlannerCursor(db, START.toISOString().slice(0, 13));
  // billed by DynamoDB's rules: the planner's run, which opens each due check-in and queues its call
  const meter = attachMeter(db.doc);
  const result = await meter.phase('planner', () => runPlanner(runtime.deps));
  const figures = meter.figures('planner');
  meter.detach();
  const per = Math.max(1, result.started);
  return {
    registered: n,
    due: due.length,
    started: result.started,
    units: figures.totalUnits,
    perCheckIn: figures.totalUnits / per,
    requestsPerCheckIn: figures.requestCount / per,
    byCommand: Object.entries(figures.requests)
      .map(([c, k]) => `${c} ${(k / per).toFixed(2)}`)
      .join(', '),
  };
}

/** Elders registered through the real service, each with a simulated phone behaving as given. */
async function pipeline(
  endpoint: string,
  count: number,
  behaviour: 'press-1' | 'press-2' | 'no-answer',
  limits: ProviderLimits = DEFAULT_LIMITS,
  realTime = false,
  /** how long the virtual clock runs after 09:00 (10 h unless given) */
  forMs = 10 * 3_600_000,
) {
  const t = await table(endpoint);
  const { db, meter } = t;
  const timeline: Timeline = realTime
    ? new RealTimeline(START)
    : new VirtualTimeline(new Date(START.getTime() - 30 * 60_000));
  const runtime = phoneRuntime({ db, policy, phonePolicies, limits, timeline });
  await populate(db, runtime.network, timeline, count, behaviour);
  const putBefore = meter.units;
  const cost = costSince(t);
  const wall0 = performance.now();
  runtime.startPlanner();
  if (timeline instanceof VirtualTimeline) await timeline.runUntil(new Date(START.getTime() + forMs));
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
  return { db, meter, runtime, units: meter.units - putBefore, wallSeconds, cost };
}

/**
 * One path of check-ins billed by DynamoDB's rules (bench/meter.ts): `count` elders, the planner every
 * 5 minutes (its runs labelled apart), everything else (queue, dispatcher, SIP events, texts) as
 * "calls". The planner's fixed cost per run (cursor, the due index's empty shards) is measured on a run
 * with nothing due and reported apart: it is paid every 5 minutes whatever is due.
 */
async function billedPath(
  endpoint: string,
  count: number,
  behaviour: 'press-1' | 'no-answer',
  forMs: number,
  done?: (runtime: ReturnType<typeof phoneRuntime>) => boolean,
) {
  const db = await benchTable(endpoint);
  const timeline = new VirtualTimeline(new Date(START.getTime() - 30 * 60_000));
  const runtime = phoneRuntime({ db, policy, phonePolicies, limits: DEFAULT_LIMITS, timeline });
  await populate(db, runtime.network, timeline, count, behaviour);
  const meter = attachMeter(db.doc);
  // a run with nothing due yet (08:30): the planner's fixed cost per run
  await meter.phase('idle planner run', () => runPlanner(runtime.deps));
  let runs = 0;
  const end = new Date(START.getTime() + forMs);
  const tick = async () => {
    if (done?.(runtime)) return;
    runs++;
    await meter.phase('planner', () => runPlanner(runtime.deps));
    const next = new Date(timeline.now().getTime() + 5 * 60_000);
    if (next <= end) timeline.at(next, tick);
  };
  timeline.at(new Date(timeline.now().getTime() + 5 * 60_000), tick);
  await meter.phase('calls', () => timeline.runUntil(end));
  const idle = meter.figures('idle planner run');
  const planner = meter.figures('planner');
  const calls = meter.figures('calls');
  // everything after registration, the planner's runs included (the first run may already open
  // check-ins: nothing is subtracted)
  const units = idle.totalUnits + planner.totalUnits + calls.totalUnits;
  const requests = idle.requestCount + planner.requestCount + calls.requestCount;
  return {
    runtime,
    runs,
    idle,
    perCheckIn: { units: units / count, requests: requests / count },
    report: meter.format(),
  };
}

/**
 * "Check in now" behind a backlog: `backlog` check-ins due at once (planned, queued, dialling at the
 * limits, every call ringing out), then staff ask for one elder's check-in. Virtual seconds from the
 * request until the provider has its call.
 */
async function priorityBehindBacklog(endpoint: string, backlog: number) {
  const { db } = await table(endpoint);
  const timeline = new VirtualTimeline(START);
  const runtime = phoneRuntime({ db, policy, phonePolicies, limits: DEFAULT_LIMITS, timeline });
  await fillRegister(db, backlog, 1, START);
  // the elder staff ask for: registered, next check-in a week away
  const [asked] = await fillRegister(db, 1, 1, new Date(START.getTime() + 7 * 86_400_000), 'asked-');
  await setPlannerCursor(db, START.toISOString().slice(0, 13));
  const wall0 = performance.now();
  const planned = await runPlanner(runtime.deps);
  const planSeconds = (performance.now() - wall0) / 1000;
  // the backlog dials for a minute: every place taken, the queue thousands deep
  await timeline.runUntil(new Date(START.getTime() + 60_000));
  const askedAt = timeline.now().getTime();
  const wall1 = performance.now();
  const result = await checkInNow(runtime.deps, asked as string);
  const checkInId = (await getSchedule(db, asked as string))?.openCheckInId;
  const placed = () => runtime.network.calls.find((c) => c.context.ref === checkInId);
  for (let s = 0; s < 600 && !placed(); s++)
    await timeline.runUntil(new Date(timeline.now().getTime() + 1000));
  const call = placed();
  return {
    backlog: planned.started,
    planSeconds,
    result,
    seconds: call ? (Date.parse(call.at) - askedAt) / 1000 : Number.NaN,
    wallSeconds: (performance.now() - wall1) / 1000,
    callsBefore: runtime.network.calls.filter((c) => Date.parse(c.at) < askedAt).length,
    waiting: backlog - runtime.network.calls.filter((c) => Date.parse(c.at) < askedAt).length,
  };
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

const only = new Set(process.argv.slice(2));
const runs = (section: string) => only.size === 0 || only.has(section);

async function main() {
  const dynamo = await startDynamoLocal();
  try {
    if (runs('planner')) {
      console.log('1. capacity units per planned check-in (1% of the register due)');
      const small = await plannerCapacity(dynamo.endpoint, 10_000);
      const large = await plannerCapacity(dynamo.endpoint, 100_000);
      for (const r of [small, large]) {
        console.log(
          `   ${r.registered.toLocaleString('en').padStart(7)} elders: ${r.started} started, ${r.units.toFixed(1)} units, ${r.perCheckIn.toFixed(2)} units and ${r.requestsPerCheckIn.toFixed(2)} requests per planned check-in (${r.byCommand})`,
        );
      }
      const spread = Math.abs(large.perCheckIn - small.perCheckIn) / small.perCheckIn;
      console.log(
        `   ratio 100,000 / 10,000: ${(large.perCheckIn / small.perCheckIn).toFixed(3)}; difference ${(spread * 100).toFixed(1)}% (target: ratio at most 1.1)`,
      );
    }

    if (runs('pipeline')) {
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
    }
    if (runs('pacing')) {
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
    }

    if (runs('latency')) {
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
    }

    if (runs('paths')) {
      console.log("6. per path, billed by DynamoDB's rules (bench/meter.ts), requests counted");
      const happy = await billedPath(
        dynamo.endpoint,
        20,
        'press-1',
        3 * 3_600_000,
        (r) => r.network.calls.filter((c) => c.endedAt).length >= 20,
      );
      console.log(happy.report);
      console.log(
        `   whole happy check-in (plan → call → key 1 → visit): ${happy.perCheckIn.units.toFixed(2)} units, ${happy.perCheckIn.requests.toFixed(1)} requests per check-in` +
          ` (every planner run included: ${happy.runs + 1} runs)`,
      );
      const silent = await billedPath(
        dynamo.endpoint,
        20,
        'no-answer',
        5 * 3_600_000,
        (r) => r.network.texts.filter((t) => t.purpose === 'escalation').length >= 20,
      );
      console.log(silent.report);
      const stepOne = silent.runtime.network.texts.filter((t) => t.purpose === 'escalation').length;
      console.log(
        `   no answer to escalation step 1 (3 calls, a text, a case, ${stepOne} step-1 texts for 20 elders): ${silent.perCheckIn.units.toFixed(2)} units, ${silent.perCheckIn.requests.toFixed(1)} requests per check-in`,
      );
    }

    if (runs('priority')) {
      console.log(
        '7. "check in now" behind a backlog of 5,000 due check-ins (virtual clock, default limits)',
      );
      const p = await priorityBehindBacklog(dynamo.endpoint, 5000);
      console.log(
        `   backlog ${p.backlog} check-ins opened (planner ${p.planSeconds.toFixed(1)} s wall), ${p.callsBefore} calls placed before the request, ${p.waiting} check-ins not dialled yet; check in now: ${p.result}, its call placed ${p.seconds.toFixed(1)} s later (${p.wallSeconds.toFixed(1)} s wall)`,
      );
    }
  } finally {
    await dynamo.stop();
  }
}

void main();

/** The bench's register: one visit contact who ignores texts, and `count` elders paired with it whose
 * simulated phones all behave as `behaviour`. */
async function populate(
  db: Db,
  network: ReturnType<typeof phoneRuntime>['network'],
  timeline: Timeline,
  count: number,
  behaviour: 'press-1' | 'press-2' | 'no-answer',
): Promise<void> {
  const contactPhone = '+8613900009999';
  await putContact(db, {
    id: 'bench-contact',
    name: '联系人',
    phone: contactPhone,
    role: 'committeeStaff',
    county: '440703',
    township: '潮连街道',
  });
  network.addPhone({
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
    network.addPhone({
      number: elder.phone,
      kind: 'elder',
      id: elder.id,
      label: elder.id,
      voice: [behaviour],
      sms: 'no-reply',
    });
  }
}
