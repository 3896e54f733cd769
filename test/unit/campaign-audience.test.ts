import { describe, expect, it } from 'vitest';
import { loadCapSecret, seesCampaign } from '../../functions/campaigns/routes.js';
import { audienceMember } from '../../shared/campaigns/audience.js';
import { loadCampaignConfig, makePolicyConfig } from '../../shared/config.js';
import type { AudienceRow } from '../../shared/store/campaigns.js';

const TAISHAN = '440781';
const row = (over: Partial<AudienceRow> = {}): AudienceRow => ({
  category: 'A',
  region: { county: TAISHAN, township: '台城街道' },
  channel: 'voice',
  living: 'alone',
  ability: 'intact',
  contactId: 'contact-1',
  consent: 'accepted',
  status: 'active',
  ...over,
});

describe('an elder record as a campaign audience member', () => {
  const policy = makePolicyConfig({}, { [TAISHAN]: 'severe' });

  it('maps place, category, channel and flags', () => {
    expect(audienceMember(row(), policy)).toEqual({
      county: TAISHAN,
      township: '台城街道',
      category: 'A',
      channel: 'voice',
      flags: { livingAlone: true, lossOfAbility: false, noContact: false },
    });
    const { contactId: _c, ...unpaired } = row({ living: 'couple', ability: 'severe' });
    expect(audienceMember(unpaired, policy)?.flags).toEqual({
      livingAlone: false,
      lossOfAbility: true,
      noContact: true,
    });
  });

  it("judges loss of ability by the county's threshold", () => {
    expect(audienceMember(row({ ability: 'moderate' }), policy)?.flags.lossOfAbility).toBe(false);
    const elsewhere = row({ ability: 'moderate', region: { county: '440703', township: '潮连街道' } });
    expect(audienceMember(elsewhere, policy)?.flags.lossOfAbility).toBe(true);
  });

  it('texts only elders who chose texts and did not opt out', () => {
    expect(audienceMember(row({ channel: 'sms' }), policy)?.channel).toBe('sms');
    expect(audienceMember(row({ channel: 'sms', smsOptOut: true }), policy)?.channel).toBe('voice');
  });

  it('leaves out elders who receive no check-ins: refused, moved, died, left', () => {
    expect(audienceMember(row({ consent: 'refused' }), policy)).toBeUndefined();
    for (const status of ['moved', 'died', 'left'] as const)
      expect(audienceMember(row({ status }), policy)).toBeUndefined();
  });
});

describe('who sees a campaign', () => {
  const city = { sub: 's1', username: 'city', role: 'cityAdmin' as const };
  const county = { sub: 's2', username: 'tai', role: 'countyAdmin' as const, county: TAISHAN };
  const operator = { ...county, role: 'townshipOperator' as const, township: '台城街道' };

  it("a county administrator only their own county's, a city administrator all, an operator none", () => {
    expect(seesCampaign(county, { counties: [TAISHAN] })).toBe(true);
    expect(seesCampaign(county, { counties: ['440783'] })).toBe(false);
    expect(seesCampaign(county, { counties: [TAISHAN, '440783'] })).toBe(false);
    expect(seesCampaign(city, { counties: [TAISHAN, '440783'] })).toBe(true);
    expect(seesCampaign(operator, { counties: [TAISHAN] })).toBe(false);
  });
});

describe('campaign configuration', () => {
  it('defaults the approval threshold to 500 and has no CAP secret unless given', () => {
    expect(loadCampaignConfig({})).toEqual({
      approvalThreshold: 500,
      capSecret: undefined,
      capSecretArn: undefined,
    });
    expect(loadCampaignConfig({ CAMPAIGN_APPROVAL_THRESHOLD: '2000' }).approvalThreshold).toBe(2000);
  });

  it('names the bad variable', () => {
    expect(() => loadCampaignConfig({ CAMPAIGN_APPROVAL_THRESHOLD: 'many' })).toThrow(
      /CAMPAIGN_APPROVAL_THRESHOLD/,
    );
    expect(() => loadCampaignConfig({ CAP_SECRET: 'short' })).toThrow(/CAP_SECRET/);
    expect(() => loadCampaignConfig({ CAP_SECRET_ARN: 'secret-name' })).toThrow(/CAP_SECRET_ARN/);
  });
});

describe('the CAP secret', () => {
  const long = 'x'.repeat(40);
  const fetched: string[] = [];
  const fetch = async (arn: string) => {
    fetched.push(arn);
    return long;
  };

  it('is CAP_SECRET when set, else read from Secrets Manager by ARN, else none', async () => {
    expect(await loadCapSecret({ capSecret: 'y'.repeat(32), capSecretArn: 'arn:x' }, fetch)).toBe(
      'y'.repeat(32),
    );
    expect(fetched).toEqual([]);
    expect(
      await loadCapSecret({ capSecret: undefined, capSecretArn: 'arn:aws:secretsmanager:x' }, fetch),
    ).toBe(long);
    expect(fetched).toEqual(['arn:aws:secretsmanager:x']);
    expect(await loadCapSecret({ capSecret: undefined, capSecretArn: undefined }, fetch)).toBeUndefined();
    await expect(
      loadCapSecret({ capSecret: undefined, capSecretArn: 'arn:x' }, async () => 'short'),
    ).rejects.toThrow(/shorter than 32/);
  });
});
