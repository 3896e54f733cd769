import { type CampaignInput, type CampaignStatus, campaignSchema } from '../../shared/campaigns/campaign.js';
import { type StoredCampaign, saveCampaign } from '../../shared/store/campaigns.js';
import type { Db } from '../../shared/store/client.js';

let sequence = 0;

/** A typhoon campaign for one township of Pengjiang, daily for A and B, with overrides. */
export function aCampaign(overrides: Partial<CampaignInput> = {}) {
  sequence++;
  return campaignSchema.parse({
    id: `typhoon-${sequence}-${Math.random().toString(36).slice(2, 8)}`,
    title: '台风测试',
    kind: 'typhoon',
    target: {
      counties: ['440703'],
      townships: [{ county: '440703', township: '潮连街道' }],
      categories: ['A', 'B'],
    },
    window: { start: '2025-07-03T08:00:00+08:00', end: '2025-07-06T08:00:00+08:00' },
    cadence: { A: { everyHours: 24 }, B: { everyHours: 24 } },
    messages: {
      call: { yue: '台风就嚟，请关好门窗，唔好出街。', cmn: '台风将至，请关好门窗，不要外出。' },
      text: '台风将至，请关好门窗，不要外出。',
    },
    createdBy: 'countyAdmin:test',
    createdAt: '2025-07-01T00:00:00+08:00',
    ...overrides,
  });
}

/** Stores a campaign in the given status (as the campaign API leaves it). */
export async function storeCampaign(
  db: Db,
  campaign: ReturnType<typeof aCampaign>,
  status: CampaignStatus,
  previous?: StoredCampaign,
): Promise<StoredCampaign> {
  return saveCampaign(
    db,
    { ...campaign, status, updatedAt: '2025-07-01T00:00:00.000Z', updatedBy: 'countyAdmin:test' },
    previous?.version,
  );
}
