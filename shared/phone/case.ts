import type { CaseStatus, Closure } from './closures.js';
import type { PhoneVisitPolicy } from './config.js';

export type CaseReason = 'noResponse' | 'needsHelp';
export * from './closures.js';

/** Who may be told, in the ladder's order. */
export interface Recipient {
  to: string;
  role: 'contact' | 'emergency' | 'duty';
  /** contact id or emergency-contact order, for the timeline; never a name in logs */
  ref: string;
}

/** One notification of the ladder: a text, or a call the person acknowledges with 1. */
export interface CaseStep {
  /** index in the case's steps; a dispatch job names it */
  n: number;
  level: 1 | 2 | 3;
  to: string;
  role: Recipient['role'];
  ref: string;
  channel: 'sms' | 'voice';
  at: string;
  status: 'queued' | 'placing' | 'sent' | 'failed';
  providerId?: string;
  acknowledgedAt?: string;
}

export interface CaseEvent {
  at: string;
  event:
    | 'opened'
    | 'notified'
    | 'escalated'
    | 'acknowledged'
    | 'lateWell'
    | 'closed'
    | 'upgraded'
    | 'unnotifiable';
  detail?: string;
}

export interface Case {
  id: string;
  /** four digits a recipient texts back to acknowledge */
  code: string;
  elderId: string;
  checkInId?: string;
  /** the campaign of the check-in it came from */
  campaignId?: string;
  county: string;
  township: string;
  reason: CaseReason;
  openedAt: string;
  status: CaseStatus;
  level: 0 | 1 | 2 | 3;
  steps: CaseStep[];
  next?: { kind: 'step'; at: string };
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  closedAt?: string;
  closure?: Closure;
  closedBy?: string;
  note?: string;
  timeline: CaseEvent[];
  version: number;
}

/** Everyone the ladder may reach for one elder, by level. */
export interface Ladder {
  /** level 1: the paired visit contact */
  contact: Recipient[];
  /** level 2: emergency contacts, children first */
  emergency: Recipient[];
  /** level 3: the committee's duty phone and the township supervisor */
  duty: Recipient[];
}

export interface CaseTransition {
  case: Case;
  /** indices of steps to dispatch now */
  dispatch: number[];
  /** texts to send that are not ladder steps (confirmations, closing notices) */
  texts: { to: string; purpose: 'ackConfirm' | 'caseClosed'; n: number }[];
}

const iso = (d: Date) => d.toISOString();

function addSteps(
  c: Case,
  level: 1 | 2 | 3,
  recipients: Recipient[],
  channels: ('sms' | 'voice')[],
  now: Date,
): number[] {
  const added: number[] = [];
  for (const r of recipients) {
    for (const channel of channels) {
      // nobody is sent the same step twice
      if (c.steps.some((s) => s.level === level && s.to === r.to && s.channel === channel)) continue;
      const n = c.steps.length;
      c.steps.push({ n, level, to: r.to, role: r.role, ref: r.ref, channel, at: iso(now), status: 'queued' });
      added.push(n);
    }
  }
  return added;
}

/**
 * Moves the ladder to the next level that has someone to tell, so an open case always has someone
 * notified. Level 2 texts each emergency contact, then calls them (they acknowledge with 1).
 */
function climb(c: Case, ladder: Ladder, now: Date, policy: PhoneVisitPolicy): number[] {
  while (c.level < 3) {
    const level = (c.level + 1) as 1 | 2 | 3;
    c.level = level;
    const added =
      level === 1
        ? addSteps(c, 1, ladder.contact, ['sms'], now)
        : level === 2
          ? [
              ...addSteps(c, 2, ladder.emergency, ['sms'], now),
              ...addSteps(c, 2, ladder.emergency, ['voice'], now),
            ]
          : addSteps(c, 3, ladder.duty, ['sms'], now);
    if (added.length > 0) {
      c.timeline.push({
        at: iso(now),
        event: level === 1 ? 'notified' : 'escalated',
        detail: `level ${level}`,
      });
      c.next = { kind: 'step', at: iso(new Date(now.getTime() + policy.escalation.ackMinutes * 60_000)) };
      return added;
    }
  }
  delete c.next;
  if (!c.steps.some((s) => s.status !== 'failed')) c.timeline.push({ at: iso(now), event: 'unnotifiable' });
  return [];
}

/**
 * Opens a case. No response: the paired contact first. Needs help: no waiting, the contact and the
 * first emergency contact at once.
 */
export function openCase(
  input: Pick<
    Case,
    'id' | 'code' | 'elderId' | 'checkInId' | 'campaignId' | 'county' | 'township' | 'reason'
  > & {
    ladder: Ladder;
    now: Date;
    policy: PhoneVisitPolicy;
  },
): CaseTransition {
  const c: Case = {
    id: input.id,
    code: input.code,
    elderId: input.elderId,
    ...(input.checkInId ? { checkInId: input.checkInId } : {}),
    ...(input.campaignId ? { campaignId: input.campaignId } : {}),
    county: input.county,
    township: input.township,
    reason: input.reason,
    openedAt: iso(input.now),
    status: 'open',
    level: 0,
    steps: [],
    timeline: [{ at: iso(input.now), event: 'opened', detail: input.reason }],
    version: 1,
  };
  const dispatch = climb(c, input.ladder, input.now, input.policy);
  if (input.reason === 'needsHelp' && c.level === 1) {
    const first = input.ladder.emergency.slice(0, 1);
    dispatch.push(...addSteps(c, 2, first, ['sms'], input.now));
  }
  return { case: c, dispatch, texts: [] };
}

const cloneCase = (c: Case): Case => ({
  ...c,
  steps: c.steps.map((s) => ({ ...s })),
  timeline: [...c.timeline],
});

/** The acknowledgement time ran out with nobody acknowledging: the next level. */
export function onCaseDue(
  current: Case,
  ladder: Ladder,
  now: Date,
  policy: PhoneVisitPolicy,
): CaseTransition {
  if (current.status !== 'open' || !current.next || current.next.at > iso(now))
    return { case: current, dispatch: [], texts: [] };
  const c = cloneCase(current);
  return { case: c, dispatch: climb(c, ladder, now, policy), texts: [] };
}

/** A needs-help reply on a case opened for no response: the ladder goes on at once, as for help. */
export function upgradeToHelp(
  current: Case,
  ladder: Ladder,
  now: Date,
  policy: PhoneVisitPolicy,
): CaseTransition {
  if (current.reason === 'needsHelp' || current.status === 'closed')
    return { case: current, dispatch: [], texts: [] };
  const c = cloneCase(current);
  c.reason = 'needsHelp';
  c.status = 'open';
  delete c.acknowledgedAt;
  c.timeline.push({ at: iso(now), event: 'upgraded', detail: 'needsHelp' });
  const dispatch = c.level === 0 ? climb(c, ladder, now, policy) : [];
  dispatch.push(
    ...addSteps(c, 1, ladder.contact, ['sms'], now),
    ...addSteps(c, 2, ladder.emergency.slice(0, 1), ['sms'], now),
  );
  if (c.level < 2) c.level = 2;
  c.next = { kind: 'step', at: iso(new Date(now.getTime() + policy.escalation.ackMinutes * 60_000)) };
  return { case: c, dispatch, texts: [] };
}

/** Someone on the ladder acknowledged (code by text, or 1 on the call): the ladder stops. */
export function acknowledge(current: Case, from: string, now: Date): CaseTransition {
  const step = current.steps.find((s) => s.to === from);
  if (!step || current.status !== 'open') return { case: current, dispatch: [], texts: [] };
  const c = cloneCase(current);
  c.status = 'acknowledged';
  c.acknowledgedAt = iso(now);
  c.acknowledgedBy = step.ref;
  for (const s of c.steps) if (s.to === from && !s.acknowledgedAt) s.acknowledgedAt = iso(now);
  delete c.next;
  c.timeline.push({ at: iso(now), event: 'acknowledged', detail: step.role });
  return { case: c, dispatch: [], texts: [{ to: from, purpose: 'ackConfirm', n: step.n }] };
}

/** Everyone who was sent a step, once each. */
export function notified(c: Case): string[] {
  return [...new Set(c.steps.filter((s) => s.status === 'sent' || s.status === 'placing').map((s) => s.to))];
}

/** A late well reply closes a no-response case and tells whoever was notified. */
export function onLateWell(current: Case, now: Date): CaseTransition {
  if (current.status === 'closed' || current.reason !== 'noResponse')
    return { case: current, dispatch: [], texts: [] };
  const c = cloneCase(current);
  c.status = 'closed';
  c.closure = 'reachedWell';
  c.closedAt = iso(now);
  c.closedBy = 'system:late-reply';
  delete c.next;
  c.timeline.push(
    { at: iso(now), event: 'lateWell' },
    { at: iso(now), event: 'closed', detail: 'reachedWell' },
  );
  return { case: c, dispatch: [], texts: notified(c).map((to, i) => ({ to, purpose: 'caseClosed', n: i })) };
}

/** Staff close a case with what happened. */
export function closeCase(
  current: Case,
  closure: Closure,
  by: string,
  now: Date,
  note?: string,
): CaseTransition {
  if (current.status === 'closed') return { case: current, dispatch: [], texts: [] };
  const c = cloneCase(current);
  c.status = 'closed';
  c.closure = closure;
  c.closedAt = iso(now);
  c.closedBy = by;
  if (note) c.note = note;
  delete c.next;
  c.timeline.push({ at: iso(now), event: 'closed', detail: closure });
  return { case: c, dispatch: [], texts: [] };
}
