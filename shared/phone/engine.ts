import { randomInt, randomUUID } from 'node:crypto';
import { audienceMember } from '../campaigns/audience.js';
import { campaignFor, nextCheckInAfter, sweepCampaigns } from '../campaigns/run.js';
import type { PolicyConfig } from '../config.js';
import type { Contact } from '../contacts/contact.js';
import type { Elder } from '../register/elder.js';
import { dialable } from '../registration/phone.js';
import { getCampaign, progressUpdate, type StoredCampaign } from '../store/campaigns.js';
import type { Db } from '../store/client.js';
import { getContact } from '../store/contacts.js';
import { getElder, receivesCheckIns } from '../store/elders.js';
import { phoneKeys } from '../store/keys.js';
import {
  caseIdByCode,
  claimOnce,
  clearScheduleDue,
  countAttemptHealth,
  createCase,
  getCase,
  getCheckIn,
  getPlannerCursor,
  getSchedule,
  queryDue,
  releaseOnce,
  type Schedule,
  SHARDS,
  StaleItem,
  saveCall,
  saveCase,
  saveCheckIn,
  setCheckInDue,
  setPlannerCursor,
  startCheckIn,
  type TransactItem,
} from '../store/phone.js';
import { type DayStatsField, statsUpdate } from '../store/stats.js';
import { putVisit, visitItem } from '../store/visits.js';
import { dateInPolicyZone, isoInPolicyZone } from '../time.js';
import type { VisitRecord } from '../visits/record.js';
import {
  acknowledge,
  type Case,
  type CaseTransition,
  type Closure,
  closeCase,
  type Ladder,
  onCaseDue,
  onLateWell,
  openCase,
  upgradeToHelp,
} from './case.js';
import {
  type CheckIn,
  type Effect,
  type Outcome,
  onDue,
  onOptOut,
  onOutcome,
  onPlaced,
  openCheckIn,
  type Transition,
} from './checkin.js';
import { cadenceMs, DEFAULT_PHONE_POLICY, type PhoneVisitPolicy, policyFor } from './config.js';
import type { CarrierHealth } from './health.js';
import type { DispatchJob, JobQueue } from './jobs.js';
import type { Pacer } from './pacer.js';
import { checkInCallPrompt, notifyCallPrompt } from './prompts.js';
import {
  type CallContext,
  type CallOutcome,
  ProviderRejected,
  ProviderUnavailable,
  type SmsProvider,
  SPOKEN_WELL_CONFIDENCE,
  smsParts,
  type VoiceProvider,
} from './providers.js';
import { replyMeaning } from './replies.js';
import { ackConfirmText, caseClosedText, caseText, checkInText, spokenLanguage } from './texts.js';
import { nextWindowStart } from './windows.js';

/** What the phone-visit engine needs: storage, the queue, the providers, the pacer and the clock. */
export interface PhoneDeps {
  db: Db;
  policy: PolicyConfig;
  /** phone-visit policy by county ("*" the default) */
  phonePolicies: Readonly<Record<string, PhoneVisitPolicy>>;
  queue: JobQueue;
  voice: VoiceProvider;
  sms: SmsProvider;
  pacer: Pacer;
  now: () => Date;
  /** structured log without personal data: ids, kinds, outcomes and counts only */
  log: (message: string, fields?: Record<string, unknown>) => void;
  /**
   * The live campaigns (cached: see cachedLiveCampaigns). Without it no campaign raises a cadence or
   * tags a check-in, and the planner does not sweep campaigns.
   */
  campaigns?: LiveCampaigns;
  /**
   * Whether dialling is paused for a county (carrier faults over the configured share): see
   * cachedPause. Without it, dialling never pauses.
   */
  pause?: (county: string, now: Date) => Promise<CarrierHealth>;
}

/** Reads the live campaigns; `clear` forgets a cached answer (after the sweep changed one). */
export type LiveCampaigns = (() => Promise<StoredCampaign[]>) & { clear?: () => void };

const liveCampaigns = async (deps: PhoneDeps): Promise<StoredCampaign[]> =>
  deps.campaigns ? deps.campaigns() : [];

/** Where today's figures of an elder's check-in count: the local date of `at`, the elder's place. */
const placeOf = (elder: Pick<Elder, 'region'>, at: Date) => ({
  date: dateInPolicyZone(at),
  county: elder.region.county,
  township: elder.region.township,
});

const OUTCOME_FIELD = { well: 'well', needsHelp: 'needsHelp', noResponse: 'notReached' } as const;

/**
 * The counters a check-in's change moves, written in the same transaction as the change: its outcome
 * when it closes (today's figures, and the campaign's progress), and the campaign's cases opened.
 */
function changeCounters(
  deps: PhoneDeps,
  checkIn: CheckIn,
  elder: Pick<Elder, 'region'>,
  now: Date,
  change: { closes: boolean; caseOpened: boolean },
): TransactItem[] {
  const items: TransactItem[] = [];
  const field: DayStatsField | undefined =
    change.closes && checkIn.status !== 'open' ? OUTCOME_FIELD[checkIn.status] : undefined;
  if (field) items.push(statsUpdate(deps.db, placeOf(elder, now), { [field]: 1 }));
  if (checkIn.campaignId && (field || change.caseOpened)) {
    items.push(
      progressUpdate(deps.db, checkIn.campaignId, {
        ...(field ? { [field]: 1 } : {}),
        ...(change.caseOpened ? { casesOpened: 1 } : {}),
      }),
    );
  }
  return items;
}

const policyOf = (deps: PhoneDeps, county: string) =>
  policyFor(deps.phonePolicies, county) ?? DEFAULT_PHONE_POLICY;
const windowsOf = (
  deps: PhoneDeps,
  elder: Pick<Elder, 'region'> & { callWindows?: { start: string; end: string }[] },
) =>
  elder.callWindows && elder.callWindows.length > 0
    ? elder.callWindows
    : policyOf(deps, elder.region.county).windows;

/** Retries a read-change-write on an optimistic-lock conflict. */
async function withRetry<T>(work: () => Promise<T>, tries = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StaleItem) || i >= tries) throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Planner

export interface PlannerResult {
  /** items found due this run (schedules, check-ins, cases) */
  due: number;
  started: number;
  jobs: number;
  capacity: number;
  /** how long the oldest item found due had waited, in minutes (null when nothing was due) */
  oldestDueMinutes: number | null;
}

const bucketOf = (d: Date) => d.toISOString().slice(0, 13);

/**
 * Finds what is due through the sparse due index (every shard of each hour bucket from the cursor to
 * now) and moves it on: starts check-ins, queues attempts, escalates, climbs case ladders. Its work
 * grows with what is due, not with the size of the register.
 */
export async function runPlanner(deps: PhoneDeps): Promise<PlannerResult> {
  if (deps.campaigns) {
    // campaigns whose schedule was lost or late start and finish here; what they pull forward is
    // due now, so this very run opens it
    const swept = await sweepCampaigns(deps).catch((error: Error) => {
      deps.log('campaign sweep failed', { errorName: error.name });
      return [];
    });
    if (swept.some((r) => r.changed)) deps.campaigns.clear?.();
  }
  const now = deps.now();
  const nowBucket = bucketOf(now);
  const cursor = (await getPlannerCursor(deps.db)) ?? bucketOf(new Date(now.getTime() - 24 * 3_600_000));
  const result: PlannerResult = { due: 0, started: 0, jobs: 0, capacity: 0, oldestDueMinutes: null };
  let oldestFailed: string | undefined;
  for (
    let t = new Date(`${cursor}:00:00.000Z`);
    bucketOf(t) <= nowBucket;
    t = new Date(t.getTime() + 3_600_000)
  ) {
    for (const shard of SHARDS) {
      const { items, capacity } = await queryDue(deps.db, bucketOf(t), shard, now.toISOString());
      result.capacity += capacity;
      for (const item of items) {
        result.due++;
        const waited = Math.max(0, Math.round((now.getTime() - Date.parse(item.at)) / 60_000));
        if (Number.isFinite(waited) && waited > (result.oldestDueMinutes ?? -1))
          result.oldestDueMinutes = waited;
        try {
          if (item.kind === 'schedule') result.started += (await startDue(deps, item.id, now)) ? 1 : 0;
          else if (item.kind === 'checkIn') result.jobs += await checkInDue(deps, item.id, now);
          else result.jobs += await caseDue(deps, item.id, now);
        } catch (error) {
          // one bad item must not stop the rest; it stays due and is tried again next run
          oldestFailed ??= bucketOf(t);
          deps.log('planner item failed', { kind: item.kind, id: item.id, errorName: (error as Error).name });
        }
      }
    }
  }
  // the cursor stays at a bucket that still holds a failed item, so the next run sees it again
  await setPlannerCursor(deps.db, oldestFailed ?? nowBucket);
  deps.log('planner run', { ...result });
  return result;
}

/**
 * A check-in staff ask for by hand ("check in now"): opened at once (not at the planner's next run),
 * its first call in the priority lane, ahead of any backlog and inside the same limits. Only inside
 * the elder's windows (the caller checks); refused when one is open or the schedule is suspended.
 */
export async function checkInNow(deps: PhoneDeps, elderId: string): Promise<'started' | 'alreadyOpen'> {
  const now = deps.now();
  if (!(await setCheckInDue(deps.db, elderId, now.toISOString(), now))) return 'alreadyOpen';
  return (await startDue(deps, elderId, now, true)) ? 'started' : 'alreadyOpen';
}

/** Opens the check-in of a due schedule (never a second open one, nothing for refusals). */
async function startDue(deps: PhoneDeps, elderId: string, now: Date, priority = false): Promise<boolean> {
  const schedule = await getSchedule(deps.db, elderId);
  const elder = await getElder(deps.db, elderId);
  if (!schedule || !elder || !receivesCheckIns(elder) || schedule.suspended || schedule.openCheckInId) {
    await clearScheduleDue(deps.db, elderId);
    return false;
  }
  const channel = elder.channel === 'sms' && !schedule.smsOptOut ? 'sms' : 'voice';
  const campaign = campaignFor(await liveCampaigns(deps), audienceMember(elder, deps.policy), now);
  const checkIn = openCheckIn({
    id: randomUUID(),
    elderId,
    county: elder.region.county,
    category: elder.category,
    channel,
    now,
    windows: windowsOf(deps, elder),
    campaignId: campaign?.id,
    priority,
  });
  try {
    await startCheckIn(deps.db, schedule, checkIn, now, [
      statsUpdate(deps.db, placeOf(elder, now), { checkInsOpened: 1 }),
      ...(campaign ? [progressUpdate(deps.db, campaign.id, { started: 1 })] : []),
    ]);
  } catch (error) {
    if (error instanceof StaleItem) return false;
    throw error;
  }
  deps.log('check-in opened', {
    checkInId: checkIn.id,
    channel,
    plannedAt: checkIn.next?.at,
    ...(campaign ? { campaignId: campaign.id } : {}),
  });
  // the elder was just read: the first attempt, when due now, is queued without reading it again
  if (checkIn.next && checkIn.next.at <= now.toISOString()) await checkInDue(deps, checkIn.id, now, elder);
  return true;
}

async function checkInDue(deps: PhoneDeps, checkInId: string, now: Date, known?: Elder): Promise<number> {
  return withRetry(async () => {
    const current = await getCheckIn(deps.db, checkInId);
    if (!current) return 0;
    const elder = known?.id === current.elderId ? known : await getElder(deps.db, current.elderId);
    if (!elder) return 0;
    const t = onDue(current, now, policyOf(deps, current.county), windowsOf(deps, elder));
    const effects = await commitCheckIn(deps, current, t, elder, now);
    return effects.filter((e) => e.type === 'dispatch').length;
  });
}

async function caseDue(deps: PhoneDeps, caseId: string, now: Date): Promise<number> {
  return withRetry(async () => {
    const current = await getCase(deps.db, caseId);
    if (!current) return 0;
    const elder = await getElder(deps.db, current.elderId);
    if (!elder) return 0;
    const t = onCaseDue(current, await ladderFor(deps, elder), now, policyOf(deps, current.county));
    await commitCase(deps, current, t, now);
    return t.dispatch.length;
  });
}

// ---------------------------------------------------------------------------------------------
// Storing transitions and performing their effects

/**
 * When the next check-in of an elder is due after one opened at `openedAt`: the normal cadence, or a
 * running campaign's shorter one while its window lasts; then a calling window.
 */
async function nextCheckInAt(deps: PhoneDeps, elder: Elder, openedAt: string): Promise<string> {
  const policy = policyOf(deps, elder.region.county);
  return nextCheckInAfter({
    openedAt: new Date(openedAt),
    normalMs: cadenceMs(policy, elder.category),
    campaigns: await liveCampaigns(deps),
    member: audienceMember(elder, deps.policy),
    windows: windowsOf(deps, elder),
  }).toISOString();
}

/** Saves a check-in transition (freeing the schedule when it closes), then performs its effects. */
async function commitCheckIn(
  deps: PhoneDeps,
  before: CheckIn,
  t: Transition,
  elder: Elder,
  now: Date,
): Promise<Effect[]> {
  if (t.checkIn === before) return [];
  const closes = before.status === 'open' && t.checkIn.status !== 'open';
  // an elder who refused (or left) since the check-in opened is not escalated for not answering
  const openCaseEffect = t.effects.find(
    (e) => e.type === 'openCase' && (e.reason === 'needsHelp' || receivesCheckIns(elder)),
  );
  let saved: CheckIn;
  let visitsWritten = false;
  if (openCaseEffect && openCaseEffect.type === 'openCase' && !before.caseId) {
    const linked = await openCaseFor(deps, elder, openCaseEffect.reason, now, {
      checkIn: t.checkIn,
      previousVersion: before.version,
      closes,
    });
    saved = linked ?? t.checkIn;
  } else {
    // the visit is written with the state change that records it: a retried event finds both or neither
    visitsWritten = true;
    const visits = t.effects.flatMap((e) =>
      e.type === 'recordVisit' ? [automatedVisit(deps, t.checkIn, e.at, e.channel, elder)] : [],
    );
    saved = await saveCheckIn(
      deps.db,
      t.checkIn,
      before.version,
      now,
      closes ? { nextCheckInAt: await nextCheckInAt(deps, elder, before.openedAt) } : undefined,
      visits.map(visitItem),
      changeCounters(deps, t.checkIn, elder, now, { closes, caseOpened: false }),
    );
    if (
      openCaseEffect &&
      openCaseEffect.type === 'openCase' &&
      before.caseId &&
      openCaseEffect.reason === 'needsHelp'
    ) {
      await upgradeCase(deps, before.caseId, elder, now);
    }
  }
  for (const effect of t.effects) {
    if (effect.type === 'dispatch')
      await deps.queue.send([
        {
          kind: 'checkInAttempt',
          checkInId: saved.id,
          n: effect.n,
          // staff asked for this check-in: its first call goes in the priority lane
          ...(saved.priority && effect.n === 1 ? { priority: true as const } : {}),
        },
      ]);
    else if (effect.type === 'recordVisit' && !visitsWritten)
      await recordAutomatedVisit(deps, saved, effect.at, effect.channel, elder);
    else if (effect.type === 'lateWell' && saved.caseId) await lateWell(deps, saved.caseId, elder, now);
    else if (effect.type === 'attemptStateUnknown')
      deps.log('attempt state unknown: it may have been placed', { checkInId: saved.id, n: effect.n });
    else if (effect.type === 'unreached')
      deps.log('check-in closed unreached: the carrier failed every attempt', { checkInId: saved.id });
  }
  return t.effects;
}

/** How an automated visit came: a keypad 1, a text 1, or the elder's own missed call. */
type VisitChannel = 'voice' | 'sms' | 'missedCall';
const VISITOR: Record<VisitChannel, string> = {
  voice: '自动外呼',
  sms: '短信回访',
  missedCall: '来电报平安',
};

/** A keypad 1 or a text 1: a remote visit (mode automated), once per check-in attempt. */
async function recordAutomatedVisit(
  deps: PhoneDeps,
  checkIn: CheckIn | undefined,
  at: string,
  channel: VisitChannel,
  elder: Elder,
): Promise<void> {
  try {
    await putVisit(deps.db, automatedVisit(deps, checkIn, at, channel, elder));
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}

function automatedVisit(
  deps: PhoneDeps,
  checkIn: CheckIn | undefined,
  at: string,
  channel: VisitChannel,
  elder: Elder,
): VisitRecord {
  const when = new Date(at);
  const id = checkIn ? `${checkIn.id}-${checkIn.attempts.length}` : randomUUID();
  const visit: VisitRecord = {
    id,
    elderId: elder.id,
    visitedAt: isoInPolicyZone(when),
    visitedOn: dateInPolicyZone(when),
    localTime: isoInPolicyZone(when),
    mode: 'automated',
    visitors: [VISITOR[channel]],
    safetyRisks: [],
    county: elder.region.county,
    recordedBy: 'system:phone-visit',
    recordedAt: isoInPolicyZone(deps.now()),
  };
  return visit;
}

/** Everyone the ladder may reach for an elder. */
export async function ladderFor(deps: PhoneDeps, elder: Elder): Promise<Ladder> {
  const contact: Contact | undefined = elder.contactId
    ? await getContact(deps.db, elder.contactId)
    : undefined;
  const duty = policyOf(deps, elder.region.county).escalation.dutyPhones;
  const dutyPhones = duty[elder.region.township] ?? duty['*'] ?? [];
  return {
    contact: contact ? [{ to: contact.phone, role: 'contact', ref: contact.id }] : [],
    emergency: elder.emergencyContacts.map((c, i) => ({
      to: c.phone,
      role: 'emergency',
      ref: `emergency-${i}`,
    })),
    duty: dutyPhones.map((to, i) => ({ to, role: 'duty', ref: `duty-${i}` })),
  };
}

/**
 * Opens a case (a fresh four-digit code). With a check-in, the case, the check-in's link to it and
 * the freed schedule are one transaction: nothing is half written.
 */
async function openCaseFor(
  deps: PhoneDeps,
  elder: Elder,
  reason: 'noResponse' | 'needsHelp',
  now: Date,
  link?: { checkIn: CheckIn; previousVersion: number; closes: boolean },
): Promise<CheckIn | undefined> {
  const ladder = await ladderFor(deps, elder);
  const policy = policyOf(deps, elder.region.county);
  for (let tries = 0; tries < 20; tries++) {
    const id = randomUUID();
    const t = openCase({
      id,
      code: String(randomInt(1000, 10000)),
      elderId: elder.id,
      ...(link ? { checkInId: link.checkIn.id } : {}),
      ...(link?.checkIn.campaignId ? { campaignId: link.checkIn.campaignId } : {}),
      county: elder.region.county,
      township: elder.region.township,
      reason,
      ladder,
      now,
      policy,
    });
    const checkIn = link ? { ...link.checkIn, caseId: id } : undefined;
    const closing =
      link?.closes && checkIn
        ? { nextCheckInAt: await nextCheckInAt(deps, elder, checkIn.openedAt) }
        : undefined;
    try {
      await createCase(
        deps.db,
        t.case,
        now,
        checkIn && link
          ? { checkIn, previousVersion: link.previousVersion, ...(closing ? { closing } : {}) }
          : undefined,
        checkIn && link
          ? changeCounters(deps, checkIn, elder, now, {
              closes: link.closes,
              caseOpened: Boolean(t.case.campaignId),
            })
          : [],
      );
    } catch (error) {
      if (!(error instanceof StaleItem)) throw error;
      // the code was taken, or the check-in moved on: only the first is worth another try here
      if (link) {
        const fresh = await getCheckIn(deps.db, link.checkIn.id);
        if (fresh && fresh.version !== link.previousVersion) throw error;
      }
      continue;
    }
    deps.log('case opened', { caseId: id, reason, steps: t.dispatch.length });
    await dispatchCaseSteps(deps, t);
    return checkIn && link ? { ...checkIn, version: link.previousVersion + 1 } : undefined;
  }
  throw new Error('no free case code');
}

async function dispatchCaseSteps(deps: PhoneDeps, t: CaseTransition): Promise<void> {
  if (t.dispatch.length > 0)
    await deps.queue.send(t.dispatch.map((n) => ({ kind: 'caseStep', caseId: t.case.id, n })));
}

async function commitCase(
  deps: PhoneDeps,
  before: Case,
  t: CaseTransition,
  now: Date,
  elder?: Elder,
): Promise<Case> {
  if (t.case === before) return before;
  // a campaign's case closing counts in its progress, with the change itself
  const closesCampaignCase =
    before.status !== 'closed' && t.case.status === 'closed' && t.case.campaignId !== undefined;
  const saved = await saveCase(
    deps.db,
    t.case,
    before.version,
    now,
    closesCampaignCase && t.case.campaignId
      ? [progressUpdate(deps.db, t.case.campaignId, { casesClosed: 1 })]
      : [],
  );
  await dispatchCaseSteps(deps, t);
  for (const text of t.texts) {
    const body =
      text.purpose === 'ackConfirm'
        ? ackConfirmText(saved.code)
        : caseClosedText(elder?.name ?? (await getElder(deps.db, saved.elderId))?.name ?? '', saved.code);
    await deps.queue.send([
      {
        kind: 'text',
        key: `${saved.id}-${text.purpose}-${text.n}`,
        to: text.to,
        text: body,
        purpose: text.purpose,
      },
    ]);
  }
  return saved;
}

async function upgradeCase(deps: PhoneDeps, caseId: string, elder: Elder, now: Date): Promise<void> {
  await withRetry(async () => {
    const current = await getCase(deps.db, caseId);
    if (!current) return;
    await commitCase(
      deps,
      current,
      upgradeToHelp(current, await ladderFor(deps, elder), now, policyOf(deps, current.county)),
      now,
      elder,
    );
  });
}

async function lateWell(deps: PhoneDeps, caseId: string, elder: Elder, now: Date): Promise<void> {
  await withRetry(async () => {
    const current = await getCase(deps.db, caseId);
    if (!current) return;
    await commitCase(deps, current, onLateWell(current, now), now, elder);
  });
}

// ---------------------------------------------------------------------------------------------
// Outcomes from the phone network

/**
 * Records how an attempt ended (a keypress, a hang-up code, a text reply). Safe to call again and in
 * any order: the state only moves forward.
 */
export async function recordOutcome(
  deps: PhoneDeps,
  checkInId: string,
  n: number,
  outcome: Outcome,
): Promise<void> {
  await withRetry(async () => {
    const now = deps.now();
    const current = await getCheckIn(deps.db, checkInId);
    if (!current) return;
    const elder = await getElder(deps.db, current.elderId);
    if (!elder) return;
    const t = onOutcome(current, n, outcome, now, policyOf(deps, current.county), windowsOf(deps, elder));
    await commitCheckIn(deps, current, t, elder, now);
  });
}

/**
 * A help reply on a check-in. When that leaves no open case (the check-in's case was closed by staff
 * or by a late well reply), a new case is opened and linked: a call for help is never dropped.
 */
export async function recordHelpReply(deps: PhoneDeps, checkInId: string, n: number): Promise<void> {
  await recordOutcome(deps, checkInId, n, 'help');
  await withRetry(async () => {
    const checkIn = await getCheckIn(deps.db, checkInId);
    if (!checkIn || checkIn.status === 'open') return;
    const current = checkIn.caseId ? await getCase(deps.db, checkIn.caseId) : undefined;
    if (current && current.status !== 'closed') return;
    const elder = await getElder(deps.db, checkIn.elderId);
    if (!elder) return;
    await openCaseFor(deps, elder, 'needsHelp', deps.now(), {
      checkIn,
      previousVersion: checkIn.version,
      closes: false,
    });
  });
}

/** A relative pressed 1 on an escalation call, or texted the case code: the ladder stops. */
export async function acknowledgeCase(deps: PhoneDeps, caseId: string, from: string): Promise<boolean> {
  return withRetry(async () => {
    const current = await getCase(deps.db, caseId);
    if (!current) return false;
    const t = acknowledge(current, from, deps.now());
    if (t.case === current) return false;
    await commitCase(deps, current, t, deps.now());
    deps.log('case acknowledged', { caseId, role: t.case.steps.find((s) => s.to === from)?.role });
    return true;
  });
}

/** The open case named by a code, when `from` is one of its recipients. */
export async function caseForCode(deps: PhoneDeps, code: string, from: string): Promise<Case | undefined> {
  const caseId = await caseIdByCode(deps.db, code);
  const c = caseId ? await getCase(deps.db, caseId) : undefined;
  return c?.steps.some((s) => s.to === from) ? c : undefined;
}

/** Staff close a case with its closure. */
export async function closeCaseByStaff(
  deps: PhoneDeps,
  caseId: string,
  closure: Closure,
  by: string,
  note?: string,
): Promise<Case | undefined> {
  return withRetry(async () => {
    const current = await getCase(deps.db, caseId);
    if (!current) return undefined;
    return commitCase(deps, current, closeCase(current, closure, by, deps.now(), note), deps.now());
  });
}

/** Texts stopped (TD): an open check-in waiting on a text goes on as calls. */
export async function switchToCalls(deps: PhoneDeps, checkInId: string): Promise<void> {
  await withRetry(async () => {
    const now = deps.now();
    const current = await getCheckIn(deps.db, checkInId);
    if (!current) return;
    const elder = await getElder(deps.db, current.elderId);
    if (!elder) return;
    await commitCheckIn(
      deps,
      current,
      onOptOut(current, now, policyOf(deps, current.county), windowsOf(deps, elder)),
      elder,
      now,
    );
  });
}

/** Help asked outside any check-in (an unsolicited text 2): a case at once. */
export async function helpWithoutCheckIn(deps: PhoneDeps, elder: Elder): Promise<void> {
  await openCaseFor(deps, elder, 'needsHelp', deps.now());
}

/** A well reply (or a missed call) outside any check-in still counts as a remote visit. */
export async function wellWithoutCheckIn(
  deps: PhoneDeps,
  elder: Elder,
  channel: VisitChannel = 'sms',
): Promise<void> {
  await recordAutomatedVisit(deps, undefined, deps.now().toISOString(), channel, elder);
}

// ---------------------------------------------------------------------------------------------
// Dispatcher

export type DispatchResult = 'placed' | 'skipped' | 'deferred' | 'failed';

export interface DispatchOptions {
  /** how long a call may wait for a free place among the calls in progress before it is deferred */
  maxWaitMs?: number;
}

const DEFAULT_WAIT_MS = 10_000;
/** a deferred call comes back on the queue after this */
const DEFER_SECONDS = 2;

/**
 * Places one job's call or text. A job delivered twice, or twice at once, places one call: the
 * attempt is claimed with a conditional write before dialing, and a claimed attempt is never dialed
 * again. Provider trouble (throttling, 5xx, timeouts) un-claims and rethrows, so the queue retries.
 */
export async function dispatchJob(
  deps: PhoneDeps,
  job: DispatchJob,
  options: DispatchOptions = {},
): Promise<DispatchResult> {
  if (job.kind === 'checkInAttempt')
    return dispatchAttempt(deps, job.checkInId, job.n, options, job.priority === true);
  if (job.kind === 'caseStep') return dispatchCaseStep(deps, job.caseId, job.n, options);
  const key = phoneKeys.outbox(job.key);
  if (!(await claimOnce(deps.db, key, deps.now()))) return 'skipped';
  try {
    await deps.pacer.smsSlot(smsParts(job.text));
    await deps.sms.sendText({
      to: job.to,
      text: job.text,
      purpose: job.purpose,
      ...(job.elderId ? { elderId: job.elderId } : {}),
    });
    deps.log('text sent', { purpose: job.purpose });
    return 'placed';
  } catch (error) {
    if (error instanceof ProviderRejected) return 'failed';
    await releaseOnce(deps.db, key);
    throw error;
  }
}

async function claimAttempt(
  deps: PhoneDeps,
  checkInId: string,
  n: number,
  status: 'placing' | 'queued',
  from: 'queued' | 'placing',
  /** the check-in as just read: tried first, read again only when another writer got there first */
  known?: CheckIn,
): Promise<CheckIn | undefined> {
  let first = known;
  return withRetry(async () => {
    const current = first ?? (await getCheckIn(deps.db, checkInId));
    first = undefined;
    const attempt = current?.attempts[n - 1];
    if (!current || !attempt || attempt.status !== from || current.status !== 'open') return undefined;
    const next = { ...current, attempts: current.attempts.map((a) => (a.n === n ? { ...a, status } : a)) };
    return saveCheckIn(deps.db, next, current.version, deps.now());
  });
}

/** The campaign script a campaign's check-in call plays (from the cached live campaigns when there). */
async function campaignOf(
  deps: PhoneDeps,
  campaignId: string | undefined,
): Promise<StoredCampaign | undefined> {
  if (!campaignId) return undefined;
  return (
    (await liveCampaigns(deps)).find((c) => c.id === campaignId) ?? (await getCampaign(deps.db, campaignId))
  );
}

async function dispatchAttempt(
  deps: PhoneDeps,
  checkInId: string,
  n: number,
  options: DispatchOptions,
  priority = false,
): Promise<DispatchResult> {
  const peek = await getCheckIn(deps.db, checkInId);
  const attempt = peek?.attempts[n - 1];
  if (!peek || !attempt || attempt.status !== 'queued' || peek.status !== 'open') return 'skipped';
  if (attempt.channel === 'voice' && deps.pause) {
    // the carrier is failing in this county: nothing is dialled; the attempt's lease brings it back
    const health = await deps.pause(peek.county, deps.now());
    if (health.paused) {
      deps.log('dialling paused: carrier faults', {
        county: peek.county,
        share: health.share,
        attempts: health.attempts,
      });
      return 'deferred';
    }
  }
  const elder = await getElder(deps.db, peek.elderId);
  if (!elder || !receivesCheckIns(elder)) {
    // refused or inactive since the check-in opened: nothing is placed
    await recordOutcome(deps, checkInId, n, 'failed');
    return 'skipped';
  }
  if (attempt.channel === 'sms' && (await getSchedule(deps.db, peek.elderId))?.smsOptOut) {
    await recordOutcome(deps, checkInId, n, 'failed');
    return 'skipped';
  }
  // a campaign's check-in carries the campaign's message (the reply keys stay)
  const campaign = await campaignOf(deps, peek.campaignId);
  const text = attempt.channel === 'sms' ? checkInText(elder.name, campaign?.messages.text) : '';
  // a job delivered late (retries, an outage) waits: the check-in's lease plans it in the next window
  const now = deps.now();
  if (nextWindowStart(now, windowsOf(deps, elder)).getTime() !== now.getTime()) return 'deferred';
  const context: CallContext = { purpose: 'checkIn', ref: checkInId, n, county: peek.county };
  // Taishanese has no text-to-speech: a synthesised prompt speaks Cantonese (carriers play recordings)
  const language = spokenLanguage(elder.language);
  const prompt = checkInCallPrompt(
    { name: elder.name, language, village: elder.region.village },
    campaign?.messages.call[language],
  );
  const token = callToken(context);
  if (attempt.channel === 'voice') {
    // a place among the calls in progress first, then the next per-second slot
    const place = await deps.pacer.waitForCall(token, options.maxWaitMs ?? DEFAULT_WAIT_MS, priority);
    if (place === undefined) {
      await deps.queue.send(
        [{ kind: 'checkInAttempt', checkInId, n, ...(priority ? { priority: true as const } : {}) }],
        DEFER_SECONDS,
      );
      return 'deferred';
    }
    context.place = place;
    await deps.pacer.callSlot();
  } else {
    await deps.pacer.smsSlot(smsParts(text));
  }
  const claimed = await claimAttempt(deps, checkInId, n, 'placing', 'queued', peek);
  if (!claimed) {
    if (attempt.channel === 'voice') await deps.pacer.endCall(token, context.place);
    return 'skipped';
  }
  let providerId: string;
  try {
    providerId =
      attempt.channel === 'voice'
        ? (await deps.voice.placeCall({ to: elder.phone, context, prompt })).providerId
        : (
            await deps.sms.sendText({
              to: elder.phone,
              text,
              purpose: 'checkIn',
              elderId: elder.id,
            })
          ).providerId;
  } catch (error) {
    if (attempt.channel === 'voice') await deps.pacer.endCall(token, context.place);
    if (error instanceof ProviderRejected) {
      await claimAttempt(deps, checkInId, n, 'queued', 'placing');
      await recordOutcome(deps, checkInId, n, 'failed');
      return 'failed';
    }
    // un-claim, so the retried job may dial; nothing was placed. A carrier that refuses calls counts
    // towards the fault share that pauses dialling.
    await claimAttempt(deps, checkInId, n, 'queued', 'placing');
    if (attempt.channel === 'voice' && error instanceof ProviderUnavailable)
      await countAttemptHealth(deps.db, peek.county, true, deps.now());
    throw error;
  }
  // saved before anything else can fail: a crash after the dial costs at most one extra call
  if (attempt.channel === 'voice') await saveCall(deps.db, providerId, context, deps.now(), prompt);
  let known: CheckIn | undefined = claimed;
  await withRetry(async () => {
    const current = known ?? (await getCheckIn(deps.db, checkInId));
    known = undefined;
    if (!current) return;
    const t = onPlaced(
      current,
      n,
      providerId,
      deps.now(),
      policyOf(deps, current.county),
      windowsOf(deps, elder),
    );
    // today's calls placed / texts sent count with the change that records the placing
    if (t.checkIn !== current)
      await saveCheckIn(
        deps.db,
        t.checkIn,
        current.version,
        deps.now(),
        undefined,
        [],
        [
          statsUpdate(deps.db, placeOf(elder, deps.now()), {
            [attempt.channel === 'voice' ? 'callsPlaced' : 'textsSent']: 1,
          }),
        ],
      );
  });
  deps.log('attempt placed', { checkInId, n, channel: attempt.channel, ...(priority ? { priority } : {}) });
  return 'placed';
}

async function dispatchCaseStep(
  deps: PhoneDeps,
  caseId: string,
  n: number,
  options: DispatchOptions,
): Promise<DispatchResult> {
  const setStep = (status: 'placing' | 'queued' | 'sent' | 'failed', from: string, providerId?: string) =>
    withRetry(async () => {
      const current = await getCase(deps.db, caseId);
      const step = current?.steps[n];
      if (!current || !step || step.status !== from) return undefined;
      const next: Case = {
        ...current,
        steps: current.steps.map((s) =>
          s.n === n ? { ...s, status, ...(providerId ? { providerId } : {}) } : s,
        ),
      };
      return saveCase(deps.db, next, current.version, deps.now());
    });
  const claimed = await setStep('placing', 'queued');
  const step = claimed?.steps[n];
  if (!claimed || !step) return 'skipped';
  if (claimed.status === 'closed' || (claimed.status === 'acknowledged' && step.level > 1)) {
    await setStep('failed', 'placing');
    return 'skipped';
  }
  const elder = await getElder(deps.db, claimed.elderId);
  if (!elder) return 'skipped';
  try {
    let providerId: string;
    if (step.channel === 'sms') {
      const text = caseText({
        name: elder.name,
        village: elder.region.village,
        phone: dialable(elder.phone),
        reason: claimed.reason,
        code: claimed.code,
      });
      await deps.pacer.smsSlot(smsParts(text));
      providerId = (await deps.sms.sendText({ to: step.to, text, purpose: 'escalation', elderId: elder.id }))
        .providerId;
    } else {
      const context: CallContext = { purpose: 'notify', ref: caseId, n, county: claimed.county };
      const prompt = notifyCallPrompt({ name: elder.name, village: elder.region.village }, claimed.reason);
      const token = callToken(context);
      // escalation calls are urgent: they may use the places kept for priority
      const place = await deps.pacer.waitForCall(token, options.maxWaitMs ?? DEFAULT_WAIT_MS, true);
      if (place === undefined) {
        await setStep('queued', 'placing');
        await deps.queue.send([{ kind: 'caseStep', caseId, n }], DEFER_SECONDS);
        return 'deferred';
      }
      context.place = place;
      await deps.pacer.callSlot();
      try {
        providerId = (await deps.voice.placeCall({ to: step.to, context, prompt })).providerId;
      } catch (error) {
        await deps.pacer.endCall(token, place);
        throw error;
      }
      await saveCall(deps.db, providerId, context, deps.now(), prompt);
    }
    await setStep('sent', 'placing', providerId);
    deps.log('case step sent', {
      caseId,
      n,
      ladderLevel: step.level,
      channel: step.channel,
      role: step.role,
    });
    return 'placed';
  } catch (error) {
    if (error instanceof ProviderRejected) {
      await setStep('failed', 'placing');
      return 'failed';
    }
    await setStep('queued', 'placing');
    throw error;
  }
}

/** A call hung up (or its end was inferred): its place among the calls in progress is free. */
export async function callEnded(deps: PhoneDeps, context: CallContext): Promise<void> {
  await deps.pacer.endCall(callToken(context), context.place);
}

/** What a call's place among the calls in progress is held under. */
export const callToken = (context: Pick<CallContext, 'purpose' | 'ref' | 'n'>) =>
  `${context.purpose}#${context.ref}#${context.n}`;

/** How a normalised call outcome counts for the check-in attempt. */
export function attemptOutcome(outcome: CallOutcome): Outcome {
  switch (outcome.kind) {
    case 'key1':
      return 'well';
    case 'key2':
      return 'help';
    case 'otherKey':
      return 'noInput';
    case 'spoken':
      // only a clear "well" counts; anything unclear is as if no key was pressed
      return outcome.confidence >= SPOKEN_WELL_CONFIDENCE && replyMeaning(outcome.phrase) === 'well'
        ? 'well'
        : 'noInput';
    case 'noAnswer':
      return 'noAnswer';
    case 'busy':
      return 'busy';
    case 'refused':
      return 'failed';
    case 'providerFailure':
      return 'providerFault';
  }
}

/**
 * The one entry for a call's outcome, from any carrier's adapter (Chime's SIP media application at
 * hang-up, a mainland carrier's HTTP callback). Safe to call again and in any order. A check-in call's
 * outcome counts towards its county's carrier-fault share when it is final (`final`: the adapter's
 * report at the call's end, so each attempt counts once).
 */
export async function reportCallOutcome(
  deps: PhoneDeps,
  context: CallContext,
  outcome: CallOutcome,
  final = true,
): Promise<void> {
  if (context.purpose === 'notify') {
    if (outcome.kind !== 'key1') return;
    const step = (await getCase(deps.db, context.ref))?.steps[context.n];
    if (step) await acknowledgeCase(deps, context.ref, step.to);
    return;
  }
  const meaning = attemptOutcome(outcome);
  if (outcome.kind === 'providerFailure')
    deps.log('carrier fault on a call', {
      checkInId: context.ref,
      n: context.n,
      code: outcome.code,
      ...(outcome.message ? { carrierMessage: outcome.message.slice(0, 200) } : {}),
    });
  if (meaning === 'help') await recordHelpReply(deps, context.ref, context.n);
  else await recordOutcome(deps, context.ref, context.n, meaning);
  if (final && context.county)
    await countAttemptHealth(deps.db, context.county, meaning === 'providerFault', deps.now());
}
