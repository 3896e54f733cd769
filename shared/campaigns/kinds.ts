/**
 * A campaign's enumerations, without dependencies so the web console can bundle them (no zod);
 * shared/campaigns/campaign.ts re-exports them with its schema.
 */

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

/**
 * Flags a campaign may target; `true` requires the flag, `false` excludes elders who have it.
 * livingAlone: lives alone; lossOfAbility: ability at or above the county's threshold grade;
 * noContact: no paired visit contact (nobody visits them in person).
 */
export const CAMPAIGN_FLAGS = ['livingAlone', 'lossOfAbility', 'noContact'] as const;
export type CampaignFlag = (typeof CAMPAIGN_FLAGS)[number];
