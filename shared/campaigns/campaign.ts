import * as z from 'zod';
import { DomainError } from '../errors.js';
import { msg } from '../i18n/messages.js';
import { CATEGORIES, type Category } from '../registration/fields.js';
import { safeText } from '../text.js';
import { CAMPAIGN_KINDS, CAMPAIGN_STATUSES, type CampaignStatus } from './kinds.js';

/** Campaigns (issue 5, section 2): a temporary, higher cadence for part of the register. Pure domain. */

export * from './kinds.js';

/** The longest campaign window. */
export const MAX_WINDOW_DAYS = 31;
/** The length of a text that fits one SMS part (Chinese); longer ones are allowed up to TEXT_MAX. */
export const TEXT_SUGGESTED = 70;
export const TEXT_MAX = 500;

const county = z.string().regex(/^\d{6}$/);
const instant = z.iso.datetime({ offset: true });
const script = safeText('通话内容 call script', 2000, { multiline: true });

export const campaignTargetSchema = z
  .strictObject({
    counties: z.array(county).min(1),
    townships: z.array(z.strictObject({ county, township: safeText('镇（街道） township', 50) })).optional(),
    categories: z
      .array(z.enum(CATEGORIES))
      .min(1)
      .default([...CATEGORIES]),
    flags: z
      .strictObject({
        livingAlone: z.boolean().optional(),
        lossOfAbility: z.boolean().optional(),
        noContact: z.boolean().optional(),
      })
      .optional(),
  })
  .refine((t) => (t.townships ?? []).every((w) => t.counties.includes(w.county)), {
    message: msg('campaign.townships.notTargeted'),
    path: ['townships'],
  });

export const campaignWindowSchema = z
  .strictObject({ start: instant, end: instant })
  .refine((w) => Date.parse(w.end) > Date.parse(w.start), {
    message: msg('campaign.window.order'),
    path: ['end'],
  })
  .refine((w) => Date.parse(w.end) - Date.parse(w.start) <= MAX_WINDOW_DAYS * 86_400_000, {
    message: msg('campaign.window.tooLong'),
    path: ['end'],
  });

const cadenceEntry = z.strictObject({
  everyHours: z
    .number()
    .positive()
    .max(24 * 31),
});

/** Where a campaign came from: typed in, prefilled from a festival template, or drafted from a CAP alert. */
export const CAMPAIGN_SOURCES = ['manual', 'festival', 'cap'] as const;
export type CampaignSource = (typeof CAMPAIGN_SOURCES)[number];

/** What a CAP alert said, kept on the campaigns it drafted so the approver sees what they approve. */
export const campaignAlertSchema = z.strictObject({
  identifier: z.string().min(1).max(200),
  sender: z.string().min(1).max(200),
  sent: instant,
  /** CAP status: Actual, Exercise, System, Test or Draft */
  capStatus: z.string().min(1).max(20),
  msgType: z.string().min(1).max(20),
  severity: z.string().min(1).max(20),
  urgency: z.string().min(1).max(20),
  certainty: z.string().min(1).max(20),
  event: z.string().min(1).max(200),
  headline: z.string().max(500).optional(),
  /** the alert had no <expires>: the window's end is the default for its kind (the console says so) */
  expiresAssumed: z.boolean().optional(),
  /** the drafts of earlier alerts this one (a CAP Update) replaced */
  supersedes: z.array(z.string().min(1).max(64)).max(100).optional(),
});

/** One state change: who, when, from and to. The campaign's own audit trail. */
export const campaignChangeSchema = z.strictObject({
  at: instant,
  by: z.string().min(1),
  from: z.enum(CAMPAIGN_STATUSES).optional(),
  to: z.enum(CAMPAIGN_STATUSES),
});
export type CampaignChange = z.output<typeof campaignChangeSchema>;

/** What an administrator writes (the body of POST /api/campaigns and of the preview). */
const definition = {
  /** a short name shown in lists ("台风「海葵」台山") */
  title: safeText('活动名称 title', 60),
  kind: z.enum(CAMPAIGN_KINDS),
  target: campaignTargetSchema,
  window: campaignWindowSchema,
  /** roll call (issue 16): by when every targeted elder must be accounted for (the landfall, the eve) */
  deadline: instant.optional(),
  /** hours between check-ins during the window, by category (daily = 24, twice a day = 12) */
  cadence: z.strictObject({
    A: cadenceEntry.optional(),
    B: cadenceEntry.optional(),
    C: cadenceEntry.optional(),
  }),
  messages: z.strictObject({
    call: z.strictObject({ yue: script, cmn: script }),
    text: safeText('短信内容 text', TEXT_MAX, { multiline: true }),
  }),
};

const cadenceCovers = (c: {
  target: { categories: readonly Category[] };
  cadence: Partial<Record<Category, { everyHours: number }>>;
}) => c.target.categories.every((k) => c.cadence[k] !== undefined);
const cadenceMissing = { message: msg('campaign.cadence.missing'), path: ['cadence'] };

/** The body of POST /api/campaigns and /api/campaigns/preview; the server adds the rest. */
export const campaignBodySchema = z
  .strictObject({ ...definition, source: z.enum(['manual', 'festival']).default('manual') })
  .refine(cadenceCovers, cadenceMissing);
export type CampaignBody = z.output<typeof campaignBodySchema>;

export const campaignSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
    ...definition,
    source: z.enum(CAMPAIGN_SOURCES).default('manual'),
    /** set when the CAP endpoint drafted it */
    alert: campaignAlertSchema.optional(),
    status: z.enum(CAMPAIGN_STATUSES).default('draft'),
    /** the creator as the audit trail names them ("countyAdmin:pj-admin") */
    createdBy: z.string().min(1),
    /** the creator's stable id (Cognito sub), so nobody approves their own campaign under another role */
    createdBySub: z.string().min(1).optional(),
    createdAt: instant,
    approvedBy: z.string().min(1).optional(),
    approvedAt: instant.optional(),
    /** every state change, oldest first (creation included) */
    history: z.array(campaignChangeSchema).default([]),
  })
  .refine(cadenceCovers, cadenceMissing);

export type CampaignInput = z.input<typeof campaignSchema>;
export type Campaign = z.output<typeof campaignSchema>;

/** The hours between rounds for a category, when the campaign calls it. */
export function cadenceHours(campaign: Campaign, category: Category): number | undefined {
  return campaign.target.categories.includes(category) ? campaign.cadence[category]?.everyHours : undefined;
}

/** True when an audience of this size needs a second administrator's approval. */
export function needsSecondApproval(preview: { audience: { total: number } }, threshold: number): boolean {
  return preview.audience.total > threshold;
}

const illegal = (from: CampaignStatus, action: string) =>
  new DomainError('campaign.transition.illegal', 409, 'status', { from, action });

/** Who acts on a campaign: the actor as the audit trail names them and, for people, their stable id. */
export interface CampaignActor {
  actor: string;
  sub?: string | undefined;
}

const loginOf = (actor: string) => actor.slice(actor.indexOf(':') + 1);

/** True when `by` is the campaign's creator: the same stable id, or the same login name under any role. */
export function isCreator(campaign: Campaign, by: CampaignActor): boolean {
  if (by.sub !== undefined && by.sub === campaign.createdBySub) return true;
  return by.actor === campaign.createdBy || loginOf(by.actor) === loginOf(campaign.createdBy);
}

/**
 * Appends the change from `before` to `after` to the campaign's history (its audit trail).
 * @example recorded(c, start(c, now, false), 'cityAdmin:alice', now).history.at(-1) // { from: 'draft', to: 'scheduled', ... }
 */
export function recorded(before: Campaign | undefined, after: Campaign, by: string, now: Date): Campaign {
  const change: CampaignChange = {
    at: now.toISOString(),
    by,
    ...(before ? { from: before.status } : {}),
    to: after.status,
  };
  return { ...after, history: [...(after.history ?? []), change] };
}

/** A second administrator approves a draft; the creator never can. */
export function approve(campaign: Campaign, by: string | CampaignActor, now: Date): Campaign {
  const approver = typeof by === 'string' ? { actor: by } : by;
  if (campaign.status !== 'draft') throw illegal(campaign.status, 'approve');
  if (isCreator(campaign, approver)) throw new DomainError('campaign.approve.byCreator', 409, 'approvedBy');
  return { ...campaign, status: 'approved', approvedBy: approver.actor, approvedAt: now.toISOString() };
}

/**
 * Starts an approved campaign, or a draft when its audience does not need a second approval: it is
 * then 'scheduled' and runs when its start schedule fires (the runner moves it to 'running').
 * `secondApprovalNeeded` is `needsSecondApproval(preview, threshold)`.
 */
export function start(campaign: Campaign, now: Date, secondApprovalNeeded: boolean): Campaign {
  if (campaign.status !== 'draft' && campaign.status !== 'approved') throw illegal(campaign.status, 'start');
  if (campaign.status === 'draft' && secondApprovalNeeded)
    throw new DomainError('campaign.start.needsApproval', 409, 'status');
  if (now.getTime() >= Date.parse(campaign.window.end))
    throw new DomainError('campaign.start.windowOver', 409, 'window.end');
  return { ...campaign, status: 'scheduled' };
}

/** When the start schedule should fire: the window's start, or now when the window has begun. */
export function startInstant(campaign: Campaign, now: Date): Date {
  return new Date(Math.max(Date.parse(campaign.window.start), now.getTime()));
}

/** The start schedule fired: a scheduled campaign runs (the window has begun and not ended). */
export function run(campaign: Campaign, now: Date): Campaign {
  if (campaign.status !== 'scheduled') throw illegal(campaign.status, 'run');
  if (now.getTime() >= Date.parse(campaign.window.end))
    throw new DomainError('campaign.start.windowOver', 409, 'window.end');
  return { ...campaign, status: 'running' };
}

export function pause(campaign: Campaign): Campaign {
  if (campaign.status !== 'running') throw illegal(campaign.status, 'pause');
  return { ...campaign, status: 'paused' };
}

export function resume(campaign: Campaign, now: Date): Campaign {
  if (campaign.status !== 'paused') throw illegal(campaign.status, 'resume');
  if (now.getTime() >= Date.parse(campaign.window.end))
    throw new DomainError('campaign.start.windowOver', 409, 'window.end');
  return { ...campaign, status: 'running' };
}

/** Cancels a campaign in any state that is not final (draft, approved, scheduled, running, paused). */
export function cancel(campaign: Campaign): Campaign {
  if (campaign.status === 'cancelled' || campaign.status === 'done') throw illegal(campaign.status, 'cancel');
  return { ...campaign, status: 'cancelled' };
}

/**
 * The window has ended: a scheduled, running or paused campaign is done and everyone returns to the
 * normal cadence.
 */
export function finish(campaign: Campaign, now: Date): Campaign {
  if (campaign.status !== 'running' && campaign.status !== 'paused' && campaign.status !== 'scheduled')
    throw illegal(campaign.status, 'finish');
  if (now.getTime() < Date.parse(campaign.window.end)) throw illegal(campaign.status, 'finish');
  return { ...campaign, status: 'done' };
}
