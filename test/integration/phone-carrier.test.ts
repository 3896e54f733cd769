import { readFileSync } from 'node:fs';
import type { SNSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInboundHandler } from '../../functions/sms-inbound/records.js';
import type { CheckIn } from '../../shared/phone/checkin.js';
import { DEFAULT_LIMITS } from '../../shared/phone/config.js';
import { checkInNow, dispatchJob, runPlanner } from '../../shared/phone/engine.js';
import { carrierHealth } from '../../shared/phone/health.js';
import type { CallOutcome, PlaceCall, VoiceProvider } from '../../shared/phone/providers.js';
import { handleSmaEvent, type SmaResponse } from '../../shared/phone/voice.js';
import type { Elder } from '../../shared/register/elder.js';
import { getCheckIn, getStat, listCases, listCheckIns } from '../../shared/store/phone.js';
import { listVisits } from '../../shared/store/visits.js';
import { aRegistration } from '../support/builders.js';
import { freshDb } from '../support/db.js';
import { phoneWorld, shanghai } from '../support/phone.js';

/**
 * The carrier-neutral contract as Chime drives it (issue 11): every documented SIP media application
 * event, shuffled and repeated, gives the attempt's one right outcome; a carrier outage opens no case
 * and pauses dialling; a missed call from an elder is a check-in; inbound texts with null fields count.
 */

const fixture = <T>(path: string): T =>
  JSON.parse(readFileSync(new URL(`../events/${path}`, import.meta.url), 'utf8')) as T;

interface SmaEventJson {
  InvocationEventType: string;
  CallDetails: {
    TransactionId: string;
    TransactionAttributes?: Record<string, string>;
    Participants: { From?: string }[];
  };
  ActionData?: {
    ReceivedDigits?: string;
    Parameters?: { SipResponseCode?: string; Arguments?: Record<string, string> };
  };
}

async function newWorld(startLocal: string, limits = DEFAULT_LIMITS) {
  const db = await freshDb();
  return { ...phoneWorld(db, shanghai(startLocal), { limits }), db };
}
type World = Awaited<ReturnType<typeof newWorld>>;

/** A voice provider that accepts every call and plays nothing: the test sends the SIP events. */
function silentVoice(world: World) {
  const placed: (PlaceCall & { providerId: string })[] = [];
  world.deps.voice = {
    async placeCall(call: PlaceCall) {
      const providerId = `stub-call-${placed.length + 1}-${Math.random().toString(36).slice(2, 8)}`;
      placed.push({ ...call, providerId });
      return { providerId };
    },
  } satisfies VoiceProvider;
  return placed;
}

let phoneSeq = 6000;
async function placedCall(world: World): Promise<{ elder: Elder; checkIn: CheckIn; providerId: string }> {
  const elder = await world.elder(aRegistration({ phone: `1380000${++phoneSeq}` }), { voice: ['manual'] });
  await runPlanner(world.deps);
  const [checkIn] = await listCheckIns(world.db, elder.id);
  if (!checkIn) throw new Error('no check-in');
  await dispatchJob(world.deps, { kind: 'checkInAttempt', checkInId: checkIn.id, n: 1 });
  const stored = (await getCheckIn(world.db, checkIn.id)) as CheckIn;
  expect(stored.attempts[0]?.status).toBe('placed');
  return { elder, checkIn: stored, providerId: stored.attempts[0]?.providerId as string };
}

/**
 * One call's events as Chime sends them: the fixture, this call's id, and the transaction attributes
 * our previous answer set (none before the call is answered; after it, the context and what the
 * dialogue knew so far).
 */
function eventsOf(
  call: { providerId: string; ref: string; county: string },
  script: { name: string; digits?: string; code?: string; outcome?: CallOutcome; answered?: boolean }[],
): SmaEventJson[] {
  return script.map(({ name, digits, code, outcome, answered }) => {
    const event = fixture<SmaEventJson>(`chime/${name}.json`);
    event.CallDetails.TransactionId = call.providerId;
    const context = { purpose: 'checkIn', ref: call.ref, n: '1', county: call.county };
    if (answered === false) delete event.CallDetails.TransactionAttributes;
    else
      event.CallDetails.TransactionAttributes = {
        ...context,
        answered: 'true',
        ...(outcome ? { outcome: JSON.stringify(outcome) } : {}),
      };
    if (event.ActionData?.Parameters?.Arguments && name === 'new-outbound-call')
      event.ActionData.Parameters.Arguments = context;
    if (digits !== undefined && event.ActionData) event.ActionData.ReceivedDigits = digits;
    if (code !== undefined && event.ActionData?.Parameters)
      event.ActionData.Parameters.SipResponseCode = code;
    return event;
  });
}

const BEFORE_ANSWER = [
  { name: 'new-outbound-call', answered: false },
  { name: 'ringing', answered: false },
];

/** Each path of a call, the events Chime sends on it, and the attempt's outcome it must end in. */
const PATHS = {
  key1: {
    events: [
      ...BEFORE_ANSWER,
      { name: 'call-answered', answered: false },
      { name: 'action-successful-digits', digits: '1' },
      { name: 'action-successful-speak', outcome: { kind: 'key1' } as CallOutcome },
      { name: 'call-update-requested', outcome: { kind: 'key1' } as CallOutcome },
      { name: 'hangup', code: '0', outcome: { kind: 'key1' } as CallOutcome },
    ],
    outcome: 'well',
    status: 'well',
  },
  key2: {
    events: [
      ...BEFORE_ANSWER,
      { name: 'call-answered', answered: false },
      { name: 'action-successful-digits', digits: '2' },
      { name: 'hangup', code: '0', outcome: { kind: 'key2' } as CallOutcome },
    ],
    outcome: 'help',
    status: 'needsHelp',
  },
  noValidKey: {
    events: [
      ...BEFORE_ANSWER,
      { name: 'call-answered', answered: false },
      { name: 'action-failed-digits' },
      { name: 'hangup', code: '0', outcome: { kind: 'otherKey' } as CallOutcome },
    ],
    outcome: 'noInput',
    status: 'open',
  },
  systemException: {
    events: [
      ...BEFORE_ANSWER,
      { name: 'call-answered', answered: false },
      { name: 'action-failed-system' },
      {
        name: 'hangup',
        code: '0',
        outcome: { kind: 'providerFailure', code: 'SystemException' } as CallOutcome,
      },
    ],
    outcome: 'providerFault',
    status: 'open',
  },
  invalidLambdaResponse: {
    events: [
      ...BEFORE_ANSWER,
      { name: 'call-answered', answered: false },
      { name: 'invalid-lambda-response' },
      {
        name: 'hangup',
        code: '0',
        outcome: { kind: 'providerFailure', code: 'TransactionAttributesInvalidMapSize' } as CallOutcome,
      },
    ],
    outcome: 'providerFault',
    status: 'open',
  },
  noAnswer: {
    events: [...BEFORE_ANSWER, { name: 'hangup', code: '480', answered: false }],
    outcome: 'noAnswer',
    status: 'open',
  },
  busy: {
    events: [...BEFORE_ANSWER, { name: 'hangup', code: '486', answered: false }],
    outcome: 'busy',
    status: 'open',
  },
  refused: {
    events: [...BEFORE_ANSWER, { name: 'hangup', code: '404', answered: false }],
    outcome: 'failed',
    status: 'open',
  },
  carrierSipFailure: {
    events: [...BEFORE_ANSWER, { name: 'hangup', code: '503', answered: false }],
    outcome: 'providerFault',
    status: 'open',
  },
} as const;
type PathName = keyof typeof PATHS;

const hangsUp = (response: SmaResponse) => response.Actions.some((a) => a.Type === 'Hangup');

describe('every documented SIP media application event, in any order and repeated', () => {
  it('each path of a call ends in its one outcome, whatever the order and however often an event comes', async () => {
    const world = await newWorld('2025-07-01T09:00:00');
    silentVoice(world);
    // every run dials in one county on one virtual minute: the carrier-fault paths would, by design, pause
    // that county's dialling after a few runs (tested on its own below); here only the events matter
    delete world.deps.pause;
    const names = Object.keys(PATHS) as PathName[];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.array(fc.nat(20), { maxLength: 4 }),
        async (path, seed, repeats) => {
          const { elder, checkIn, providerId } = await placedCall(world);
          const events = eventsOf(
            { providerId, ref: checkIn.id, county: elder.region.county },
            PATHS[path].events.map((e) => ({ ...e })),
          );
          // shuffled (seeded), then some events delivered again
          const order = events
            .map((e, i) => ({ e, k: (seed * (i + 7)) % 1009 }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.e);
          for (const r of repeats) order.push(structuredClone(events[r % events.length] as SmaEventJson));
          for (const event of order) {
            const response = await handleSmaEvent(world.deps, event);
            expect(response.SchemaVersion).toBe('1.0');
            // any ACTION_FAILED and any INVALID_LAMBDA_RESPONSE ends the call
            if (['ACTION_FAILED', 'INVALID_LAMBDA_RESPONSE'].includes(event.InvocationEventType))
              expect(hangsUp(response)).toBe(true);
          }
          const stored = (await getCheckIn(world.db, checkIn.id)) as CheckIn;
          expect(stored.attempts[0]?.outcome).toBe(PATHS[path].outcome);
          expect(stored.status).toBe(PATHS[path].status);
          const visits = await listVisits(world.db, elder.id, '2025-06-30', '2025-07-09');
          expect(visits).toHaveLength(path === 'key1' ? 1 : 0);
          if (PATHS[path].outcome === 'providerFault') {
            // a carrier fault is not the elder's silence: no case, no call counted, the clock not started
            expect(stored.caseId).toBeUndefined();
            expect(stored.escalateAt).toBeUndefined();
            expect(stored.attempts[1]).toMatchObject({ channel: 'voice', status: 'planned' });
          }
        },
      ),
      { numRuns: 24, examples: names.map((n) => [n, 12345, [0, 3]]) },
    );
  });

  it('ACTION_FAILED of a goodbye after a key keeps the key; ACTION_FAILED of the question answers with a Hangup', async () => {
    const world = await newWorld('2025-07-01T09:00:00');
    silentVoice(world);
    const { elder, checkIn, providerId } = await placedCall(world);
    const call = { providerId, ref: checkIn.id, county: elder.region.county };
    const [answered, key1, speakFailed, hangup] = eventsOf(call, [
      { name: 'call-answered', answered: false },
      { name: 'action-successful-digits', digits: '1' },
      { name: 'action-failed-speak', outcome: { kind: 'key1' } },
      { name: 'hangup', code: '0', outcome: { kind: 'key1' } },
    ]) as SmaEventJson[];
    const asked = await handleSmaEvent(world.deps, answered);
    expect(asked.Actions.map((a) => a.Type)).toEqual(['SpeakAndGetDigits']);
    expect(asked.Actions[0]?.Parameters).toMatchObject({ InputDigitsRegex: '^[12]$', Repeat: 3 });
    expect((await handleSmaEvent(world.deps, key1)).Actions.map((a) => a.Type)).toEqual(['Speak', 'Hangup']);
    const afterSpeakFailed = await handleSmaEvent(world.deps, speakFailed);
    expect(afterSpeakFailed.Actions.map((a) => a.Type)).toEqual(['Hangup']);
    expect(JSON.parse(afterSpeakFailed.TransactionAttributes?.outcome ?? '{}')).toEqual({ kind: 'key1' });
    await handleSmaEvent(world.deps, hangup);
    expect((await getCheckIn(world.db, checkIn.id))?.status).toBe('well');

    // an event of a call that is not ours: ACTION_FAILED still ends it
    const stranger = fixture<SmaEventJson>('chime/action-failed-system.json');
    stranger.CallDetails.TransactionId = 'not-ours';
    delete stranger.CallDetails.TransactionAttributes;
    expect(hangsUp(await handleSmaEvent(world.deps, stranger))).toBe(true);
  });
});

describe('a carrier outage', () => {
  it('opens no case, pauses dialling in the county, and dialling resumes by itself when the carrier recovers', async () => {
    // a backlog meets the outage: two calls at a time, so the first calls of the morning take minutes
    const world = await newWorld('2025-07-01T08:55:00', {
      ...DEFAULT_LIMITS,
      callsInProgress: 2,
      reservedForPriority: 0,
    });
    const elders: Elder[] = [];
    for (let i = 0; i < 24; i++)
      elders.push(await world.elder(aRegistration({ phone: `138000071${String(i).padStart(2, '0')}` })));
    world.network.faults.outage = true;
    world.startPlanner();
    await world.timeline.runUntil(shanghai('2025-07-01T09:08:00'));
    const county = elders[0]?.region.county as string;
    const during = await carrierHealth(world.db, county, DEFAULT_LIMITS, world.timeline.now());
    expect(during.paused).toBe(true);
    expect(during.faults).toBeGreaterThanOrEqual(10);
    // paused: the rest of the backlog was not dialled into the outage
    expect(world.network.calls.length).toBeLessThan(elders.length);
    await world.timeline.runUntil(shanghai('2025-07-01T11:20:00'));
    const paused = world.logs.filter((l) => l.includes('dialling paused: carrier faults'));
    expect(paused.length).toBeGreaterThan(0);
    // no case from faults alone, no check-in closed for no response, nobody's contacts texted
    expect(await listCases(world.db, county)).toHaveLength(0);
    for (const elder of elders) {
      const [checkIn] = await listCheckIns(world.db, elder.id);
      expect(checkIn?.status).toBe('open');
      expect(checkIn?.attempts.every((a) => a.outcome === undefined || a.outcome === 'providerFault')).toBe(
        true,
      );
    }
    expect(world.network.texts.filter((t) => t.purpose === 'escalation')).toHaveLength(0);

    // the carrier recovers: the faults age out of the window, the retries are placed, everyone is well
    world.network.faults.outage = false;
    await world.timeline.runUntil(shanghai('2025-07-01T17:30:00'));
    world.stop();
    if (world.timeline.errors.length > 0) throw world.timeline.errors[0];
    for (const elder of elders) {
      const [checkIn] = await listCheckIns(world.db, elder.id);
      expect(checkIn?.status).toBe('well');
    }
    expect(await listCases(world.db, county)).toHaveLength(0);
    expect((await carrierHealth(world.db, county, DEFAULT_LIMITS, world.timeline.now())).paused).toBe(false);
  });
});

describe('a missed call is a check-in', () => {
  it('from an elder: the open check-in closes well, or a visit is recorded once a day; unknown numbers are counted', async () => {
    const world = await newWorld('2025-07-01T08:00:00');
    silentVoice(world);
    // an elder whose check-in is open (before the window): the ring closes it well
    const open = await world.elder(aRegistration({ phone: '13800008001' }));
    await runPlanner(world.deps);
    const [checkIn] = await listCheckIns(world.db, open.id);
    expect(checkIn?.status).toBe('open');
    const response = await world.network.ringIn(open.phone);
    expect(response?.Actions.map((a) => a.Type)).toEqual(['Hangup']);
    expect((await getCheckIn(world.db, checkIn?.id as string))?.status).toBe('well');
    expect(await listVisits(world.db, open.id, '2025-06-30', '2025-07-09')).toHaveLength(1);

    // the same ring delivered again changes nothing; a second ring that day records nothing more
    const again = fixture<SmaEventJson>('chime/new-inbound-call.json');
    again.CallDetails.Participants[0] = { ...again.CallDetails.Participants[0], From: open.phone };
    await handleSmaEvent(world.deps, again);
    await handleSmaEvent(world.deps, structuredClone(again));
    await world.network.ringIn(open.phone);
    expect(await listVisits(world.db, open.id, '2025-06-30', '2025-07-09')).toHaveLength(1);
    expect(
      (await listVisits(world.db, open.id, '2025-06-30', '2025-07-09'))[0]?.visitors.length,
    ).toBeGreaterThan(0);

    // a stranger's ring: counted, nothing else
    await world.network.ringIn('+8613800008999');
    expect(await getStat(world.db, 'inboundCallUnknown', '2025-07-01')).toBe(1);
  });
});

describe('inbound texts', () => {
  it('a text whose optional fields are null is recorded like any other', async () => {
    const world = await newWorld('2025-07-01T09:00:00');
    const elder = await world.elder(aRegistration({ phone: '13800009001' }));
    const event = fixture<SNSEvent>('sns/inbound-text.json');
    const message = fixture<Record<string, unknown>>('sns/inbound-text-message-nulls.json');
    (event.Records[0] as SNSEvent['Records'][number]).Sns.Message = JSON.stringify({
      ...message,
      originationNumber: elder.phone,
      messageBody: '1',
    });
    const inbound = makeInboundHandler(world.deps);
    expect(await inbound(event)).toEqual({ results: ['well'] });
    expect(await listVisits(world.db, elder.id, '2025-06-30', '2025-07-09')).toHaveLength(1);
  });
});

describe('the priority lane', () => {
  it('"check in now" goes in the priority lane and is placed inside the same limits, behind a backlog', async () => {
    const world = await newWorld('2025-07-01T09:00:00', { ...DEFAULT_LIMITS, callsInProgress: 3 });
    const backlog: Elder[] = [];
    for (let i = 0; i < 20; i++)
      backlog.push(
        await world.elder(aRegistration({ phone: `138000072${String(i).padStart(2, '0')}` }), {
          voice: ['no-answer'],
        }),
      );
    await runPlanner(world.deps);
    // the backlog dials for a minute: every routine place taken, the queue still deep
    await world.timeline.runUntil(shanghai('2025-07-01T09:00:40'));
    const asked = await world.elder(aRegistration({ phone: '13800007299' }), { voice: ['press-1'] });
    const askedAt = world.timeline.now().getTime();
    const waiting = backlog.length - world.network.calls.length;
    expect(await checkInNow(world.deps, asked.id)).toBe('started');
    expect(await checkInNow(world.deps, asked.id)).toBe('alreadyOpen');
    await world.timeline.runUntil(new Date(world.timeline.now().getTime() + 90_000));
    const calls = world.network.calls;
    // its first call went in the priority lane (the urgent queue)
    const [checkIn] = await listCheckIns(world.db, asked.id);
    expect(world.queues[1].sent).toContainEqual({
      kind: 'checkInAttempt',
      checkInId: checkIn?.id,
      n: 1,
      priority: true,
    });
    const mine = calls.findIndex((c) => c.to === asked.phone);
    expect(mine).toBeGreaterThanOrEqual(0);
    // placed, and never above the limits
    expect(world.network.peaks.inProgress).toBeLessThanOrEqual(3);
    expect(world.network.peaks.callsInOneSecond).toBeLessThanOrEqual(1);
    console.log(
      `check in now behind ${backlog.length} due (${waiting} not dialled yet): its call placed ${(Date.parse(calls[mine]?.at ?? '') - askedAt) / 1000} s after the request (virtual clock)`,
    );
  }, 240_000);
});
