import * as z from 'zod';
import { DomainError } from '../errors.js';
import { msg } from '../i18n/messages.js';
import { CATEGORIES, type Category } from '../registration/fields.js';

/** Campaigns (issue 5, section 2): a temporary, higher cadence for part of the register. Pure domain. */

export const CAMPAIGN_KINDS = [
  'typhoon',
  'rainstorm',
  'heat',
  'cold',
  'festival',
  'publicHealth',
  'other',
] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

export const CAMPAIGN_STATUSES = [
  'draft',
  'approved',
  'scheduled',
  'running',
  'paused',
  'cancelled',
  'done',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** Flags a campaign may target; `true` requires the flag, `false` excludes elders who have it. */
export const CAMPAIGN_FLAGS = ['livingAlone', 'lossOfAbility', 'noContact'] as const;
export type CampaignFlag = (typeof CAMPAIGN_FLAGS)[number];

/** The longest campaign window. */
export const MAX_WINDOW_DAYS = 31;
/** The length of a text that fits one SMS part (Chinese); longer ones are allowed up to TEXT_MAX. */
export const TEXT_SUGGESTED = 70;
export const TEXT_MAX = 500;

const county = z.string().regex(/^\d{6}$/);
const instant = z.iso.datetime({ offset: true });
const script = z.string().trim().min(1).max(2000);

export const campaignTargetSchema = z
  .strictObject({
    counties: z.array(county).min(1),
    townships: z.array(z.strictObject({ county, township: z.string().trim().min(1) })).optional(),
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

export const campaignSchema = z
  .strictObject({
    id: z.string().min(1),
    kind: z.enum(CAMPAIGN_KINDS),
    target: campaignTargetSchema,
    window: campaignWindowSchema,
    /** hours between check-ins during the window, by category (daily = 24, twice a day = 12) */
    cadence: z.strictObject({
      A: cadenceEntry.optional(),
      B: cadenceEntry.optional(),
      C: cadenceEntry.optional(),
    }),
    messages: z.strictObject({
      call: z.strictObject({ yue: script, cmn: script }),
      text: z.string().trim().min(1).max(TEXT_MAX),
    }),
    status: z.enum(CAMPAIGN_STATUSES).default('draft'),
    createdBy: z.string().min(1),
    createdAt: instant,
    approvedBy: z.string().min(1).optional(),
    approvedAt: instant.optional(),
  })
  .refine((c) => c.target.categories.every((k) => c.cadence[k] !== undefined), {
    message: msg('campaign.cadence.missing'),
    path: ['cadence'],
  });

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

/** A second administrator approves a draft; the creator never can. */
export function approve(campaign: Campaign, by: string, now: Date): Campaign {
  if (campaign.status !== 'draft') throw illegal(campaign.status, 'approve');
  if (by === campaign.createdBy) throw new DomainError('campaign.approve.byCreator', 409, 'approvedBy');
  return { ...campaign, status: 'approved', approvedBy: by, approvedAt: now.toISOString() };
}

/**
 * Starts an approved campaign, or a draft when its audience does not need a second approval.
 * `secondApprovalNeeded` is `needsSecondApproval(preview, threshold)`.
 */
export function start(campaign: Campaign, now: Date, secondApprovalNeeded: boolean): Campaign {
  if (campaign.status !== 'draft' && campaign.status !== 'approved') throw illegal(campaign.status, 'start');
  if (campaign.status === 'draft' && secondApprovalNeeded)
    throw new DomainError('campaign.start.needsApproval', 409, 'status');
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

export function cancel(campaign: Campaign): Campaign {
  if (campaign.status === 'cancelled' || campaign.status === 'done') throw illegal(campaign.status, 'cancel');
  return { ...campaign, status: 'cancelled' };
}

/** The window has ended: a running or paused campaign is done and everyone returns to the normal cadence. */
export function finish(campaign: Campaign, now: Date): Campaign {
  if (campaign.status !== 'running' && campaign.status !== 'paused') throw illegal(campaign.status, 'finish');
  if (now.getTime() < Date.parse(campaign.window.end)) throw illegal(campaign.status, 'finish');
  return { ...campaign, status: 'done' };
}
