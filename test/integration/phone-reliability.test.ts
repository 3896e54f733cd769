import { readFileSync } from 'node:fs';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeInboundHandler } from '../../functions/sms-inbound/records.js';
import type { VoiceBehaviour } from '../../local/phone/network.js';
import type { CheckIn } from '../../shared/phone/checkin.js';
import { closeCaseByStaff, dispatchJob, ladderFor, runPlanner } from '../../shared/phone/engine.js';
import type { DispatchJob } from '../../shared/phone/jobs.js';
import {
  type PlaceCall,
  ProviderRejected,
  ProviderUnavailable,
  type SendText,
  type VoiceProvider,
} from '../../shared/phone/providers.js';
import { handleSmaEvent } from '../../shared/phone/voice.js';
import type { Elder } from '../../shared/register/elder.js';
import { updateElder } from '../../shared/register/service.js';
import type { RegistrationInput } from '../../shared/registration/schema.js';
import type { Db } from '../../shared/store/client.js';
import { getCase, getCheckIn, listCases, listCheckIns } from '../../shared/store/phone.js';
import { listVisits } from '../../shared/store/visits.js';
import { aRegistration } from '../support/builders.js';
import { freshDb } from '../support/db.js';
import { phoneWorld, shanghai } from '../support/phone.js';

// ---------------------------------------------------------------------------------------------
// AWS event fixtures (test/events/<source>/), parsed once and cloned for every use

const fixtures = new Map<string, unknown>();
function fixture<T>(path: string): T {
  if (!fixtures.has(path))
    fixtures.set(path, JSON.parse(readFileSync(new URL(`../events/${path}`, import.meta.url), 'utf8')));
  return structuredClone(fixtures.get(path)) as T;
}

interface SmaEventJson {
  Sequence: number;
  InvocationEventType: string;
  CallDetails: { TransactionId: string; TransactionAttributes?: Record<string, string> };
  ActionData?: {
    ReceivedDigits?: string;
    Parameters?: { SipResponseCode?: string; Arguments?: Record<string, string> };
  };
}
type SipEventName =
  | 'new-outbound-call'
  | 'ringing'
  | 'call-answered'
  | 'action-successful-digits'
  | 'action-failed-digits'
  | 'hangup';

/** A Chime SIP media application event for one of our calls, as Chime would send it. */
function sipEvent(
  name: SipEventName,
  call: { providerId: string; ref: string; n: number },
  options: { digits?: string; code?: string } = {},
): SmaEventJson {
  const event = fixture<SmaEventJson>(`chime/${name}.json`);
  event.CallDetails.TransactionId = call.providerId;
  const context = { purpose: 'checkIn', ref: call.ref, n: String(call.n) };
  if (event.CallDetails.TransactionAttributes)
    event.CallDetails.TransactionAttributes = { ...event.CallDetails.TransactionAttributes, ...context };
  if (event.ActionData?.Parameters?.Arguments) event.ActionData.Parameters.Arguments = context;
  if (options.digits !== undefined && event.ActionData) event.ActionData.ReceivedDigits = options.digits;
  if (options.code !== undefined && event.ActionData?.Parameters)
    event.ActionData.Parameters.SipResponseCode = options.code;
  return event;
}

/** An inbound text as End User Messaging delivers it through SNS. */
function inboundText(from: string, body: string, messageId: string): SNSEvent {
  const event = fixture<SNSEvent>('sns/inbound-text.json');
  const message = fixture<Record<string, string>>('sns/inbound-text-message.json');
  const record = event.Records[0] as SNSEvent['Records'][number];
  record.Sns.Message = JSON.stringify({
    ...message,
    originationNumber: from,
    messageBody: body,
    inboundMessageId: messageId,
  });
  record.Sns.MessageId = `sns-${messageId}`;
  return event;
}

// ---------------------------------------------------------------------------------------------
// A world per test: its own table (the planner's cursor and the pacer live in the table)

async function newWorld(startLocal: string) {
  const db = await freshDb();
  const world = phoneWorld(db, shanghai(startLocal), {
    limits: { callsPerSecond: 1, callsInProgress: 1000, smsPartsPerSecond: 10, reservedForPriority: 1 },
  });
  return { ...world, db };
}
type World = Awaited<ReturnType<typeof newWorld>>;

/**
 * Runs the world until `until` with the planner every 5 minutes. (phoneWorld's own runUntil runs the
 * planner only the first time it is called: its stop() is for good, so a second phase would run
 * without a planner.)
 */
async function advance(world: World, until: Date): Promise<void> {
  const tick = async () => {
    await runPlanner(world.deps);
    const next = new Date(world.timeline.now().getTime() + 5 * 60_000);
    if (next <= until) world.timeline.at(next, tick);
  };
  world.timeline.at(world.timeline.now(), tick);
  await world.timeline.runUntil(until);
  if (world.timeline.errors.length > 0) throw world.timeline.errors[0];
}

async function checkInOf(world: World, elder: Elder): Promise<CheckIn> {
  const [checkIn] = await listCheckIns(world.db, elder.id);
  if (!checkIn) throw new Error('no check-in');
  return checkIn;
}
const callsFor = (world: World, checkIn: CheckIn, n: number) =>
  world.network.calls.filter((c) => c.context.ref === checkIn.id && c.context.n === n);
const textsTo = (world: World, to: string, purpose: SendText['purpose']) =>
  world.network.texts.filter((t) => t.direction === 'out' && t.to === to && t.purpose === purpose);
const visitsOf = (world: World, elder: Elder) => listVisits(world.db, elder.id, '2025-06-30', '2025-07-09');
/** The plan's calling windows, local time. */
const DEFAULT_WINDOWS_LOCAL: [string, string][] = [
  ['09:00', '11:30'],
  ['15:00', '19:30'],
];
const summary = (c: CheckIn) => c.attempts.map((a) => `${a.channel}:${a.outcome ?? a.status}`);

/** An elder registered now with the given phone behaviour; the first check-in is due at once. */
async function anElder(
  world: World,
  body: Partial<RegistrationInput>,
  behaviour: { voice?: VoiceBehaviour[]; sms?: 'reply-1' | 'reply-2' | 'reply-td' | 'no-reply' | 'manual' },
) {
  return world.elder(aRegistration(body), behaviour);
}

/** Opens the elder's check-in with one planner run and returns the dispatch job it queued. */
async function firstAttemptJob(world: World, elder: Elder): Promise<{ checkIn: CheckIn; job: DispatchJob }> {
  await runPlanner(world.deps);
  const checkIn = await checkInOf(world, elder);
  const job = world.queue.sent.find((j) => j.kind === 'checkInAttempt' && j.checkInId === checkIn.id);
  if (!job) throw new Error('no attempt queued');
  return { checkIn, job };
}

/**
 * A voice provider that accepts every call and plays nothing: the test sends the SIP events itself
 * (the simulated network would play the call on the virtual clock, which moves whenever the pacer waits).
 */
function silentVoice(world: World) {
  const placed: (PlaceCall & { providerId: string })[] = [];
  world.deps.voice = {
    async placeCall(call: PlaceCall) {
      const providerId = `stub-call-${placed.length + 1}`;
      placed.push({ ...call, providerId });
      return { providerId };
    },
  } satisfies VoiceProvider;
  return placed;
}

/** Places the first attempt of an elder's check-in (the queue may deliver the job first: either is fine). */
async function placeFirstAttempt(world: World, elder: Elder) {
  const { checkIn, job } = await firstAttemptJob(world, elder);
  await dispatchJob(world.deps, job);
  const stored = await getCheckIn(world.db, checkIn.id);
  expect(stored?.attempts[0]?.status).toBe('placed');
  return { checkIn, providerId: stored?.attempts[0]?.providerId as string };
}

const writesAVisit = (command: unknown) =>
  (command instanceof PutCommand && command.input.Item?.type === 'visit') ||
  (command instanceof TransactWriteCommand &&
    (command.input.TransactItems ?? []).some((i) => i.Put?.Item?.type === 'visit'));

/** A table client that fails the first command `matches` picks, as a throttled or failing DynamoDB would. */
function failingOnce(db: Db, matches: (command: unknown) => boolean): Db & { failed: () => boolean } {
  let failed = false;
  const doc = new Proxy(db.doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return (command: Parameters<typeof target.send>[0], ...rest: unknown[]) => {
        if (!failed && matches(command)) {
          failed = true;
          const error = new Error('injected: internal server error');
          error.name = 'InternalServerError';
          return Promise.reject(error);
        }
        return (target.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
      };
    },
  });
  return { ...db, doc, failed: () => failed };
}

// ---------------------------------------------------------------------------------------------

describe('duplicates: a job, a SIP event or a text delivered again changes nothing', () => {
  it('the same dispatch job delivered five times places one call', async () => {
    const world = await newWorld('2025-07-01T09:00:00');
    const elder = await anElder(world, { phone: '13800002001' }, { voice: ['press-1'] });
    const { checkIn, job } = await firstAttemptJob(world, elder);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await dispatchJob(world.deps, job));
    // one of them placed the call (or the queue's own delivery did, while the pacer waited)
    expect(results.filter((r) => r === 'placed').length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r !== 'placed').every((r) => r === 'skipped')).toBe(true);
    expect(callsFor(world, checkIn, 1)).toHaveLength(1);
    // the queue delivers its own copy as well, and the call plays out
    await advance(world, shanghai('2025-07-01T10:00:00'));
    expect(callsFor(world, checkIn, 1)).toHaveLength(1);
    expect(world.network.calls).toHaveLength(1);
    expect((await checkInOf(world, elder)).status).toBe('well');
  });

  it('the same dispatch job delivered twice at once places one call', async () => {
    const world = await newWorld('2025-07-01T09:00:00');
    const elder = await anElder(world, { phone: '13800002002' }, { voice: ['press-1'] });
    const { checkIn, job } = await firstAttemptJob(world, elder);
    const results = await Promise.all([dispatchJob(world.deps, job), dispatchJob(world.deps, job)]);
    expect(results.filter((r) => r === 'placed').length).toBeLessThanOrEqual(1);
    expect(callsFor(world, checkIn, 1)).toHaveLength(1);
    expect((await getCheckIn(world.db, checkIn.id))?.attempts[0]).toMatchObject({ status: 'placed' });
  });

  it('SIP events delivered again (key 1, hang-up) record one visit and one outcome', async () => {
    const world = await newWorld('2025-07-01T09:00:00');
    const elder = await anElder(world, { phone: '13800002003' }, { voice: ['manual'] });
    const calls = silentVoice(world);
    const { checkIn, providerId } = await placeFirstAttempt(world, elder);
    expect(calls).toHaveLength(1);
    const ids = { providerId, ref: checkIn.id, n: 1 };
    await handleSmaEvent(world.deps, sipEvent('call-answered', ids));
    const key1 = sipEvent('action-successful-digits', ids, { digits: '1' });
    const first = await handleSmaEvent(world.deps, key1);
    const again = await handleSmaEvent(world.deps, structuredClone(key1));
    expect(again.Actions).toEqual(first.Actions);
    expect(first.Actions.map((a) => a.Type)).toEqual(['Speak', 'Hangup']);
    const hangup = sipEvent('hangup', ids, { code: '0' });
    await handleSmaEvent(world.deps, hangup);
    await handleSmaEvent(world.deps, structuredClone(hangup));

    const stored = await getCheckIn(world.db, checkIn.id);
    expect(stored?.status).toBe('well');
    expect(summary(stored as CheckIn)).toEqual(['voice:well']);
    expect(await visitsOf(world, elder)).toHaveLength(1);
    // every event of the call is on the log (ids, type, sequence, SIP code: no name or number), not in the table
    const events = world.logs
      .map((line) => JSON.parse(line) as { message: string; type?: string; ref?: string })
      .filter((l) => l.message === 'SIP event' && l.ref === checkIn.id)
      .map((l) => l.type);
    expect(events).toEqual(['CALL_ANSWERED', 'ACTION_SUCCESSFUL', 'ACTION_SUCCESSFUL', 'HANGUP', 'HANGUP']);
  });

  it('an inbound text delivered twice (same inboundMessageId) is recorded once: one visit, one reply', async () => {
    const world = await newWorld('2025-07-01T09:00:00');
    const elder = await anElder(world, { phone: '13800002004', channel: 'sms' }, { sms: 'manual' });
    const { checkIn } = await placeFirstAttempt(world, elder);
    const inbound = makeInboundHandler(world.deps);
    const reply = inboundText(elder.phone, '1', 'in-well-1');
    expect(await inbound(reply)).toEqual({ results: ['well'] });
    expect(await inbound(structuredClone(reply))).toEqual({ results: ['duplicate'] });
    expect((await getCheckIn(world.db, checkIn.id))?.status).toBe('well');
    expect(await visitsOf(world, elder)).toHaveLength(1);

    // a text not understood: kept once for staff, answered once with the help text
    const unclear = inboundText(elder.phone, '你们是谁', 'in-unclear-1');
    expect(await inbound(unclear)).toEqual({ results: ['kept'] });
    expect(await inbound(structuredClone(unclear))).toEqual({ results: ['duplicate'] });
    const kept = await world.db.doc.send(
      new QueryCommand({
        TableName: world.db.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
        ExpressionAttributeValues: { ':pk': `ELDER#${elder.id}`, ':m': 'MESSAGE#' },
      }),
    );
    expect(kept.Items).toHaveLength(1);
    expect(world.queue.sent.filter((j) => j.kind === 'text' && j.purpose === 'help')).toHaveLength(1);
  });
});

describe('order: events in any order end in one consistent state', () => {
  it('shuffled SIP events of one call (hang-up before the key, ringing after the hang-up) end in the key’s outcome', async () => {
    const world = await newWorld('2025-07-01T09:00:00');
    silentVoice(world);
    const names: SipEventName[] = [
      'new-outbound-call',
      'ringing',
      'call-answered',
      'action-successful-digits',
      'hangup',
    ];
    let phone = 2100;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(names, { minLength: names.length, maxLength: names.length }),
        fc.constantFrom('1', '2'),
        async (order, digit) => {
          const elder = await anElder(world, { phone: `1380000${++phone}` }, { voice: ['manual'] });
          const { checkIn, providerId } = await placeFirstAttempt(world, elder);
          for (const name of order) {
            const event = sipEvent(name, { providerId, ref: checkIn.id, n: 1 }, { digits: digit, code: '0' });
            const response = await handleSmaEvent(world.deps, event);
            expect(response.SchemaVersion).toBe('1.0');
          }
          const stored = (await getCheckIn(world.db, checkIn.id)) as CheckIn;
          const visits = await visitsOf(world, elder);
          if (digit === '1') {
            expect(stored.status).toBe('well');
            expect(stored.attempts[0]?.outcome).toBe('well');
            expect(visits).toHaveLength(1);
            expect(stored.caseId).toBeUndefined();
          } else {
            expect(stored.status).toBe('needsHelp');
            expect(stored.attempts[0]?.outcome).toBe('help');
            expect(visits).toHaveLength(0);
            expect((await getCase(world.db, stored.caseId as string))?.reason).toBe('needsHelp');
          }
          expect(stored.next).toBeUndefined();
        },
      ),
      {
        numRuns: 16,
        examples: [
          [['hangup', 'action-successful-digits', 'call-answered', 'new-outbound-call', 'ringing'], '1'],
          [['hangup', 'ringing', 'action-successful-digits', 'new-outbound-call', 'call-answered'], '2'],
          [['call-answered', 'action-successful-digits', 'hangup', 'ringing', 'new-outbound-call'], '1'],
        ],
      },
    );
  });

  /** A day on which the elder never answers: three calls, a text, then the ladder (contact, then family). */
  async function silentDay() {
    const world = await newWorld('2025-07-01T08:55:00');
    const contactId = await world.contact('+8613900003001', 'ignore');
    const elder = await anElder(
      world,
      {
        phone: '13800003001',
        contactId,
        emergencyContacts: [{ name: '测试女儿', relation: 'child', phone: '13900003002' }],
      },
      { voice: ['no-answer'], sms: 'no-reply' },
    );
    await advance(world, shanghai('2025-07-01T14:30:00'));
    const checkIn = await checkInOf(world, elder);
    expect(checkIn.status).toBe('noResponse');
    expect(summary(checkIn)).toEqual(['voice:noAnswer', 'voice:noAnswer', 'voice:noAnswer', 'sms:placed']);
    const opened = await getCase(world.db, checkIn.caseId as string);
    expect(opened).toMatchObject({ status: 'open', reason: 'noResponse', level: 2 });
    return { world, elder, checkIn };
  }

  it('a late "1" after escalation: the check-in ends well, one visit, the case closes reachedWell and everyone told hears so', async () => {
    const { world, elder, checkIn } = await silentDay();
    await world.network.textIn(elder.phone, '1');
    // the same late reply again, and a stale hang-up of the first call: nothing moves back
    await world.network.textIn(elder.phone, '1');
    const providerId = callsFor(world, checkIn, 1)[0]?.providerId as string;
    await handleSmaEvent(
      world.deps,
      sipEvent('hangup', { providerId, ref: checkIn.id, n: 1 }, { code: '480' }),
    );
    await advance(world, shanghai('2025-07-01T15:30:00'));

    const after = await checkInOf(world, elder);
    expect(after.status).toBe('well');
    expect(after.attempts.at(-1)?.outcome).toBe('well');
    expect(await visitsOf(world, elder)).toHaveLength(1);
    expect(await getCase(world.db, checkIn.caseId as string)).toMatchObject({
      status: 'closed',
      closure: 'reachedWell',
    });
    for (const to of ['+8613900003001', '+8613900003002'])
      expect(textsTo(world, to, 'caseClosed')).toHaveLength(1);
    // the ladder stopped: nothing more went to the family after the reply
    const lastEscalation = world.network.texts
      .filter((t) => t.purpose === 'escalation')
      .map((t) => t.at)
      .sort()
      .at(-1);
    expect(lastEscalation && lastEscalation < shanghai('2025-07-01T14:30:00').toISOString()).toBe(true);
  });

  it('a "2" after a late "1" still reaches someone: a needs-help case is open and the contact is told', async () => {
    const { world, elder } = await silentDay();
    await world.network.textIn(elder.phone, '1');
    await advance(world, shanghai('2025-07-01T15:00:00'));
    await world.network.textIn(elder.phone, '2');
    await advance(world, shanghai('2025-07-01T15:30:00'));

    expect((await checkInOf(world, elder)).status).toBe('needsHelp');
    const open = (await listCases(world.db, elder.region.county)).filter((c) => c.status === 'open');
    expect(open.map((c) => c.reason)).toEqual(['needsHelp']);
    const helpTexts = world.network.texts.filter(
      (t) =>
        t.purpose === 'escalation' &&
        t.to === '+8613900003001' &&
        t.at >= shanghai('2025-07-01T15:00:00').toISOString(),
    );
    expect(helpTexts.length).toBeGreaterThanOrEqual(1);
  });

  it('a "2" the day after staff closed the help case opens a new case', async () => {
    const world = await newWorld('2025-07-01T08:55:00');
    const contactId = await world.contact('+8613900004001', 'ignore');
    const elder = await anElder(world, { phone: '13800004001', contactId }, { voice: ['press-2'] });
    await advance(world, shanghai('2025-07-01T10:00:00'));
    const checkIn = await checkInOf(world, elder);
    expect(checkIn.status).toBe('needsHelp');
    await closeCaseByStaff(world.deps, checkIn.caseId as string, 'visited', 'staff:1', '已上门，无事');

    await advance(world, shanghai('2025-07-02T10:00:00'));
    await world.network.textIn(elder.phone, '2');
    await advance(world, shanghai('2025-07-02T10:30:00'));

    const open = (await listCases(world.db, elder.region.county)).filter((c) => c.status === 'open');
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ elderId: elder.id, reason: 'needsHelp' });
    const told = textsTo(world, '+8613900004001', 'escalation').filter(
      (t) => t.at >= shanghai('2025-07-02T10:00:00').toISOString(),
    );
    expect(told).toHaveLength(1);
  });
});

describe('provider faults', () => {
  /** Runs a press-1 elder's first check-in with the network or a wrapper in front of it. */
  async function pressOneDay(setup: (world: World) => void, voice: VoiceBehaviour[] = ['press-1']) {
    const world = await newWorld('2025-07-01T08:55:00');
    const elder = await anElder(world, { phone: '13800005001' }, { voice });
    setup(world);
    await advance(world, shanghai('2025-07-01T12:00:00'));
    return { world, elder, checkIn: await checkInOf(world, elder) };
  }

  it('throttled twice: the queue delivers the job again after its visibility timeout and the call is placed once', async () => {
    const { world, checkIn } = await pressOneDay((w) => {
      w.network.faults.voice = 2;
    });
    expect(world.network.faults.voice).toBe(0);
    expect(callsFor(world, checkIn, 1)).toHaveLength(1);
    expect(world.network.calls).toHaveLength(1);
    expect(world.queue.deadLetters).toHaveLength(0);
    expect(checkIn.status).toBe('well');
    expect(summary(checkIn)).toEqual(['voice:well']);
  });

  it('throttled more often than maxReceiveCount: the job is dead-lettered, the lease queues the attempt again, one call', async () => {
    const { world, checkIn } = await pressOneDay((w) => {
      w.network.faults.voice = 7;
    });
    expect(world.network.faults.voice).toBe(0);
    expect(world.queue.deadLetters.map((m) => JSON.parse(m.body))).toEqual([
      { kind: 'checkInAttempt', checkInId: checkIn.id, n: 1 },
    ]);
    expect(callsFor(world, checkIn, 1)).toHaveLength(1);
    expect(world.network.calls).toHaveLength(1);
    expect(checkIn.status).toBe('well');
    expect(summary(checkIn)).toEqual(['voice:well']);
  });

  it('a provider that times out (ProviderUnavailable after a delay) is tried again and the call placed once', async () => {
    let timeouts = 2;
    const { world, checkIn } = await pressOneDay((w) => {
      const network = w.network;
      w.deps.voice = {
        async placeCall(call: PlaceCall) {
          if (timeouts > 0) {
            timeouts--;
            await new Promise((resolve) => setTimeout(resolve, 20));
            const cause = new Error('socket hang up');
            cause.name = 'TimeoutError';
            throw new ProviderUnavailable('voice', cause);
          }
          return network.placeCall(call);
        },
      } satisfies VoiceProvider;
    });
    expect(timeouts).toBe(0);
    expect(callsFor(world, checkIn, 1)).toHaveLength(1);
    expect(checkIn.status).toBe('well');
  });

  const rejecting = (world: World, attempt: number): VoiceProvider => ({
    async placeCall(call: PlaceCall) {
      if (call.context.purpose === 'checkIn' && call.context.n === attempt)
        throw new ProviderRejected('voice', 'BadRequestException');
      return world.network.placeCall(call);
    },
  });

  it('a number the provider refuses on a retry: that attempt fails and the retries go on', async () => {
    const { world, checkIn } = await pressOneDay(
      (w) => {
        w.deps.voice = rejecting(w, 2);
      },
      ['no-answer', 'press-1'],
    );
    expect(summary(checkIn)).toEqual(['voice:noAnswer', 'voice:failed', 'voice:well']);
    expect(checkIn.status).toBe('well');
    expect(callsFor(world, checkIn, 2)).toHaveLength(0);
    expect(world.queue.deadLetters).toHaveLength(0);
  });

  it('a number the provider refuses on the first call: that attempt fails and the retries go on', async () => {
    const { world, checkIn } = await pressOneDay((w) => {
      w.deps.voice = rejecting(w, 1);
    });
    expect(summary(checkIn)).toEqual(['voice:failed', 'voice:well']);
    expect(checkIn.status).toBe('well');
    expect(checkIn.caseId).toBeUndefined();
    expect(world.queue.deadLetters).toHaveLength(0);
  });

  async function textDay(faults: number) {
    const world = await newWorld('2025-07-01T08:55:00');
    const elder = await anElder(world, { phone: '13800006001', channel: 'sms' }, { sms: 'reply-1' });
    world.network.faults.sms = faults;
    await advance(world, shanghai('2025-07-01T12:00:00'));
    return { world, elder, checkIn: await checkInOf(world, elder) };
  }

  it('SMS throttled twice: the text is sent once and the reply counts', async () => {
    const { world, elder, checkIn } = await textDay(2);
    expect(world.network.faults.sms).toBe(0);
    expect(textsTo(world, elder.phone, 'checkIn')).toHaveLength(1);
    expect(world.queue.deadLetters).toHaveLength(0);
    expect(summary(checkIn)).toEqual(['sms:well']);
    expect(await visitsOf(world, elder)).toHaveLength(1);
  });

  it('SMS throttled past maxReceiveCount: dead-lettered, queued again by the lease, sent once', async () => {
    const { world, elder, checkIn } = await textDay(7);
    expect(world.network.faults.sms).toBe(0);
    expect(world.queue.deadLetters).toHaveLength(1);
    expect(textsTo(world, elder.phone, 'checkIn')).toHaveLength(1);
    expect(summary(checkIn)).toEqual(['sms:well']);
  });

  it('a one-off text (help reply) throttled is sent once after the retry', async () => {
    const world = await newWorld('2025-07-01T10:00:00');
    const elder = await anElder(world, { phone: '13800006002' }, { voice: ['manual'] });
    world.network.faults.sms = 2;
    await makeInboundHandler(world.deps)(inboundText(elder.phone, '什么事', 'in-q-1'));
    await world.timeline.runUntil(shanghai('2025-07-01T10:10:00'));
    expect(textsTo(world, elder.phone, 'help')).toHaveLength(1);
    expect(world.queue.deadLetters).toHaveLength(0);
  });

  it('calls held up by a long outage are not placed in quiet hours when the provider comes back at night', async () => {
    const world = await newWorld('2025-07-01T18:55:00');
    const elder = await anElder(world, { phone: '13800007001' }, { voice: ['press-1'] });
    const back = shanghai('2025-07-01T21:10:00');
    const network = world.network;
    world.deps.voice = {
      async placeCall(call: PlaceCall) {
        if (world.timeline.now() < back)
          throw new ProviderUnavailable('voice', new Error('ServiceUnavailable'));
        return network.placeCall(call);
      },
    } satisfies VoiceProvider;
    await advance(world, shanghai('2025-07-02T10:00:00'));
    const local = (iso: string) =>
      new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(11, 16);
    for (const call of world.network.calls)
      expect(
        DEFAULT_WINDOWS_LOCAL.some(([from, to]) => local(call.at) >= from && local(call.at) < to),
        `call at ${local(call.at)} local`,
      ).toBe(true);
    const checkIn = await checkInOf(world, elder);
    expect(callsFor(world, checkIn, 1)).toHaveLength(1);
    expect(checkIn.status).toBe('well');
  });
});

describe('storage faults: a failed delivery that is delivered again is not lost', () => {
  it('an inbound "1" whose first delivery failed half-way counts when SNS delivers it again', async () => {
    const world = await newWorld('2025-07-01T09:00:00');
    const elder = await anElder(world, { phone: '13800008001', channel: 'sms' }, { sms: 'manual' });
    const { checkIn } = await placeFirstAttempt(world, elder);
    const healthy = world.deps.db;
    const flaky = failingOnce(healthy, (command) => command instanceof TransactWriteCommand);
    world.deps.db = flaky;
    const inbound = makeInboundHandler(world.deps);
    const reply = inboundText(elder.phone, '1', 'in-flaky-1');
    await expect(inbound(reply)).rejects.toThrow('injected');
    expect(flaky.failed()).toBe(true);
    // Lambda retries the SNS event
    const retried = await inbound(structuredClone(reply));
    world.deps.db = healthy;
    expect(retried).toEqual({ results: ['well'] });
    expect((await getCheckIn(world.db, checkIn.id))?.status).toBe('well');
    expect(await visitsOf(world, elder)).toHaveLength(1);
  });

  it('a key 1 whose visit write failed is recorded when Chime delivers the event again', async () => {
    const world = await newWorld('2025-07-01T09:00:00');
    const elder = await anElder(world, { phone: '13800008002' }, { voice: ['manual'] });
    silentVoice(world);
    const { checkIn, providerId } = await placeFirstAttempt(world, elder);
    const ids = { providerId, ref: checkIn.id, n: 1 };
    await handleSmaEvent(world.deps, sipEvent('call-answered', ids));
    const healthy = world.deps.db;
    // the first write that carries the visit record fails (on its own, or in a transaction)
    world.deps.db = failingOnce(healthy, writesAVisit);
    const key1 = sipEvent('action-successful-digits', ids, { digits: '1' });
    await expect(handleSmaEvent(world.deps, key1)).rejects.toThrow('injected');
    await handleSmaEvent(world.deps, structuredClone(key1));
    world.deps.db = healthy;
    expect((await getCheckIn(world.db, checkIn.id))?.status).toBe('well');
    expect(await visitsOf(world, elder)).toHaveLength(1);
  });
});

describe('the planner', () => {
  it('an item whose first planner run failed once is planned by the next run, also across an hour', async () => {
    const world = await newWorld('2025-07-01T09:50:00');
    await runPlanner(world.deps);
    await world.timeline.runUntil(shanghai('2025-07-01T09:58:00'));
    // registered at 09:58: its first check-in is due in the 09:00 hour and first seen by the 10:00 run
    const elder = await anElder(world, { phone: '13800010001' }, { voice: ['manual'] });
    await world.timeline.runUntil(shanghai('2025-07-01T10:00:00'));
    const healthy = world.deps.db;
    const flaky = failingOnce(
      healthy,
      (command) => command instanceof GetCommand && command.input.Key?.pk === `ELDER#${elder.id}`,
    );
    world.deps.db = flaky;
    await runPlanner(world.deps);
    world.deps.db = healthy;
    expect(flaky.failed()).toBe(true);
    expect(world.logs.some((l) => l.includes('planner item failed'))).toBe(true);
    for (const at of ['10:05', '10:10', '10:15']) {
      await world.timeline.runUntil(shanghai(`2025-07-01T${at}:00`));
      await runPlanner(world.deps);
    }
    expect(await listCheckIns(world.db, elder.id)).toHaveLength(1);
  });
});

describe('elders who refuse', () => {
  it('an elder who refuses while a check-in is open is not called again and nobody is alarmed', async () => {
    const world = await newWorld('2025-07-01T08:55:00');
    const contactId = await world.contact('+8613900011001', 'ignore');
    const elder = await anElder(
      world,
      { phone: '13800011001', contactId },
      { voice: ['no-answer'], sms: 'no-reply' },
    );
    await advance(world, shanghai('2025-07-01T09:10:00'));
    expect(world.network.calls).toHaveLength(1);
    await updateElder(
      { db: world.db, policy: world.policy },
      elder.id,
      {
        consent: 'refused',
        refusal: { date: '2025-07-01', note: '本人表示不需要电话回访', recordedBy: '社工' },
      },
      { actor: 'test', now: world.timeline.now() },
    );
    await advance(world, shanghai('2025-07-01T20:00:00'));
    expect(world.network.calls).toHaveLength(1);
    expect(textsTo(world, elder.phone, 'checkIn')).toHaveLength(0);
    expect(await listCases(world.db, elder.region.county)).toEqual([]);
    expect(textsTo(world, '+8613900011001', 'escalation')).toHaveLength(0);
    expect((await checkInOf(world, elder)).status).not.toBe('open');
  });
});

describe('the ladder of a registered elder', () => {
  it('lists the emergency contacts children first, whatever order they were given in', async () => {
    const world = await newWorld('2025-07-01T09:00:00');
    const elder = await anElder(
      world,
      {
        phone: '13800009001',
        emergencyContacts: [
          { name: '测试邻居', relation: 'neighbour', phone: '13900009001' },
          { name: '测试儿子', relation: 'child', phone: '13900009002' },
        ],
      },
      { voice: ['manual'] },
    );
    const ladder = await ladderFor(world.deps, elder);
    expect(ladder.emergency.map((r) => r.to)).toEqual(['+8613900009002', '+8613900009001']);
  });
});
