import { type MessageKey, msg } from '../i18n/messages.js';
import type { ProviderLimits } from '../phone/config.js';
import { smsParts } from '../phone/providers.js';
import {
  type CallWindow,
  DEFAULT_WINDOWS,
  effectiveWindows,
  localInstant,
  nextWindowStart,
} from '../phone/windows.js';
import { CATEGORIES, type Category } from '../registration/fields.js';
import { dateInPolicyZone, isoInPolicyZone } from '../time.js';
import { type Campaign, type CampaignFlag, cadenceHours } from './campaign.js';

/** One elder of the register as the preview sees it (no names, no numbers). */
export interface AudienceMember {
  county: string;
  township: string;
  category: Category;
  channel: 'voice' | 'sms';
  flags: Partial<Record<CampaignFlag, boolean>>;
}

export interface PreviewOptions {
  /** the assumed mean length of a check-in call, in seconds (default 60) */
  meanCallSeconds?: number;
}

export const DEFAULT_MEAN_CALL_SECONDS = 60;

/** One round: every targeted elder whose category is due at this instant gets one call or one text. */
export interface PlannedRound {
  /** when the round starts, ISO with +08:00 (always inside a calling window) */
  start: string;
  categories: Category[];
  calls: number;
  texts: number;
  smsParts: number;
  /** how long the round takes at the provider limits */
  durationMs: number;
  /** calling-window time left on the round's day from its start (and before the campaign ends) */
  availableMs: number;
  fits: boolean;
}

export interface PreviewWarning {
  code: MessageKey;
  message: string;
  /** the round it concerns, if any */
  at?: string;
}

export type CategoryCounts = Record<Category, number>;

export interface CampaignPreview {
  audience: {
    total: number;
    byCategory: CategoryCounts;
    byCounty: Record<string, CategoryCounts & { total: number }>;
    byChannel: { voice: number; sms: number };
  };
  rounds: PlannedRound[];
  calls: number;
  texts: number;
  smsParts: number;
  /** the sum of the rounds' durations */
  totalDurationMs: number;
  longestRoundMs: number;
  warnings: PreviewWarning[];
}

const zeroCounts = (): CategoryCounts => ({ A: 0, B: 0, C: 0 });

/** True when the elder is in the campaign's target (county, township, category and flags). */
export function inTarget(campaign: Campaign, member: AudienceMember): boolean {
  const t = campaign.target;
  if (!t.counties.includes(member.county)) return false;
  const townships = (t.townships ?? []).filter((w) => w.county === member.county);
  if (townships.length > 0 && !townships.some((w) => w.township === member.township)) return false;
  if (!t.categories.includes(member.category)) return false;
  for (const [flag, wanted] of Object.entries(t.flags ?? {})) {
    if (wanted === undefined) continue;
    if ((member.flags[flag as CampaignFlag] === true) !== wanted) return false;
  }
  return true;
}

/** How long one round of `calls` calls and `parts` SMS parts takes at the provider limits, in ms. */
export function roundDurationMs(
  calls: number,
  parts: number,
  limits: ProviderLimits,
  meanCallSeconds: number,
): number {
  const callSeconds = Math.max(
    calls / limits.callsPerSecond,
    (calls * meanCallSeconds) / limits.callsInProgress,
  );
  const smsSeconds = parts / limits.smsPartsPerSecond;
  // calls and texts go through different providers, at the same time
  return Math.ceil(Math.max(callSeconds, smsSeconds) * 1000);
}

/** Calling-window time on the local day of `from`, from `from` until the windows close or `until`. */
export function windowTimeLeftMs(from: Date, until: Date, windows: readonly CallWindow[]): number {
  const own = effectiveWindows(windows.length > 0 ? windows : DEFAULT_WINDOWS);
  const eff = own.length > 0 ? own : effectiveWindows(DEFAULT_WINDOWS);
  const date = dateInPolicyZone(from);
  let total = 0;
  for (const w of eff) {
    const start = Math.max(localInstant(date, w.start).getTime(), from.getTime());
    const end = Math.min(localInstant(date, w.end).getTime(), until.getTime());
    if (end > start) total += end - start;
  }
  return total;
}

/**
 * The audience, rounds, calls and texts of a campaign over its window, and whether each round fits
 * in its day's calling windows. Rounds start at the window start and every `everyHours` after, each
 * moved to the next calling window (never in quiet hours); categories due at the same instant share a
 * round (and the provider). Retries are not counted.
 */
export function previewCampaign(
  campaign: Campaign,
  audience: readonly AudienceMember[],
  limits: ProviderLimits,
  windows: readonly CallWindow[],
  now: Date,
  options: PreviewOptions = {},
): CampaignPreview {
  const meanCallSeconds = options.meanCallSeconds ?? DEFAULT_MEAN_CALL_SECONDS;
  const byCategory = zeroCounts();
  const byCounty: CampaignPreview['audience']['byCounty'] = {};
  const voice = zeroCounts();
  const sms = zeroCounts();
  for (const m of audience) {
    if (!inTarget(campaign, m)) continue;
    byCategory[m.category] += 1;
    const county = byCounty[m.county] ?? { ...zeroCounts(), total: 0 };
    county[m.category] += 1;
    county.total += 1;
    byCounty[m.county] = county;
    (m.channel === 'sms' ? sms : voice)[m.category] += 1;
  }
  const total = byCategory.A + byCategory.B + byCategory.C;
  const partsPerText = smsParts(campaign.messages.text);

  const startMs = Date.parse(campaign.window.start);
  const endMs = Date.parse(campaign.window.end);
  const due = new Map<number, Set<Category>>();
  for (const category of CATEGORIES) {
    const hours = cadenceHours(campaign, category);
    if (hours === undefined || byCategory[category] === 0) continue;
    let last: number | undefined;
    for (let t = startMs; t < endMs; t += hours * 3_600_000) {
      // rounds already past (a campaign previewed once running) collapse into the next one from now
      const at = nextWindowStart(new Date(Math.max(t, now.getTime())), windows).getTime();
      if (at >= endMs) continue;
      // a round pushed into the next window lands near the following one: the elder is called once, as
      // the runner does (a check-in less than half a cadence after the last one is not repeated)
      if (last !== undefined && at - last < (hours * 3_600_000) / 2) continue;
      last = at;
      const set = due.get(at) ?? new Set<Category>();
      set.add(category);
      due.set(at, set);
    }
  }

  const until = new Date(endMs);
  const rounds: PlannedRound[] = [...due.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, set]) => {
      const categories = CATEGORIES.filter((c) => set.has(c));
      const calls = categories.reduce((n, c) => n + voice[c], 0);
      const texts = categories.reduce((n, c) => n + sms[c], 0);
      const parts = texts * partsPerText;
      const durationMs = roundDurationMs(calls, parts, limits, meanCallSeconds);
      const availableMs = windowTimeLeftMs(new Date(at), until, windows);
      return {
        start: isoInPolicyZone(new Date(at)),
        categories,
        calls,
        texts,
        smsParts: parts,
        durationMs,
        availableMs,
        fits: durationMs <= availableMs,
      };
    });

  const warnings: PreviewWarning[] = [];
  const warn = (code: MessageKey, at?: string) =>
    warnings.push(at === undefined ? { code, message: msg(code) } : { code, message: msg(code, at), at });
  if (total === 0) warn('campaign.preview.noAudience');
  else if (rounds.length === 0) warn('campaign.preview.noRounds');
  if (partsPerText > 1) warn('campaign.preview.textLong');
  for (const r of rounds) if (!r.fits) warn('campaign.preview.roundDoesNotFit', r.start);

  return {
    audience: { total, byCategory, byCounty, byChannel: { voice: sum(voice), sms: sum(sms) } },
    rounds,
    calls: rounds.reduce((n, r) => n + r.calls, 0),
    texts: rounds.reduce((n, r) => n + r.texts, 0),
    smsParts: rounds.reduce((n, r) => n + r.smsParts, 0),
    totalDurationMs: rounds.reduce((n, r) => n + r.durationMs, 0),
    longestRoundMs: rounds.reduce((n, r) => Math.max(n, r.durationMs), 0),
    warnings,
  };
}

const sum = (c: CategoryCounts) => c.A + c.B + c.C;
