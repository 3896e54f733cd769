import type { PolicyConfig } from '../config.js';
import { hasLossOfAbility } from '../policy/classify.js';
import type { Category } from '../registration/fields.js';
import { type AudienceRow, type ReadMeter, readAudienceRows } from '../store/campaigns.js';
import type { Db } from '../store/client.js';
import { receivesCheckIns } from '../store/elders.js';
import type { Campaign } from './campaign.js';
import type { AudienceMember } from './preview.js';

/** How many county-and-category queries run at once by default (each reads its pages in turn). */
export const AUDIENCE_CONCURRENCY = 3;

/**
 * One elder record as the preview sees it, or undefined when the elder receives no check-ins (refused,
 * moved, died or left): they are not called by a campaign either.
 * - channel: a text when the elder chose texts and has not opted out of them, else a call (as the planner does)
 * - livingAlone: lives alone; lossOfAbility: at or above the county's threshold grade;
 *   noContact: no paired visit contact
 */
export function audienceMember(
  row: AudienceRow,
  policy: Pick<PolicyConfig, 'lossOfAbilityFrom'>,
): AudienceMember | undefined {
  if (!receivesCheckIns(row)) return undefined;
  const county = row.region.county;
  const member: AudienceMember = {
    county,
    township: row.region.township,
    category: row.category,
    channel: row.channel === 'sms' && row.smsOptOut !== true ? 'sms' : 'voice',
    flags: {
      livingAlone: row.living === 'alone',
      lossOfAbility: hasLossOfAbility(row.ability, policy.lossOfAbilityFrom(county)),
      noContact: !row.contactId,
    },
  };
  return member;
}

/**
 * The elders a campaign's target could reach: every targeted county's elders of the targeted
 * categories who receive check-ins (townships and flags are left to `inTarget` in the preview). Reads
 * one projected gsi1 query per county and category, several at once; `meter` gathers their capacity.
 */
export async function readAudience(
  deps: { db: Db; policy: Pick<PolicyConfig, 'lossOfAbilityFrom'> },
  target: Pick<Campaign['target'], 'counties' | 'categories'>,
  meter: ReadMeter = { units: 0, pages: 0 },
  concurrency = AUDIENCE_CONCURRENCY,
): Promise<AudienceMember[]> {
  const parts: { county: string; category: Category }[] = [...new Set(target.counties)].flatMap((county) =>
    [...new Set(target.categories)].map((category) => ({ county, category })),
  );
  const results: AudienceMember[][] = new Array(parts.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, parts.length)) }, async () => {
      for (let i = next++; i < parts.length; i = next++) {
        const { county, category } = parts[i] as { county: string; category: Category };
        const rows = await readAudienceRows(deps.db, county, category, meter);
        const members: AudienceMember[] = [];
        for (const row of rows) {
          const member = audienceMember(row, deps.policy);
          if (member) members.push(member);
        }
        results[i] = members;
      }
    }),
  );
  return results.flat();
}
