import { DomainError, ElderNotFound } from '../errors.js';
import { classify, effectiveCategory, isHigherCategory } from '../policy/classify.js';
import { reviewReasons } from '../policy/review.js';
import type { Db } from '../store/client.js';
import { getElder, listEldersByCounty } from '../store/elders.js';
import { deleteReview, getReview, putReview } from '../store/reviews.js';
import { dateInPolicyZone, isoInPolicyZone } from '../time.js';
import type { Actor, Elder } from './elder.js';
import { applyChange, type RegisterDeps, registrationOf } from './service.js';

/**
 * Lists, for staff to confirm, every elder of a county whose category the definitions in force would
 * change (new definitions, a changed county threshold), with the rules gained and lost. Changes no
 * elder. Safe to run again: each elder has one line, replaced.
 */
export async function scanForReview(
  deps: RegisterDeps,
  county: string,
  now: Date,
): Promise<{ checked: number; listed: number }> {
  const today = dateInPolicyZone(now);
  let checked = 0;
  let listed = 0;
  let cursor: string | undefined;
  do {
    const page = await listEldersByCounty(deps.db, { county, limit: 500, cursor });
    for (const elder of page.items) {
      if (elder.status !== 'active') continue;
      checked++;
      const result = classify(elder, today, deps.policy);
      if (!result.category) continue;
      const proposed = effectiveCategory(result.category, elder.categoryOverride?.category);
      if (proposed === elder.category) continue;
      listed++;
      await putReview(deps.db, {
        elderId: elder.id,
        name: elder.name,
        county: elder.region.county,
        township: elder.region.township,
        current: elder.category,
        proposed,
        direction: isHigherCategory(proposed, elder.category) ? 'raise' : 'lower',
        source: elder.heldCategory ? (elder.heldCategory.source as 'update') : 'definitions',
        reasons: reviewReasons(elder.rules, result.rules),
        at: isoInPolicyZone(now),
      });
    }
    cursor = page.cursor;
  } while (cursor);
  return { checked, listed };
}

/**
 * A person's decision on an elder of the review list, audited (action `review`, with the reason):
 * `accept` applies the category the definitions give (a lowering applies only this way); `keep` keeps
 * the category in force as an administrator's raise with the reason (for a proposed lowering only).
 */
export async function decideReview(
  deps: RegisterDeps & { db: Db },
  elderId: string,
  decision: { decision: 'accept' | 'keep'; reason: string },
  by: Actor,
): Promise<Elder> {
  const elder = await getElder(deps.db, elderId);
  if (!elder) throw new ElderNotFound(elderId);
  const item = await getReview(deps.db, elder.region.county, elderId);
  if (!item) throw new DomainError('review.notListed', 422, 'elderId');
  if (decision.decision === 'keep' && item.direction === 'raise')
    throw new DomainError('review.notListed', 422, 'decision');
  const after =
    decision.decision === 'accept'
      ? await applyChange(
          deps,
          elder,
          registrationOf(elder),
          { fields: [], confirmed: true, reason: decision.reason },
          by,
          'review',
        )
      : await applyChange(
          deps,
          elder,
          registrationOf(elder),
          {
            fields: [],
            categoryOverride: {
              category: elder.heldCategory?.category ?? elder.category,
              reason: decision.reason,
            },
          },
          by,
          'review',
        );
  await deleteReview(deps.db, elder.region.county, elderId);
  return after;
}
