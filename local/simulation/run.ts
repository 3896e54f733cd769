import type { Contact } from '../../shared/contacts/contact.js';
import type { PhoneVisitPolicy } from '../../shared/phone/config.js';
import type { Elder } from '../../shared/register/elder.js';
import { registerParsed } from '../../shared/register/service.js';
import { createDb, type Db } from '../../shared/store/client.js';
import { putContact } from '../../shared/store/contacts.js';
import { listCases, listCheckIns } from '../../shared/store/phone.js';
import { listVisits } from '../../shared/store/visits.js';
import { dateInPolicyZone, isoInPolicyZone } from '../../shared/time.js';
import { type DynamoLocal, ensureTable, startDynamoLocal } from '../dynamo.js';
import type { SimPhone } from '../phone/network.js';
import { phoneRuntime } from '../phone/runtime.js';
import { VirtualTimeline } from '../phone/timeline.js';
import { ScenarioOrderQueue } from './order.js';
import { between, seededRandom } from './random.js';
import { buildRows, type Directory, type SimulationResult } from './result.js';
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
    summary: {
      days: scenario.days,
      elders: elders.length,
      checkIns: rows.checkIns.length,
      calls: rows.calls.length,
      texts: rows.texts.length,
      visits: rows.visits.length,
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
