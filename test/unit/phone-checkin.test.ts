import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Attempt,
  type CheckIn,
  type Effect,
  OUTCOME_RANK,
  type Outcome,
  onDue,
  onOutcome,
  onPlaced,
  openCheckIn,
} from '../../shared/phone/checkin.js';
import { DEFAULT_PHONE_POLICY, type PhoneVisitPolicy } from '../../shared/phone/config.js';
import { type CallWindow, DEFAULT_WINDOWS } from '../../shared/phone/windows.js';

const policy: PhoneVisitPolicy = DEFAULT_PHONE_POLICY;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const OFFSET = 8 * HOUR;
const shanghai = (local: string) => new Date(`${local}+08:00`);
const plus = (at: Date | string, ms: number) => new Date(new Date(at).getTime() + ms);

// An oracle for the calling windows that shares no code with windows.ts (Asia/Shanghai is UTC+8).
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const localMinute = (at: Date) => ((((at.getTime() + OFFSET) % DAY) + DAY) % DAY) / MINUTE;
const rangesOf = (windows: readonly CallWindow[]) =>
  windows
    .map((w): [number, number] => [Math.max(toMinutes(w.start), 480), Math.min(toMinutes(w.end), 1260)])
    .filter(([s, e]) => e > s);
const inWindow = (at: Date | string, windows: readonly CallWindow[]) => {
  const m = localMinute(new Date(at));
  return m >= 480 && m < 1260 && rangesOf(windows).some(([s, e]) => m >= s && m < e);
};
/** The earliest instant at or after `after` inside a window, by brute force over whole minutes. */
function earliest(after: Date, windows: readonly CallWindow[]): Date {
  if (inWindow(after, windows)) return after;
  let t = Math.ceil(after.getTime() / MINUTE) * MINUTE;
  for (let i = 0; i < 3000; i++, t += MINUTE) if (inWindow(new Date(t), windows)) return new Date(t);
  throw new Error('no window');
}
/** The close of the last window of the local day of `at`. */
function closeOfLocalDay(at: Date, windows: readonly CallWindow[]): Date {
  const midnight = Math.floor((at.getTime() + OFFSET) / DAY) * DAY - OFFSET;
  return new Date(midnight + Math.max(...rangesOf(windows).map(([, e]) => e)) * MINUTE);
}

const open = (
  now: Date,
  channel: 'voice' | 'sms' = 'voice',
  windows: readonly CallWindow[] = DEFAULT_WINDOWS,
) => openCheckIn({ id: 'ci-1', elderId: 'e-1', county: '440703', category: 'A', channel, now, windows });

interface Step {
  kind: 'due' | 'placed' | 'outcome';
  at: Date;
  effects: Effect[];
  checkIn: CheckIn;
}

/**
 * Drives a check-in as the planner, the dispatcher and the phone network would: each due attempt is
 * queued `lag` after it falls due (the planner's period), placed at once, and its call ends after
 * `ring` with the next outcome of `outcomes` ('noAnswer' once they run out). Texts get no reply.
 */
function drive(input: {
  start: Date;
  channel?: 'voice' | 'sms';
  windows?: readonly CallWindow[];
  outcomes: Outcome[];
  lagMs?: (i: number) => number;
  ringMs?: (i: number) => number;
}) {
  const windows = input.windows ?? DEFAULT_WINDOWS;
  let checkIn = open(input.start, input.channel, windows);
  let now = input.start;
  const steps: Step[] = [];
  const effects: Effect[] = [];
  let calls = 0;
  for (let guard = 0; checkIn.status === 'open' && guard < 40; guard++) {
    const next = checkIn.next;
    if (!next) throw new Error('an open check-in has nothing next');
    now = new Date(Math.max(now.getTime(), Date.parse(next.at) + (input.lagMs?.(guard) ?? 0)));
    const due = onDue(checkIn, now, policy, windows);
    checkIn = due.checkIn;
    effects.push(...due.effects);
    steps.push({ kind: 'due', at: now, effects: due.effects, checkIn });
    for (const effect of due.effects) {
      if (effect.type !== 'dispatch') continue;
      const placed = onPlaced(checkIn, effect.n, `p-${effect.n}`, now, policy, windows);
      checkIn = placed.checkIn;
      steps.push({ kind: 'placed', at: now, effects: placed.effects, checkIn });
      if (checkIn.attempts[effect.n - 1]?.channel !== 'voice') continue;
      now = plus(now, input.ringMs?.(calls) ?? 40_000);
      const outcome = input.outcomes[calls++] ?? 'noAnswer';
      const ended = onOutcome(checkIn, effect.n, outcome, now, policy, windows);
      checkIn = ended.checkIn;
      effects.push(...ended.effects);
      steps.push({ kind: 'outcome', at: now, effects: ended.effects, checkIn });
    }
  }
  return { checkIn, steps, effects, windows };
}

const voiceOf = (c: CheckIn) => c.attempts.filter((a) => a.channel === 'voice');
const summary = (c: CheckIn) => c.attempts.map((a) => `${a.channel}:${a.outcome ?? a.status}`);

describe('a check-in: calls, retries, one text, escalation', () => {
  it('retries 30 minutes after a call ends, three calls at most, then one text, then escalates 4 h after the first call', () => {
    const { checkIn, effects } = drive({ start: shanghai('2025-07-01T08:50:00'), outcomes: [] });
    expect(summary(checkIn)).toEqual(['voice:noAnswer', 'voice:noAnswer', 'voice:noAnswer', 'sms:placed']);
    const [a1, a2, a3, text] = checkIn.attempts as [Attempt, Attempt, Attempt, Attempt];
    expect(a1.plannedAt).toBe(shanghai('2025-07-01T09:00:00').toISOString());
    expect(a2.plannedAt).toBe(plus(a1.endedAt as string, 30 * MINUTE).toISOString());
    expect(a3.plannedAt).toBe(plus(a2.endedAt as string, 30 * MINUTE).toISOString());
    expect(text.plannedAt).toBe(a3.endedAt);
    expect(checkIn.escalateAt).toBe(shanghai('2025-07-01T13:00:00').toISOString());
    expect(checkIn.status).toBe('noResponse');
    expect(checkIn.closedAt).toBe(checkIn.escalateAt);
    expect(effects.filter((e) => e.type === 'openCase')).toEqual([
      { type: 'openCase', reason: 'noResponse' },
    ]);
  });

  it("escalates at the close of the day's last window when that comes before 4 h", () => {
    const { checkIn } = drive({ start: shanghai('2025-07-01T17:00:00'), outcomes: [] });
    expect(checkIn.escalateAt).toBe(shanghai('2025-07-01T19:30:00').toISOString());
    expect(checkIn.closedAt).toBe(checkIn.escalateAt);
    // 17:00, 17:31, 18:02, 18:32 would be a fourth call: three calls and the text all before 19:30
    expect(summary(checkIn)).toEqual(['voice:noAnswer', 'voice:noAnswer', 'voice:noAnswer', 'sms:placed']);
  });

  it('does not wait for the next window to retry past the escalation time: a late-morning first call gets the text', () => {
    // placed at 11:10: a retry at 11:40 is outside the window, the next window (15:00) is the escalation time
    const { checkIn } = drive({ start: shanghai('2025-07-01T11:10:00'), outcomes: [] });
    expect(checkIn.escalateAt).toBe(shanghai('2025-07-01T15:10:00').toISOString());
    expect(summary(checkIn)).toEqual(['voice:noAnswer', 'voice:noAnswer', 'sms:placed']);
    expect((checkIn.attempts[1] as Attempt).plannedAt).toBe(shanghai('2025-07-01T15:00:00').toISOString());
  });

  it('does nothing before the time is due, and nothing for a closed check-in', () => {
    const c = open(shanghai('2025-07-01T08:00:00'));
    expect(onDue(c, shanghai('2025-07-01T08:59:59'), policy, DEFAULT_WINDOWS)).toEqual({
      checkIn: c,
      effects: [],
    });
    const closed = { ...c, status: 'well' as const };
    expect(onDue(closed, shanghai('2025-07-01T10:00:00'), policy, DEFAULT_WINDOWS).checkIn).toBe(closed);
  });

  it('an attempt the planner reaches after its window closed is not queued: it moves to the next window', () => {
    const c = open(shanghai('2025-07-01T11:28:00'));
    expect(c.attempts[0]?.plannedAt).toBe(shanghai('2025-07-01T11:28:00').toISOString());
    const late = onDue(c, shanghai('2025-07-01T11:30:00'), policy, DEFAULT_WINDOWS);
    expect(late.effects).toEqual([]);
    expect(late.checkIn.attempts[0]).toMatchObject({
      status: 'planned',
      plannedAt: shanghai('2025-07-01T15:00:00').toISOString(),
    });
    // a job whose lease ran out in the night (a provider outage) is not sent again before morning
    const queued = onDue(c, shanghai('2025-07-01T11:28:00'), policy, DEFAULT_WINDOWS).checkIn;
    const night = onDue(queued, shanghai('2025-07-01T21:05:00'), policy, DEFAULT_WINDOWS);
    expect(night.effects).toEqual([]);
    expect(night.checkIn.next).toEqual({
      kind: 'attempt',
      at: shanghai('2025-07-02T09:00:00').toISOString(),
    });
  });

  it('texts an SMS-channel elder first and escalates when no reply comes, without ever calling', () => {
    const { checkIn, effects } = drive({
      start: shanghai('2025-07-01T08:00:00'),
      channel: 'sms',
      outcomes: [],
    });
    expect(summary(checkIn)).toEqual(['sms:placed']);
    expect(checkIn.attempts[0]?.plannedAt).toBe(shanghai('2025-07-01T09:00:00').toISOString());
    expect(checkIn.status).toBe('noResponse');
    expect(checkIn.closedAt).toBe(shanghai('2025-07-01T13:00:00').toISOString());
    expect(effects.filter((e) => e.type === 'openCase')).toHaveLength(1);
  });

  it('a key 1 records one visit and closes the check-in; a key 2 opens a needs-help case', () => {
    const well = drive({ start: shanghai('2025-07-01T09:00:00'), outcomes: ['noAnswer', 'well'] });
    expect(well.checkIn.status).toBe('well');
    expect(well.checkIn.next).toBeUndefined();
    expect(well.effects).toEqual([
      { type: 'dispatch', n: 1 },
      { type: 'dispatch', n: 2 },
      { type: 'recordVisit', at: well.checkIn.closedAt, channel: 'voice' },
    ]);
    const help = drive({ start: shanghai('2025-07-01T09:00:00'), outcomes: ['help'] });
    expect(help.checkIn.status).toBe('needsHelp');
    expect(help.effects.filter((e) => e.type !== 'dispatch')).toEqual([
      { type: 'openCase', reason: 'needsHelp' },
    ]);
  });

  it('a late well reply after escalation is a visit and closes the case (lateWell); later news below it changes nothing', () => {
    const { checkIn } = drive({ start: shanghai('2025-07-01T09:00:00'), outcomes: [] });
    expect(checkIn.status).toBe('noResponse');
    const n = checkIn.attempts.length;
    const late = onOutcome(checkIn, n, 'well', shanghai('2025-07-01T14:00:00'), policy, DEFAULT_WINDOWS);
    expect(late.checkIn.status).toBe('well');
    expect(late.effects).toEqual([
      { type: 'recordVisit', at: shanghai('2025-07-01T14:00:00').toISOString(), channel: 'sms' },
      { type: 'lateWell' },
    ]);
    const again = onOutcome(
      late.checkIn,
      n,
      'well',
      shanghai('2025-07-01T14:05:00'),
      policy,
      DEFAULT_WINDOWS,
    );
    expect(again).toEqual({ checkIn: late.checkIn, effects: [] });
    const lower = onOutcome(
      late.checkIn,
      n,
      'noAnswer',
      shanghai('2025-07-01T14:06:00'),
      policy,
      DEFAULT_WINDOWS,
    );
    expect(lower.checkIn).toBe(late.checkIn);
  });

  it('a call placed twice (a redelivered job) keeps its first placement', () => {
    const c = onDue(
      open(shanghai('2025-07-01T09:00:00')),
      shanghai('2025-07-01T09:00:00'),
      policy,
      DEFAULT_WINDOWS,
    ).checkIn;
    const once = onPlaced(c, 1, 'p-1', shanghai('2025-07-01T09:00:00'), policy, DEFAULT_WINDOWS).checkIn;
    const twice = onPlaced(once, 1, 'p-2', shanghai('2025-07-01T09:01:00'), policy, DEFAULT_WINDOWS);
    expect(twice.checkIn).toBe(once);
    expect(once.attempts[0]).toMatchObject({ status: 'placed', providerId: 'p-1' });
  });

  const queuedAtNine = () =>
    onDue(open(shanghai('2025-07-01T09:00:00')), shanghai('2025-07-01T09:00:00'), policy, DEFAULT_WINDOWS)
      .checkIn;

  it('a first call whose state is unknown (claimed, never reported) counts as failed and is retried, not escalated at once', () => {
    const queued = queuedAtNine();
    const placing: CheckIn = {
      ...queued,
      attempts: queued.attempts.map((a) => ({ ...a, status: 'placing' as const })),
    };
    const lease = new Date(queued.next?.at as string);
    const unknown = onDue(placing, lease, policy, DEFAULT_WINDOWS);
    expect(unknown.effects[0]).toEqual({ type: 'attemptStateUnknown', n: 1 });
    expect(unknown.checkIn.attempts[0]).toMatchObject({ status: 'ended', outcome: 'failed' });
    expect(unknown.checkIn.status).toBe('open');
    expect(unknown.checkIn.attempts[1]).toMatchObject({
      channel: 'voice',
      status: 'planned',
      plannedAt: plus(lease, 30 * MINUTE).toISOString(),
    });
  });

  it('a first call the provider refused (ProviderRejected: failed) is retried, not escalated at once', () => {
    const rejected = onOutcome(
      queuedAtNine(),
      1,
      'failed',
      shanghai('2025-07-01T09:00:05'),
      policy,
      DEFAULT_WINDOWS,
    );
    expect(rejected.effects).toEqual([]);
    expect(rejected.checkIn.status).toBe('open');
    expect(rejected.checkIn.attempts[1]).toMatchObject({
      channel: 'voice',
      status: 'planned',
      plannedAt: shanghai('2025-07-01T09:30:05').toISOString(),
    });
  });

  it('a later call the provider refused is one failed attempt among the retries', () => {
    const first = onPlaced(
      queuedAtNine(),
      1,
      'p-1',
      shanghai('2025-07-01T09:00:00'),
      policy,
      DEFAULT_WINDOWS,
    ).checkIn;
    const noAnswer = onOutcome(
      first,
      1,
      'noAnswer',
      shanghai('2025-07-01T09:00:40'),
      policy,
      DEFAULT_WINDOWS,
    ).checkIn;
    const queued2 = onDue(noAnswer, shanghai('2025-07-01T09:30:40'), policy, DEFAULT_WINDOWS).checkIn;
    const rejected = onOutcome(
      queued2,
      2,
      'failed',
      shanghai('2025-07-01T09:30:41'),
      policy,
      DEFAULT_WINDOWS,
    );
    expect(rejected.checkIn.status).toBe('open');
    expect(summary(rejected.checkIn)).toEqual(['voice:noAnswer', 'voice:failed', 'voice:planned']);
    expect(rejected.checkIn.attempts[2]?.plannedAt).toBe(shanghai('2025-07-01T10:00:41').toISOString());
  });
});

const anInstant = fc.date({
  min: new Date('2020-01-01T00:00:00+08:00'),
  max: new Date('2030-12-31T23:59:59+08:00'),
  noInvalidDate: true,
});
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const overlap = (ws: readonly CallWindow[]) =>
  rangesOf(ws).some(([s1, e1], i) => rangesOf(ws).some(([s2, e2], j) => i !== j && s1 < e2 && s2 < e1));
/** Windows that leave something inside 08:00-21:00 (an elder's or a county's), possibly overlapping. */
const anyWindows = fc.oneof(
  fc.constant(DEFAULT_WINDOWS),
  fc
    .array(
      fc
        .tuple(fc.integer({ min: 360, max: 1300 }), fc.integer({ min: 20, max: 400 }))
        .map(([s, len]) => ({ start: hhmm(s), end: hhmm(Math.min(s + len, 1439)) })),
      { minLength: 1, maxLength: 3 },
    )
    .filter((ws) => rangesOf(ws).length > 0),
);
/** The usual case: windows apart from each other. */
const someWindows = anyWindows.filter((ws) => !overlap(ws));
const rings = fc.array(fc.integer({ min: 5_000, max: 10 * MINUTE }), { minLength: 4, maxLength: 4 });
const lags = fc.array(fc.integer({ min: 0, max: 10 * MINUTE }), { minLength: 12, maxLength: 12 });
const failure = fc.constantFrom<Outcome>('noAnswer', 'busy', 'failed', 'noInput');
const anyOutcome = fc.constantFrom<Outcome>('noAnswer', 'busy', 'failed', 'noInput', 'well', 'help');

/** Every failed-calls run: windows, retries, the text and the escalation time, against the oracle. */
const retriesAndEscalation = (
  start: Date,
  windows: readonly CallWindow[],
  outcomes: Outcome[],
  rings: number[],
) => {
  // the planner on time: each attempt is queued when it falls due
  const run = drive({ start, windows, outcomes, ringMs: (i) => rings[i % rings.length] ?? 40_000 });
  const { checkIn, effects } = run;
  const attempts = checkIn.attempts;
  // nothing is ever planned in quiet hours or outside the windows
  for (const a of attempts) expect(inWindow(a.plannedAt, windows), `${a.n} at ${a.plannedAt}`).toBe(true);
  // up to three calls, then at most one text, and the text comes last
  const voice = voiceOf(checkIn);
  expect(voice.length).toBeGreaterThanOrEqual(1);
  expect(voice.length).toBeLessThanOrEqual(policy.retry.maxCalls);
  expect(attempts.filter((a) => a.channel === 'sms').length).toBeLessThanOrEqual(1);
  attempts.forEach((a, i) => {
    if (a.channel === 'sms') expect(i).toBe(attempts.length - 1);
  });
  // each retry is the earliest window instant 30 min after the previous call ended
  for (let i = 1; i < attempts.length; i++) {
    const previousEnd = new Date((attempts[i - 1] as Attempt).endedAt as string);
    const a = attempts[i] as Attempt;
    const expected =
      a.channel === 'voice'
        ? earliest(plus(previousEnd, 30 * MINUTE), windows)
        : earliest(previousEnd, windows);
    expect(a.plannedAt).toBe(expected.toISOString());
  }
  // escalation: 4 h after the first call was placed or the close of that day's last window
  const placedAt = new Date(attempts[0]?.placedAt as string);
  const close = closeOfLocalDay(placedAt, windows);
  const byDelay = plus(placedAt, 4 * HOUR);
  const escalateAt = close > placedAt && close < byDelay ? close : byDelay;
  expect(checkIn.escalateAt).toBe(escalateAt.toISOString());
  for (const a of attempts.slice(1)) expect(a.plannedAt < (checkIn.escalateAt as string)).toBe(true);
  expect(checkIn.status).toBe('noResponse');
  expect(checkIn.closedAt && checkIn.closedAt >= escalateAt.toISOString()).toBe(true);
  expect(effects.filter((e) => e.type === 'openCase')).toEqual([{ type: 'openCase', reason: 'noResponse' }]);
  // nothing retry-able was left out before escalating
  const lastEnd = new Date((voice.at(-1) as Attempt).endedAt as string);
  if (voice.length < policy.retry.maxCalls)
    expect(earliest(plus(lastEnd, 30 * MINUTE), windows) >= escalateAt).toBe(true);
  if (!attempts.some((a) => a.channel === 'sms')) expect(earliest(lastEnd, windows) >= escalateAt).toBe(true);
};

describe('check-in properties (any first-attempt time 2020-2030, any windows, any outcomes)', () => {
  it('plans every attempt inside a window, retries by the rules and escalates on time', () => {
    fc.assert(
      fc.property(anInstant, someWindows, fc.array(failure, { maxLength: 4 }), rings, retriesAndEscalation),
      { numRuns: 400 },
    );
  });

  it('escalates at the close of the last window of the day also when windows overlap or nest', () => {
    fc.assert(
      fc.property(
        anInstant,
        anyWindows.filter(overlap),
        fc.array(failure, { maxLength: 4 }),
        rings,
        retriesAndEscalation,
      ),
      { numRuns: 200 },
    );
  });

  it('a late planner (any lag up to 10 min) never queues a call or text outside a window: it waits for the next window or escalates', () => {
    fc.assert(
      fc.property(
        anInstant,
        someWindows,
        fc.array(failure, { maxLength: 4 }),
        lags,
        rings,
        (start, windows, outcomes, lag, ring) => {
          const run = drive({
            start,
            windows,
            outcomes,
            lagMs: (i) => lag[i % lag.length] ?? 0,
            ringMs: (i) => ring[i % ring.length] ?? 40_000,
          });
          for (const step of run.steps)
            if (step.effects.some((e) => e.type === 'dispatch'))
              expect(inWindow(step.at, windows), `queued at ${step.at.toISOString()}`).toBe(true);
          for (const a of run.checkIn.attempts) expect(inWindow(a.plannedAt, windows)).toBe(true);
          expect(run.checkIn.status).toBe('noResponse');
          expect(run.effects.filter((e) => e.type === 'openCase')).toHaveLength(1);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a key 1 or 2 on any call ends the check-in at once: well (one visit) or needs help (one case)', () => {
    fc.assert(
      fc.property(
        anInstant,
        someWindows,
        fc.array(anyOutcome, { minLength: 1, maxLength: 4 }),
        (start, windows, outcomes) => {
          const { checkIn, effects } = drive({ start, windows, outcomes });
          const answered = outcomes
            .slice(0, voiceOf(checkIn).length)
            .find((o) => o === 'well' || o === 'help');
          for (const a of checkIn.attempts) expect(inWindow(a.plannedAt, windows)).toBe(true);
          const visits = effects.filter((e) => e.type === 'recordVisit');
          const cases = effects.filter((e) => e.type === 'openCase');
          if (answered === 'well') {
            expect(checkIn.status).toBe('well');
            expect(visits).toHaveLength(1);
            expect(cases).toHaveLength(0);
          } else if (answered === 'help') {
            expect(checkIn.status).toBe('needsHelp');
            expect(visits).toHaveLength(0);
            expect(cases).toEqual([{ type: 'openCase', reason: 'needsHelp' }]);
          } else {
            expect(checkIn.status).toBe('noResponse');
            expect(cases).toEqual([{ type: 'openCase', reason: 'noResponse' }]);
          }
          if (answered) {
            expect(checkIn.next).toBeUndefined();
            expect((voiceOf(checkIn).at(-1) as Attempt).outcome).toBe(answered);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  const STATUS_RANK = { open: 0, noResponse: 0, well: 1, needsHelp: 2 } as const;

  it('outcome rank: events for one call in any order end in the same state, that of the highest-ranked outcome; nothing goes backwards', () => {
    const placedCheckIn = () => {
      const queued = onDue(
        open(shanghai('2025-07-01T09:00:00')),
        shanghai('2025-07-01T09:00:00'),
        policy,
        DEFAULT_WINDOWS,
      ).checkIn;
      return onPlaced(queued, 1, 'p-1', shanghai('2025-07-01T09:00:00'), policy, DEFAULT_WINDOWS).checkIn;
    };
    const apply = (events: Outcome[]) => {
      let c = placedCheckIn();
      const effects: Effect[] = [];
      let t = shanghai('2025-07-01T09:01:00');
      for (const outcome of events) {
        const before = c;
        const next = onOutcome(c, 1, outcome, t, policy, DEFAULT_WINDOWS);
        c = next.checkIn;
        effects.push(...next.effects);
        // no status and no outcome ever goes backwards
        expect(STATUS_RANK[c.status]).toBeGreaterThanOrEqual(STATUS_RANK[before.status]);
        const was = before.attempts[0]?.outcome;
        if (was)
          expect(OUTCOME_RANK[c.attempts[0]?.outcome as Outcome]).toBeGreaterThanOrEqual(OUTCOME_RANK[was]);
        t = plus(t, 1000);
      }
      return { c, effects };
    };
    fc.assert(
      fc.property(
        fc
          .array(anyOutcome, { minLength: 1, maxLength: 6 })
          .chain((events) =>
            fc.tuple(
              fc.constant(events),
              fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
            ),
          ),
        ([events, shuffled]) => {
          const a = apply(events);
          const b = apply(shuffled);
          const top = Math.max(...events.map((o) => OUTCOME_RANK[o]));
          for (const run of [a, b]) {
            expect(OUTCOME_RANK[run.c.attempts[0]?.outcome as Outcome]).toBe(top);
            expect(run.c.status).toBe(
              events.includes('help') ? 'needsHelp' : events.includes('well') ? 'well' : 'open',
            );
            expect(run.effects.filter((e) => e.type === 'openCase')).toHaveLength(
              events.includes('help') ? 1 : 0,
            );
            expect(run.effects.filter((e) => e.type === 'recordVisit').length).toBeLessThanOrEqual(1);
          }
          expect(b.c.status).toBe(a.c.status);
          expect(b.c.attempts[0]?.outcome === a.c.attempts[0]?.outcome || top === 1).toBe(true);
          expect(b.c.next === undefined).toBe(a.c.next === undefined);
        },
      ),
      { numRuns: 500 },
    );
  });
});
