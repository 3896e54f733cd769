import type { Contact } from '../../shared/contacts/contact.js';
import { contactItems, runDigests } from '../../shared/homevisits/sms.js';
import type { PhoneVisitPolicy } from '../../shared/phone/config.js';
import type { Elder } from '../../shared/register/elder.js';
import { registerParsed } from '../../shared/register/service.js';
import type { MonthlyReport } from '../../shared/reports/monthly.js';
import { monthlyReport } from '../../shared/reports/service.js';
import { createDb, type Db } from '../../shared/store/client.js';
import { putContact } from '../../shared/store/contacts.js';
import { listPairings } from '../../shared/store/pairing.js';
import { listCases, listCheckIns } from '../../shared/store/phone.js';
import { listVisits } from '../../shared/store/visits.js';
import { addDaysIso, dateInPolicyZone, isoInPolicyZone } from '../../shared/time.js';
import { type DynamoLocal, ensureTable, startDynamoLocal } from '../dynamo.js';
import type { SimPhone } from '../phone/network.js';
import { phoneRuntime } from '../phone/runtime.js';
import { VirtualTimeline } from '../phone/timeline.js';
import { ScenarioOrderQueue } from './order.js';
import { between, seededRandom } from './random.js';
import { buildReminders, buildRows, type Directory, type SimulationResult } from './result.js';
import {
  parseScenarioOrThrow,
  type Scenario,
  type ScenarioContact,
  type ScenarioElder,
  type ScenarioInput,
  SIMULATION_POLICY,
} from './scenario.js';

export interface SimulateOptions {
  /**
   * A DynamoDB Local already running (the integration tier's): the run gets a fresh table in it.
   * Without it, one is started in memory for the run and always stopped at the end.
   */
  endpoint?: string;
  /** called after each simulated day, for progress */
  onDay?: (day: number, days: number) => void;
  /** stops the run within a simulated hour (DynamoDB Local is stopped all the same) */
  signal?: AbortSignal;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** What the system's registration records as the actor of a simulated elder. */
const ACTOR = 'simulation';
/** Where a contact's profile is listed when none of its elders says (the first elder's region otherwise). */
const FALLBACK_REGION = { county: '440703', township: '潮连街道' };
/** When the reminder job runs each day (EventBridge Scheduler on AWS), Asia/Shanghai. */
const DIGEST_TIME = '08:30';
/** When a visit-on-day contact makes the day's visits, Asia/Shanghai. */
const VISIT_TIME = '10:00';
/** Minutes after a digest an after-digest contact replies, when the scenario does not say. */
const AFTER_DIGEST_MINUTES = 60;

let runs = 0;

/**
 * Runs a scenario on a virtual clock against the real engine (planner every 5 minutes, dispatcher,
 * SIP media application, inbound texts) with DynamoDB Local and the simulated phone network: a week
 * in seconds. Throws ScenarioInvalid when the scenario is not valid.
 * @example const result = await simulate(JSON.parse(readFileSync('examples/week-basic.json', 'utf8')));
 */
export async function simulate(
  input: ScenarioInput,
  options: SimulateOptions = {},
): Promise<SimulationResult> {
  const scenario = parseScenarioOrThrow(input);
  let dynamo: DynamoLocal | undefined;
  let db: Db | undefined;
  try {
    if (!options.endpoint) dynamo = await startDynamoLocal();
    const endpoint = options.endpoint ?? (dynamo as DynamoLocal).endpoint;
    // a name of its own per run, so runs can share one DynamoDB Local
    const tableName = `anxin-sim-${process.pid}-${++runs}`;
    await ensureTable(endpoint, tableName);
    db = createDb({ tableName, endpoint });
    return await run(db, scenario, options);
  } finally {
    db?.doc.destroy();
    await dynamo?.stop();
  }
}

async function run(db: Db, scenario: Scenario, options: SimulateOptions): Promise<SimulationResult> {
  const start = new Date(scenario.start);
  const end = new Date(start.getTime() + scenario.days * DAY_MS);
  const random = seededRandom(scenario.seed);
  const phonePolicy: PhoneVisitPolicy = scenario.config.phonePolicy;
  const limits = scenario.config.limits;
  const timeline = new VirtualTimeline(start);
  const failures: string[] = [];
  const runtime = phoneRuntime({
    db,
    policy: SIMULATION_POLICY,
    phonePolicies: { '*': phonePolicy },
    limits,
    timeline,
    onLog: (line) => {
      const entry = JSON.parse(line) as { message: string; kind?: string; errorName?: string };
      if (entry.message === 'planner item failed')
        failures.push(`planner item failed: ${entry.kind} (${entry.errorName})`);
    },
  });
  const { network } = runtime;
  const places = new Map<string, number>();
  // the runtime's handlers read deps.queue on every send: the scenario's order goes in front of it
  runtime.deps.queue = new ScenarioOrderQueue(
    runtime.queue,
    timeline,
    db,
    (elderId) => places.get(elderId) ?? Number.MAX_SAFE_INTEGER,
  );

  const directory: Directory = { elderOf: new Map(), elderByPhone: new Map(), contactByPhone: new Map() };
  for (const contact of scenario.contacts) {
    await putContact(db, contactRecord(contact, scenario.elders));
    directory.contactByPhone.set(contact.phone, contact.id);
    network.addPhone({
      number: contact.phone,
      kind: 'contact',
      id: contact.id,
      label: contact.id,
      voice: ['no-answer'],
      sms: 'no-reply',
      contact: { behaviour: contact.behaviour, delayMinutes: contact.delayMinutes ?? between(random, 5, 30) },
    });
  }
  const elders: Elder[] = [];
  for (const { id, behaviour, ...registration } of scenario.elders) {
    const elder = await registerParsed({ db, policy: SIMULATION_POLICY }, registration, {
      actor: ACTOR,
      now: start,
    });
    places.set(elder.id, elders.length);
    elders.push(elder);
    directory.elderOf.set(elder.id, id);
    directory.elderByPhone.set(elder.phone, id);
    network.addPhone({
      number: elder.phone,
      kind: 'elder',
      id: elder.id,
      label: id,
      voice: typeof behaviour.voice === 'string' ? [behaviour.voice] : [...behaviour.voice],
      sms: behaviour.sms,
      replyDelayMinutes: behaviour.replyDelayMinutes ?? between(random, 1, 10),
    });
  }
  // emergency contacts who are not scenario contacts never answer
  for (const elder of elders) {
    elder.emergencyContacts.forEach((c, i) => {
      if (!network.phones.has(c.phone))
        network.addPhone(silentPhone(c.phone, `${directory.elderOf.get(elder.id)}-emergency-${i}`));
    });
  }

  // home-visit codes: contact → code → scenario elder id (the pairings the register wrote)
  const codes = new Map<string, Map<string, string>>();
  for (const contact of scenario.contacts) {
    const pairings = await listPairings(db, contact.id);
    codes.set(
      contact.id,
      new Map(pairings.map((p) => [p.code, directory.elderOf.get(p.elderId) ?? p.elderId])),
    );
  }
  scheduleHomeVisits({ scenario, runtime, timeline, start, end });

  runtime.startPlanner();
  for (let hour = 1; hour <= scenario.days * 24; hour++) {
    options.signal?.throwIfAborted();
    await timeline.runUntil(new Date(start.getTime() + hour * HOUR_MS));
    if (hour % 24 === 0) options.onDay?.(hour / 24, scenario.days);
  }
  runtime.stop();

  const at = (iso: string) => isoInPolicyZone(new Date(iso));
  const counties = [...new Set(elders.map((e) => e.region.county))].sort();
  const rows = buildRows({
    directory,
    checkIns: (await Promise.all(elders.map((e) => listCheckIns(db, e.id, 10_000)))).flat(),
    visits: (
      await Promise.all(
        elders.map((e) => listVisits(db, e.id, dateInPolicyZone(start), dateInPolicyZone(end))),
      )
    ).flat(),
    cases: (await Promise.all(counties.map((county) => listCases(db, county, 10_000)))).flat(),
    texts: network.texts,
    at,
  });
  const reminders = buildReminders({ directory, codes, texts: network.texts, at });
  const report = await monthReport(db, counties, start, end);
  const errors = [...timeline.errors.map((e) => `${e.name}: ${e.message}`), ...failures];
  return {
    scenario: {
      start: at(start.toISOString()),
      end: at(end.toISOString()),
      days: scenario.days,
      seed: scenario.seed,
    },
    elders: elders.map((e) => ({
      id: directory.elderOf.get(e.id) as string,
      category: e.category,
      channel: e.channel,
      phone: e.phone,
      contactId: e.contactId ?? null,
    })),
    ...rows,
    reminders,
    report,
    summary: {
      days: scenario.days,
      elders: elders.length,
      checkIns: rows.checkIns.length,
      calls: rows.calls.length,
      texts: rows.texts.length,
      visits: rows.visits.length,
      reminders: reminders.length,
      casesOpened: rows.cases.length,
      casesAcknowledged: rows.cases.filter((c) => c.acknowledgedAt !== null).length,
      peaks: { ...network.peaks },
      limits,
      deadLetters: runtime.queue.deadLetters.length,
      errors: errors.length,
    },
    errors,
  };
}

/** The local instant of `time` (HH:mm, Asia/Shanghai) on the day `offset` days after `date`. */
const localInstant = (date: string, offset: number, time: string) =>
  new Date(`${addDaysIso(date, offset)}T${time}:00+08:00`);

/**
 * The reminder job and the contacts' home visits on the timeline: the digests every day at 08:30
 * (the function the reminders Lambda runs, with the runtime's deps) when the scenario turns them on;
 * a visit-on-day contact texts `<code> <reply>` for each paired elder with a home visit due at 10:00
 * of its day; an after-digest contact does so for each elder a digest names, `delayMinutes` after it.
 */
function scheduleHomeVisits(input: {
  scenario: Scenario;
  runtime: ReturnType<typeof phoneRuntime>;
  timeline: VirtualTimeline;
  start: Date;
  end: Date;
}): void {
  const { scenario, runtime, timeline, start, end } = input;
  const { deps, network } = runtime;
  const firstDay = dateInPolicyZone(start);
  const reminders = scenario.config.reminders ?? scenario.contacts.some((c) => c.homeVisits !== undefined);
  if (reminders) {
    for (let d = 0; d <= scenario.days; d++) {
      const at = localInstant(firstDay, d, DIGEST_TIME);
      if (at >= start && at < end) timeline.at(at, async () => void (await runDigests(deps)));
    }
  }
  const record = async (phone: string, codes: readonly string[], reply: number) => {
    for (const code of codes) await network.textIn(phone, `${code} ${reply}`);
  };
  for (const contact of scenario.contacts) {
    const hv = contact.homeVisits;
    if (hv?.behaviour === 'visit-on-day' && hv.day !== undefined) {
      const at = localInstant(firstDay, hv.day - 1, VISIT_TIME);
      if (at >= end) continue;
      timeline.at(at, async () => {
        const { items } = await contactItems(deps, contact.id, dateInPolicyZone(timeline.now()));
        const due = items.filter((i) => i.kind === 'homeVisit').map((i) => i.code);
        await record(contact.phone, [...new Set(due)], hv.reply);
      });
    }
  }
  // after-digest contacts read the digest as it reaches their phone
  const afterDigest = new Map(
    scenario.contacts.flatMap((c) =>
      c.homeVisits?.behaviour === 'after-digest'
        ? [[c.phone, { reply: c.homeVisits.reply, delay: c.homeVisits.delayMinutes ?? AFTER_DIGEST_MINUTES }]]
        : [],
    ),
  );
  if (afterDigest.size === 0) return;
  const sendText = network.sendText.bind(network);
  network.sendText = async (text) => {
    const sent = await sendText(text);
    const reader = afterDigest.get(text.to);
    if (reader && text.purpose === 'digest') {
      const mentioned = [...new Set([...text.text.matchAll(/代码(\d+)/g)].map((m) => m[1] as string))];
      timeline.at(new Date(timeline.now().getTime() + reader.delay * 60_000), () =>
        record(text.to, mentioned, reader.reply),
      );
    }
    return sent;
  };
}

/**
 * The monthly report (shared/reports) of the month of the scenario's last day: of the elders' county,
 * or of the city (every configured county) when the elders live in more than one.
 */
async function monthReport(db: Db, counties: string[], start: Date, end: Date): Promise<MonthlyReport> {
  const lastDay = dateInPolicyZone(new Date(Math.max(start.getTime(), end.getTime() - 1)));
  const { report } = await monthlyReport(
    { db, policy: SIMULATION_POLICY },
    { month: lastDay.slice(0, 7), ...(counties.length === 1 ? { county: counties[0] } : {}) },
    end,
  );
  return report;
}

/** A contact's profile; listed under the region of the first elder paired with it. */
function contactRecord(contact: ScenarioContact, elders: ScenarioElder[]): Contact {
  const region = elders.find((e) => e.contactId === contact.id)?.region ?? FALLBACK_REGION;
  return {
    id: contact.id,
    name: contact.name,
    phone: contact.phone,
    role: contact.role,
    county: region.county,
    township: region.township,
  };
}

function silentPhone(number: string, label: string): SimPhone {
  return {
    number,
    kind: 'contact',
    id: label,
    label,
    voice: ['no-answer'],
    sms: 'no-reply',
    contact: { behaviour: 'ignore', delayMinutes: 0 },
  };
}
