import type { Category } from '../registration/fields.js';
import type { PhoneVisitPolicy } from './config.js';
import { type CallWindow, closeOfDay, nextWindowStart } from './windows.js';

export type Channel = 'voice' | 'sms';

/**
 * How one attempt ended. 'providerFault': the carrier failed (not the elder): retried with back-off,
 * never counted as silence, never a reason for a case on its own.
 */
export type Outcome = 'well' | 'help' | 'noAnswer' | 'busy' | 'noInput' | 'failed' | 'providerFault';

/** Later news never lowers what is known: a keypress beats a hang-up, help beats well. */
export const OUTCOME_RANK: Record<Outcome, number> = {
  providerFault: 0,
  failed: 1,
  noAnswer: 1,
  busy: 1,
  noInput: 2,
  well: 3,
  help: 4,
};

export interface Attempt {
  n: number;
  channel: Channel;
  plannedAt: string;
  /** planned → queued (job sent) → placing (claimed by the dispatcher) → placed (provider accepted) → ended */
  status: 'planned' | 'queued' | 'placing' | 'placed' | 'ended';
  placedAt?: string;
  providerId?: string;
  outcome?: Outcome;
  endedAt?: string;
}

export type CheckInStatus = 'open' | 'well' | 'needsHelp' | 'noResponse';

/** The next thing due for a check-in; the planner finds it through the due index. */
export interface NextAction {
  kind: 'attempt' | 'lease' | 'escalate';
  at: string;
}

export interface CheckIn {
  id: string;
  elderId: string;
  county: string;
  category: Category;
  /** the elder's channel when the check-in opened */
  channel: Channel;
  openedAt: string;
  status: CheckInStatus;
  attempts: Attempt[];
  /** when nothing heard by then, escalate: set when the first attempt is placed */
  escalateAt?: string;
  next?: NextAction;
  caseId?: string;
  /** the running campaign it was opened for (its call plays the campaign's script, its outcome counts) */
  campaignId?: string;
  /** staff asked for it by hand ("check in now"): its first call goes in the priority lane */
  priority?: true;
  closedAt?: string;
  version: number;
}

/** What a transition asks the world to do; the caller performs them (store, queue, notify). */
export type Effect =
  | { type: 'recordVisit'; at: string; channel: Channel }
  | { type: 'openCase'; reason: 'noResponse' | 'needsHelp' }
  | { type: 'lateWell' }
  | { type: 'dispatch'; n: number }
  | { type: 'attemptStateUnknown'; n: number }
  /** closed without reaching the elder: the carrier failed every attempt (no case opens) */
  | { type: 'unreached' };

export interface Transition {
  checkIn: CheckIn;
  effects: Effect[];
}

/** How long a queued or placed attempt may stay silent before the planner looks at it again. */
export const LEASE_MS = 10 * 60_000;
/** Attempts a check-in may hold at most; provider faults alone never go past it. */
export const MAX_ATTEMPTS = 40;
/** Back-off after a provider fault: 5, 10, 20, 40, 60, 60 … minutes. */
export const faultBackoffMs = (faults: number) => Math.min(60, 5 * 2 ** Math.max(0, faults - 1)) * 60_000;

/** A call placed must end within this; later its state is treated as unknown. */
export const CALL_LEASE_MS = 15 * 60_000;

const iso = (d: Date) => d.toISOString();
const later = (a: string, b: string) => (a > b ? a : b);

/**
 * Opens a check-in for an elder: the first attempt goes in the next calling window (on the elder's
 * channel), never before `now`.
 */
export function openCheckIn(input: {
  id: string;
  elderId: string;
  county: string;
  category: Category;
  channel: Channel;
  now: Date;
  windows: readonly CallWindow[];
  campaignId?: string | undefined;
  priority?: boolean | undefined;
}): CheckIn {
  const at = iso(nextWindowStart(input.now, input.windows));
  return {
    id: input.id,
    elderId: input.elderId,
    county: input.county,
    category: input.category,
    channel: input.channel,
    openedAt: iso(input.now),
    status: 'open',
    attempts: [{ n: 1, channel: input.channel, plannedAt: at, status: 'planned' }],
    next: { kind: 'attempt', at },
    ...(input.campaignId ? { campaignId: input.campaignId } : {}),
    ...(input.priority ? { priority: true as const } : {}),
    version: 1,
  };
}

const clone = (c: CheckIn): CheckIn => ({ ...c, attempts: c.attempts.map((a) => ({ ...a })) });

/**
 * The planner's step for a due check-in: queue the planned attempt, look again at a silent one, or
 * escalate when the time is up. Pure: the caller stores the result and performs the effects.
 */
export function onDue(
  current: CheckIn,
  now: Date,
  policy: PhoneVisitPolicy,
  windows: readonly CallWindow[],
): Transition {
  if (current.status !== 'open' || !current.next || current.next.at > iso(now))
    return { checkIn: current, effects: [] };
  const checkIn = clone(current);
  const last = checkIn.attempts.at(-1) as Attempt;
  const kind = checkIn.next?.kind;
  if (kind === 'escalate') {
    // never while an attempt is still under way: its end will decide
    if (last.status === 'placing' || (last.status === 'placed' && last.channel === 'voice')) {
      checkIn.next = { kind: 'lease', at: iso(new Date(now.getTime() + LEASE_MS)) };
      return { checkIn, effects: [] };
    }
    return escalate(checkIn, now);
  }
  if (last.status === 'planned' || last.status === 'queued') {
    const open = nextWindowStart(now, windows);
    if (open.getTime() !== now.getTime()) {
      // late (planner lag, a provider outage): never dial outside a window; wait for the next one
      last.status = 'planned';
      if (checkIn.escalateAt && iso(open) >= checkIn.escalateAt) {
        checkIn.next = { kind: 'escalate', at: later(checkIn.escalateAt, iso(now)) };
      } else {
        last.plannedAt = iso(open);
        checkIn.next = { kind: 'attempt', at: last.plannedAt };
      }
      return { checkIn, effects: [] };
    }
    // a queued job whose lease ran out is sent again; the dispatcher's claim makes that harmless
    last.status = 'queued';
    checkIn.next = { kind: 'lease', at: iso(new Date(now.getTime() + LEASE_MS)) };
    return { checkIn, effects: [{ type: 'dispatch', n: last.n }] };
  }
  if (last.status === 'placing' || (last.status === 'placed' && last.channel === 'voice')) {
    // the dispatcher claimed the attempt but never said it was placed, or the call never reported its
    // end: it may have rung; count it as failed and go on (at most one extra call)
    const unknown: Effect = { type: 'attemptStateUnknown', n: last.n };
    const moved = onOutcome(checkIn, last.n, 'failed', now, policy, windows);
    return { checkIn: moved.checkIn, effects: [unknown, ...moved.effects] };
  }
  // a text was sent and the reply window is over
  return planNext(checkIn, now, policy, windows);
}

/** The dispatcher placed the attempt: the provider accepted the call or the text. */
export function onPlaced(
  current: CheckIn,
  n: number,
  providerId: string,
  now: Date,
  policy: PhoneVisitPolicy,
  windows: readonly CallWindow[],
): Transition {
  const checkIn = clone(current);
  const attempt = checkIn.attempts[n - 1];
  if (!attempt || attempt.status === 'placed' || attempt.status === 'ended')
    return { checkIn: current, effects: [] };
  attempt.status = 'placed';
  attempt.placedAt = iso(now);
  attempt.providerId = providerId;
  checkIn.escalateAt ??= escalationTime(now, policy, windows);
  if (checkIn.status === 'open') {
    checkIn.next =
      attempt.channel === 'voice'
        ? { kind: 'lease', at: iso(new Date(now.getTime() + CALL_LEASE_MS)) }
        : { kind: 'escalate', at: checkIn.escalateAt };
  }
  return { checkIn, effects: [] };
}

/**
 * What an attempt's end (or a reply) means for the check-in. Idempotent and order-proof: an outcome
 * that ranks below what is known changes nothing.
 */
export function onOutcome(
  current: CheckIn,
  n: number,
  outcome: Outcome,
  now: Date,
  policy: PhoneVisitPolicy,
  windows: readonly CallWindow[],
): Transition {
  const attempt = current.attempts[n - 1];
  if (!attempt) return { checkIn: current, effects: [] };
  if (attempt.outcome && OUTCOME_RANK[attempt.outcome] >= OUTCOME_RANK[outcome])
    return { checkIn: current, effects: [] };
  const checkIn = clone(current);
  const a = checkIn.attempts[n - 1] as Attempt;
  a.outcome = outcome;
  a.status = 'ended';
  a.endedAt = a.endedAt ?? iso(now);
  const at = iso(now);

  if (outcome === 'help') {
    if (checkIn.status === 'needsHelp') return { checkIn, effects: [] };
    checkIn.status = 'needsHelp';
    checkIn.closedAt = checkIn.closedAt ?? at;
    delete checkIn.next;
    return { checkIn, effects: [{ type: 'openCase', reason: 'needsHelp' }] };
  }
  if (outcome === 'well') {
    const visit: Effect = { type: 'recordVisit', at, channel: a.channel };
    if (checkIn.status === 'open') {
      checkIn.status = 'well';
      checkIn.closedAt = at;
      delete checkIn.next;
      return { checkIn, effects: [visit] };
    }
    if (checkIn.status === 'noResponse') {
      checkIn.status = 'well';
      return { checkIn, effects: [visit, { type: 'lateWell' }] };
    }
    // already well (another attempt) or needs help: the reply still counts as a remote visit
    return { checkIn, effects: checkIn.status === 'needsHelp' ? [visit] : [] };
  }
  if (checkIn.status !== 'open') return { checkIn, effects: [] };
  // a failed attempt only moves things on when it is the latest one
  if (n !== checkIn.attempts.length) return { checkIn, effects: [] };
  if (outcome === 'providerFault') return retryAfterFault(checkIn, now, policy, windows);
  return planNext(checkIn, now, policy, windows);
}

/** Trailing attempts that ended in a provider fault. */
const trailingFaults = (checkIn: CheckIn) => {
  let count = 0;
  for (let i = checkIn.attempts.length - 1; i >= 0 && checkIn.attempts[i]?.outcome === 'providerFault'; i--)
    count++;
  return count;
};

/**
 * The carrier failed the attempt: the same channel again after a back-off, inside the windows. The
 * elder's time to answer starts again with the next attempt placed, so faults never run the clock to
 * an escalation; past MAX_ATTEMPTS the check-in waits at the escalation time without opening a case.
 */
function retryAfterFault(
  checkIn: CheckIn,
  now: Date,
  policy: PhoneVisitPolicy,
  windows: readonly CallWindow[],
): Transition {
  const last = checkIn.attempts.at(-1) as Attempt;
  const reached = checkIn.attempts.some((a) => a.outcome && a.outcome !== 'providerFault');
  if (checkIn.attempts.length >= MAX_ATTEMPTS) {
    if (reached) return planNext(checkIn, now, policy, windows);
    // faults alone: closed unreached without a case (the carrier alarm has long fired)
    checkIn.status = 'noResponse';
    checkIn.closedAt = iso(now);
    delete checkIn.next;
    return { checkIn, effects: [{ type: 'unreached' }] };
  }
  const at = nextWindowStart(new Date(now.getTime() + faultBackoffMs(trailingFaults(checkIn))), windows);
  // the escalation time is set again when an attempt is really placed
  if (!reached) delete checkIn.escalateAt;
  else if (checkIn.escalateAt && iso(at) >= checkIn.escalateAt)
    checkIn.escalateAt = escalationTime(at, policy, windows);
  const plannedAt = iso(at);
  checkIn.attempts.push({
    n: checkIn.attempts.length + 1,
    channel: last.channel,
    plannedAt,
    status: 'planned',
  });
  checkIn.next = { kind: 'attempt', at: plannedAt };
  return { checkIn, effects: [] };
}

/** 4 h after the first attempt, or the close of that day's last window, whichever comes first. */
function escalationTime(first: Date, policy: PhoneVisitPolicy, windows: readonly CallWindow[]): string {
  const byDelay = new Date(first.getTime() + policy.retry.escalateAfterMinutes * 60_000);
  const close = closeOfDay(first, windows);
  return iso(close.getTime() > first.getTime() && close < byDelay ? close : byDelay);
}

/** After a failed attempt: retry the call, then one text, then escalate, all inside the windows. */
function planNext(
  checkIn: CheckIn,
  now: Date,
  policy: PhoneVisitPolicy,
  windows: readonly CallWindow[],
): Transition {
  // a first attempt that failed without being placed (refused number, state unknown) starts the clock
  checkIn.escalateAt ??= escalationTime(now, policy, windows);
  const escalateAt = checkIn.escalateAt;
  if (iso(now) >= escalateAt) return escalate(checkIn, now);
  // attempts the carrier failed do not count: the elder was never asked
  const calls = checkIn.attempts.filter((x) => x.channel === 'voice' && x.outcome !== 'providerFault').length;
  const texted = checkIn.attempts.some((x) => x.channel === 'sms' && x.outcome !== 'providerFault');
  const add = (channel: Channel, at: Date): Transition => {
    const plannedAt = iso(at);
    checkIn.attempts.push({ n: checkIn.attempts.length + 1, channel, plannedAt, status: 'planned' });
    checkIn.next = { kind: 'attempt', at: plannedAt };
    return { checkIn, effects: [] };
  };
  if (checkIn.channel === 'voice' && calls < policy.retry.maxCalls) {
    const at = nextWindowStart(new Date(now.getTime() + policy.retry.delayMinutes * 60_000), windows);
    if (iso(at) < escalateAt) return add('voice', at);
  }
  if (!texted && (checkIn.channel === 'sms' || policy.retry.textAfterCalls)) {
    const at = nextWindowStart(now, windows);
    if (iso(at) < escalateAt) return add('sms', at);
  }
  checkIn.next = { kind: 'escalate', at: later(escalateAt, iso(now)) };
  return { checkIn, effects: [] };
}

function escalate(checkIn: CheckIn, now: Date): Transition {
  checkIn.status = 'noResponse';
  checkIn.closedAt = iso(now);
  delete checkIn.next;
  return { checkIn, effects: [{ type: 'openCase', reason: 'noResponse' }] };
}

/** The attempt a text reply answers: the latest one (a reply to a call's text, or to the call itself). */
export function replyTarget(checkIn: CheckIn): number {
  return checkIn.attempts.length;
}

/**
 * The elder texted TD / 退订 / STOP during a check-in: texts stop, so a check-in waiting on a text
 * reply goes on as calls (inside the windows, before the escalation time).
 */
export function onOptOut(
  current: CheckIn,
  now: Date,
  policy: PhoneVisitPolicy,
  windows: readonly CallWindow[],
): Transition {
  if (current.status !== 'open' || current.channel === 'voice') return { checkIn: current, effects: [] };
  const checkIn = clone(current);
  checkIn.channel = 'voice';
  const last = checkIn.attempts.at(-1) as Attempt;
  if (last.channel === 'sms' && !last.outcome) {
    last.outcome = 'failed';
    last.status = 'ended';
    last.endedAt = now.toISOString();
  }
  if (!checkIn.escalateAt)
    checkIn.escalateAt = new Date(now.getTime() + policy.retry.escalateAfterMinutes * 60_000).toISOString();
  return planNext(checkIn, now, policy, windows);
}
