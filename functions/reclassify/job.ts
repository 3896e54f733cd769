import type { Logger } from '@aws-lambda-powertools/logger';
import { type RegisterDeps, reclassifyOnAgeLines } from '../../shared/register/service.js';
import { addDaysIso, dateInPolicyZone } from '../../shared/time.js';

/** Days looked back, so a day the job did not run is caught up the next day. */
export const CATCH_UP_DAYS = 7;

/**
 * The daily job: re-classifies the elders whose 80th birthday is today (in Asia/Shanghai) or fell on
 * one of the days before it that a missed run may have skipped.
 */
export function makeReclassifyJob(deps: RegisterDeps & { now: () => Date }, logger: Logger) {
  return async (): Promise<{ checked: number; changed: number }> => {
    const now = deps.now();
    const today = dateInPolicyZone(now);
    const dates = Array.from({ length: CATCH_UP_DAYS + 1 }, (_, i) => addDaysIso(today, -i));
    const result = await reclassifyOnAgeLines(deps, dates, { actor: 'system:age-line', now });
    logger.info('age-line reclassification', { today, ...result });
    return result;
  };
}
