import type { PolicyConfig } from '../config.js';
import { DEFAULT_PHONE_POLICY, type PhoneVisitPolicy, policyFor } from '../phone/config.js';
import { type CallWindow, nextWindowStart } from '../phone/windows.js';
import type { Category } from '../registration/fields.js';
import { getCampaign, listLiveCampaigns, type StoredCampaign, saveCampaign } from '../store/campaigns.js';
import type { Db } from '../store/client.js';
import { listEldersByCounty, receivesCheckIns } from '../store/elders.js';
import {
  type Activation,
  getActivation,
  pullCheckInForward,
  StaleItem,
  saveActivation,
} from '../store/phone.js';
import { audienceMember } from './audience.js';
import { type CampaignStatus, cadenceHours, finish, recorded, run } from './campaign.js';
import { type AudienceMember, inTarget } from './preview.js';
import type { CampaignAction } from './scheduler.js';

/**
 * Campaign execution (issue 5, section 2): the start and finish actions a schedule (or the planner's
 * safety sweep) asks for, the activation that brings the audience's next check-ins forward to the
 * window's start, and the pure rules the phone-visit engine applies while a campaign runs (which
 * campaign an elder's check-in belongs to, and when the next one falls).
 */

/** Who the runner acts as on the campaign's audit trail. */
export const RUNNER = 'system:campaigns';

/** What the campaigns runner needs: storage, the settings, the clock and a log without personal data. */
export interface CampaignRunDeps {
  db: Db;
  policy: PolicyConfig;
  phonePolicies: Readonly<Record<string, PhoneVisitPolicy>>;
  now: () => Date;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export interface RunOptions {
  /** register pages to activate in this call; the rest is left for the next one (default: all) */
  maxPages?: number;
  /** elders per register page (default 100) */
  pageSize?: number;
}

export interface RunResult {
  campaignId: string;
  /** the campaign's status afterwards ('missing' when there is no such campaign) */
  status: CampaignStatus | 'missing';
  /** true when this call changed the campaign's status */
  changed: boolean;
  /** 'more': activation stopped at `maxPages` (or another runner is on it) and must be continued */
  activation: 'done' | 'more' | 'none';
}

// ---------------------------------------------------------------------------------------------
// Pure rules

const inWindow = (c: StoredCampaign, at: Date) =>
  at.getTime() >= Date.parse(c.window.start) && at.getTime() < Date.parse(c.window.end);

/**
 * The running campaign an elder's check-in opened at `at` belongs to: one that targets the elder and
 * whose window holds `at` (the shortest cadence for the elder's category when several do). Paused,
 * scheduled and finished campaigns claim nothing.
 */
export function campaignFor(
  campaigns: readonly StoredCampaign[],
  member: AudienceMember | undefined,
  at: Date,
): StoredCampaign | undefined {
  if (!member) return undefined;
  let best: { campaign: StoredCampaign; hours: number } | undefined;
  for (const c of campaigns) {
    if (c.status !== 'running' || !inWindow(c, at) || !inTarget(c, member)) continue;
    const hours = cadenceHours(c, member.category);
    if (hours === undefined) continue;
    if (!best || hours < best.hours) best = { campaign: c, hours };
  }
  return best?.campaign;
}

/**
 * The first of a campaign's rounds for one category at or after `from`: rounds start at the window's
 * start and every `everyHours` after, each moved into the next calling window (as the preview plans
 * them). Undefined when none is left before the window ends.
 */
export function campaignRoundAtOrAfter(
  campaign: StoredCampaign,
  category: Category,
  from: Date,
  windows: readonly CallWindow[],
): Date | undefined {
  const hours = cadenceHours(campaign, category);
  if (hours === undefined) return undefined;
  const step = hours * 3_600_000;
  const start = Date.parse(campaign.window.start);
  const end = Date.parse(campaign.window.end);
  // rounds only move later into a window, so no round before k0 can be at or after `from`
  const k0 = Math.max(0, Math.floor((from.getTime() - start) / step) - 1);
  for (let t = start + k0 * step; t < end; t += step) {
    const at = nextWindowStart(new Date(t), windows);
    if (at.getTime() >= end) return undefined;
    if (at.getTime() >= from.getTime()) return at;
  }
  return undefined;
}

/**
 * When the next check-in falls after one opened at `openedAt`: the normal cadence, or sooner when a
 * running campaign targets the elder and its next round (at least half its cadence after `openedAt`,
 * so a check-in just made is not repeated at once) falls inside its window. Past the window's end the
 * normal cadence applies by itself.
 * @example nextCheckInAfter({ openedAt, normalMs: 3 * 86_400_000, campaigns: [dailyTyphoon], member, windows }) // the next day's first window
 */
export function nextCheckInAfter(input: {
  openedAt: Date;
  normalMs: number;
  campaigns: readonly StoredCampaign[];
  /** undefined for an elder who receives no check-ins: the normal cadence */
  member: AudienceMember | undefined;
  windows: readonly CallWindow[];
}): Date {
  const { openedAt, member, windows } = input;
  let next = nextWindowStart(new Date(openedAt.getTime() + input.normalMs), windows);
  if (!member) return next;
  for (const c of input.campaigns) {
    if (c.status !== 'running' || !inTarget(c, member)) continue;
    const hours = cadenceHours(c, member.category);
    if (hours === undefined || hours * 3_600_000 >= input.normalMs) continue;
    const round = campaignRoundAtOrAfter(
      c,
      member.category,
      new Date(openedAt.getTime() + (hours * 3_600_000) / 2),
      windows,
    );
    if (round && round < next) next = round;
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// Live campaigns for the engine

/**
 * The live campaigns, read at most once per `ttlMs` (the engine asks on every check-in it opens or
 * closes; a campaign that starts or pauses is seen within a minute).
 */
export function cachedLiveCampaigns(
  db: Db,
  now: () => Date,
  ttlMs = 60_000,
): (() => Promise<StoredCampaign[]>) & { clear: () => void } {
  let cached: { at: number; campaigns: Promise<StoredCampaign[]> } | undefined;
  const read = () => {
    const t = now().getTime();
    if (!cached || t - cached.at >= ttlMs || t < cached.at) {
      const campaigns = listLiveCampaigns(db);
      cached = { at: t, campaigns };
      // a failed read is not kept
      campaigns.catch(() => {
        if (cached?.campaigns === campaigns) cached = undefined;
      });
    }
    return cached.campaigns;
  };
  return Object.assign(read, {
    clear: () => {
      cached = undefined;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Actions

const policyOf = (deps: CampaignRunDeps, county: string) =>
  policyFor(deps.phonePolicies, county) ?? DEFAULT_PHONE_POLICY;

/** Saves a status change with the runner on the audit trail; undefined when someone changed it first. */
async function move(
  deps: CampaignRunDeps,
  before: StoredCampaign,
  after: StoredCampaign,
  now: Date,
): Promise<StoredCampaign | undefined> {
  const { version, updatedAt: _u, updatedBy: _b, ...plain } = after;
  try {
    return await saveCampaign(
      deps.db,
      { ...recorded(before, plain, RUNNER, now), updatedAt: now.toISOString(), updatedBy: RUNNER },
      version,
    );
  } catch (error) {
    if (error instanceof StaleItem) return undefined;
    throw error;
  }
}

/**
 * Does what a schedule asks. `start`: a scheduled campaign runs (a campaign whose window is already
 * over is done instead), then its activation goes on from where it stopped. `finish`: a running,
 * paused or never-started campaign is done. Anything else is logged and left alone. Safe to repeat
 * and to run twice at once: status changes are versioned, activation is idempotent.
 * @example await runCampaignAction(deps, { campaignId: 'c1', action: 'start' }) // { status: 'running', changed: true, activation: 'done' }
 */
export async function runCampaignAction(
  deps: CampaignRunDeps,
  action: CampaignAction,
  options: RunOptions = {},
): Promise<RunResult> {
  const { campaignId } = action;
  let lastStatus: CampaignStatus | 'missing' = 'missing';
  for (let tries = 0; tries < 5; tries++) {
    const now = deps.now();
    const campaign = await getCampaign(deps.db, campaignId);
    if (!campaign) {
      deps.log('campaign action for a missing campaign', { campaignId, action: action.action });
      return { campaignId, status: 'missing', changed: false, activation: 'none' };
    }
    lastStatus = campaign.status;
    const ended = now.getTime() >= Date.parse(campaign.window.end);
    const finishing = action.action === 'finish' || ended;
    if (finishing) {
      if (!['scheduled', 'running', 'paused'].includes(campaign.status) || !ended) {
        deps.log('campaign action ignored', { campaignId, action: action.action, status: campaign.status });
        return { campaignId, status: campaign.status, changed: false, activation: 'none' };
      }
      const saved = await move(deps, campaign, { ...campaign, ...finish(campaign, now) }, now);
      if (!saved) continue;
      deps.log('campaign done', { campaignId, from: campaign.status });
      return { campaignId, status: saved.status, changed: true, activation: 'none' };
    }
    let current = campaign;
    let changed = false;
    if (campaign.status === 'scheduled') {
      const saved = await move(deps, campaign, { ...campaign, ...run(campaign, now) }, now);
      if (!saved) continue;
      deps.log('campaign running', { campaignId });
      current = saved;
      changed = true;
    }
    if (current.status !== 'running') {
      deps.log('campaign action ignored', { campaignId, action: action.action, status: current.status });
      return { campaignId, status: current.status, changed, activation: 'none' };
    }
    const activation = await activate(deps, current, options);
    return { campaignId, status: current.status, changed, activation };
  }
  // only a campaign changed by others five times in a row gets here: the next schedule or sweep goes on
  deps.log('campaign action gave up: changed concurrently', { campaignId, action: action.action });
  return { campaignId, status: lastStatus, changed: false, activation: 'more' };
}

/** The (county, category) parts of the register a campaign's audience is in, in a fixed order. */
function partsOf(campaign: StoredCampaign): { county: string; category: Category }[] {
  const counties = [...new Set(campaign.target.counties)].sort();
  const categories = [...campaign.target.categories].sort();
  return counties.flatMap((county) => categories.map((category) => ({ county, category })));
}

/**
 * Where activation brings check-ins forward from: the window's start, or the latest resume after a
 * pause (while paused, check-ins went back to the normal cadence; resumed, the audience rejoins the
 * campaign's rounds).
 * @example activationFrom(resumedCampaign) // the instant of its last paused → running change
 */
export function activationFrom(campaign: Pick<StoredCampaign, 'window' | 'history'>): string {
  const start = new Date(campaign.window.start).toISOString();
  const resumed = (campaign.history ?? []).filter((h) => h.from === 'paused' && h.to === 'running').at(-1);
  return resumed && Date.parse(resumed.at) > Date.parse(start) ? new Date(resumed.at).toISOString() : start;
}

/**
 * Activation: every elder of the target who receives check-ins and has no open one gets their next
 * check-in brought forward to the campaign's first round (for the elder's category, in the elder's
 * calling windows) at or after `activationFrom`: the first calling-window start at or after the
 * campaign's start, or the next round after a resume (never later than it was). A page of the
 * register at a time; the position is saved after each page, so a crash repeats at most one page, and
 * the pull is conditional, so a repeated page pulls nobody twice.
 */
async function activate(
  deps: CampaignRunDeps,
  campaign: StoredCampaign,
  options: RunOptions,
): Promise<'done' | 'more'> {
  const parts = partsOf(campaign);
  const from = activationFrom(campaign);
  const pageSize = options.pageSize ?? 100;
  let state: Activation | undefined = await getActivation(deps.db, campaign.id);
  // a pass for another instant (before a pause) is over: a new pass starts from the beginning
  const current = state?.from === from ? state : undefined;
  if (current?.done) return 'done';
  let pages = 0;
  let position = { part: current?.part ?? 0, cursor: current?.cursor };
  let seen = current?.seen ?? 0;
  let pulled = current?.pulled ?? 0;
  while (position.part < parts.length) {
    if (options.maxPages !== undefined && pages >= options.maxPages) return 'more';
    const { county, category } = parts[position.part] as { county: string; category: Category };
    const page = await listEldersByCounty(deps.db, {
      county,
      category,
      limit: pageSize,
      cursor: position.cursor,
    });
    const now = deps.now();
    const moved = await Promise.all(
      page.items.map(async (elder) => {
        // undefined: the elder receives no check-ins (refused, moved, died or left)
        const member = audienceMember(elder, deps.policy);
        if (!member || !receivesCheckIns(elder) || !inTarget(campaign, member)) return false;
        const windows =
          elder.callWindows && elder.callWindows.length > 0
            ? elder.callWindows
            : policyOf(deps, elder.region.county).windows;
        const at = campaignRoundAtOrAfter(campaign, elder.category, new Date(from), windows);
        return at ? pullCheckInForward(deps.db, elder.id, at.toISOString(), now) : false;
      }),
    );
    pages++;
    seen += page.items.length;
    pulled += moved.filter(Boolean).length;
    position = page.cursor
      ? { part: position.part, cursor: page.cursor }
      : { part: position.part + 1, cursor: undefined };
    const done = position.part >= parts.length;
    const next: Omit<Activation, 'step'> = {
      campaignId: campaign.id,
      from,
      part: position.part,
      ...(position.cursor ? { cursor: position.cursor } : {}),
      done,
      seen,
      pulled,
      updatedAt: now.toISOString(),
    };
    if (!(await saveActivation(deps.db, next, state?.step))) {
      // another runner saved this step first: it carries on from there
      deps.log('campaign activation continued elsewhere', { campaignId: campaign.id });
      return 'more';
    }
    state = { ...next, step: (state?.step ?? 0) + 1 };
  }
  if (!state?.done || state.from !== from) {
    // an empty target: nothing to read, but the activation is over all the same
    await saveActivation(
      deps.db,
      {
        campaignId: campaign.id,
        from,
        part: parts.length,
        done: true,
        seen,
        pulled,
        updatedAt: deps.now().toISOString(),
      },
      state?.step,
    );
  }
  deps.log('campaign activated', { campaignId: campaign.id, seen, pulled });
  return 'done';
}

/**
 * The safety sweep, run with every planner run: a scheduled campaign whose start has passed starts,
 * one whose end has passed finishes, and a running one whose activation is unfinished goes on (at most
 * `maxPages` pages per run), so a lost or late schedule never leaves a campaign stuck.
 */
export async function sweepCampaigns(
  deps: CampaignRunDeps,
  options: RunOptions = { maxPages: 20 },
): Promise<RunResult[]> {
  const now = deps.now().getTime();
  const results: RunResult[] = [];
  for (const c of await listLiveCampaigns(deps.db)) {
    try {
      if (now >= Date.parse(c.window.end)) {
        results.push(await runCampaignAction(deps, { campaignId: c.id, action: 'finish' }, options));
      } else if (c.status === 'scheduled' && now >= Date.parse(c.window.start)) {
        results.push(await runCampaignAction(deps, { campaignId: c.id, action: 'start' }, options));
      } else if (c.status === 'running') {
        const activation = await getActivation(deps.db, c.id);
        if (activation?.done && activation.from === activationFrom(c)) continue;
        results.push(await runCampaignAction(deps, { campaignId: c.id, action: 'start' }, options));
      }
    } catch (error) {
      // one campaign must not stop the others (nor the planner): the next sweep tries again
      deps.log('campaign sweep failed', { campaignId: c.id, errorName: (error as Error).name });
    }
  }
  return results;
}

/**
 * Runs an action within a function's time limit: activation a few pages at a time while more than
 * `reserveMs` is left, then, if it is not finished, hands the rest to `continueLater` (on AWS a
 * message to the campaigns function's own queue). Locally there is no limit: use runCampaignAction.
 */
export async function runWithin(
  deps: CampaignRunDeps,
  action: CampaignAction,
  budget: {
    remainingMs: () => number;
    reserveMs: number;
    continueLater: (action: CampaignAction) => Promise<void>;
    /** register pages per step (10 unless given) and elders per page (the runner's default unless given) */
    pagesPerStep?: number;
    pageSize?: number;
  },
): Promise<RunResult> {
  const step: RunOptions = {
    maxPages: budget.pagesPerStep ?? 10,
    ...(budget.pageSize ? { pageSize: budget.pageSize } : {}),
  };
  let result = await runCampaignAction(deps, action, step);
  while (result.activation === 'more' && budget.remainingMs() > budget.reserveMs) {
    result = await runCampaignAction(deps, { campaignId: action.campaignId, action: 'start' }, step);
  }
  if (result.activation === 'more') {
    await budget.continueLater({ campaignId: action.campaignId, action: 'start' });
    deps.log('campaign activation continues in a next run', { campaignId: action.campaignId });
  }
  return result;
}
