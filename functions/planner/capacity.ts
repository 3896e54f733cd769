import { readAudience } from '../../shared/campaigns/audience.js';
import { loadPhoneConfig } from '../../shared/config.js';
import { CAPACITY_METRICS, HORIZON_HOURS } from '../../shared/phone/capacity.js';
import { policyFor } from '../../shared/phone/config.js';
import type { PhoneDeps } from '../../shared/phone/engine.js';
import { listLiveCampaigns } from '../../shared/store/campaigns.js';
import { refreshForecast } from '../../shared/store/capacity.js';

/**
 * After each planner run: the demand forecast once an hour (written to the forecast item) and the
 * oldest due check-in's wait as a metric, in CloudWatch embedded metric format on one log line. Never
 * fails the run: capacity planning is advice.
 */
export async function withCapacity<T>(
  deps: Pick<PhoneDeps, 'db' | 'now' | 'log' | 'phonePolicies' | 'policy'>,
  result: T,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<T> {
  try {
    const now = deps.now();
    const { limits } = loadPhoneConfig();
    const windows = policyFor(deps.phonePolicies, '*').windows;
    const { refreshed, oldestDueAt } = await refreshForecast(
      deps.db,
      now,
      { limits, windows, horizonHours: HORIZON_HOURS },
      // scheduled and running campaigns: their rounds not on the due index yet (audience read once an hour)
      {
        live: () => listLiveCampaigns(deps.db),
        audience: (campaign) => readAudience({ db: deps.db, policy: deps.policy }, campaign.target),
      },
    );
    const minutes = oldestDueAt
      ? Math.max(0, Math.floor((now.getTime() - Date.parse(oldestDueAt)) / 60_000))
      : 0;
    write(
      JSON.stringify({
        _aws: {
          Timestamp: now.getTime(),
          CloudWatchMetrics: [
            {
              Namespace: CAPACITY_METRICS.namespace,
              Dimensions: [[]],
              Metrics: [{ Name: CAPACITY_METRICS.oldestDue, Unit: 'Count' }],
            },
          ],
        },
        [CAPACITY_METRICS.oldestDue]: minutes,
      }),
    );
    if (refreshed) deps.log('capacity forecast written', { oldestDueMinutes: minutes });
  } catch (error) {
    deps.log('capacity forecast failed', { errorName: (error as Error).name });
  }
  return result;
}
