import { type CampaignRunDeps, type RunResult, runCampaignAction } from '../shared/campaigns/run.js';
import type { CampaignAction, CampaignScheduler } from '../shared/campaigns/scheduler.js';
import type { Timeline } from './phone/timeline.js';

/**
 * The campaigns' start and finish on this machine: timers on the local timeline that run the same
 * runner the campaigns Lambda runs on AWS, at the same instants. Timers do not survive a restart: the
 * planner's sweep (every run) starts and finishes whatever a lost timer left behind.
 */
/** How often and how soon a start that found its campaign not yet saved as scheduled looks again. */
const EARLY_RETRIES = 10;
const EARLY_RETRY_MS = 500;

export function localCampaignScheduler(
  deps: CampaignRunDeps,
  timeline: Timeline,
  options: {
    onResult?: (result: RunResult) => void;
    /** the runner (runCampaignAction unless given) */
    run?: typeof runCampaignAction;
  } = {},
): CampaignScheduler & { pending: () => CampaignAction[] } {
  /** the timers of a campaign's latest schedule; an older or cancelled one does nothing when it fires */
  const booked = new Map<string, { generation: number; actions: Set<CampaignAction['action']> }>();
  let generation = 0;
  const act =
    (campaignId: string, action: CampaignAction['action'], mine: number, tries = 0) =>
    async () => {
      const current = booked.get(campaignId);
      if (!current || current.generation !== mine) return;
      current.actions.delete(action);
      // the whole activation at once: there is no Lambda time limit here
      const result = await (options.run ?? runCampaignAction)(deps, { campaignId, action });
      options.onResult?.(result);
      // The API books the schedules before it saves the campaign as scheduled (AWS never fires a schedule
      // sooner than a minute ahead, so there it always finds it saved); here the timer may be first: look
      // again shortly, a few times, instead of leaving the start to the planner's next sweep.
      const early = action === 'start' && (result.status === 'draft' || result.status === 'approved');
      if (early && tries < EARLY_RETRIES && booked.get(campaignId)?.generation === mine) {
        current.actions.add(action);
        timeline.at(
          new Date(timeline.now().getTime() + EARLY_RETRY_MS),
          act(campaignId, action, mine, tries + 1),
        );
      }
    };
  return {
    async schedule({ id, startAt, endAt }) {
      const mine = ++generation;
      booked.set(id, { generation: mine, actions: new Set(['start', 'finish']) });
      timeline.at(startAt, act(id, 'start', mine));
      timeline.at(endAt, act(id, 'finish', mine));
    },
    async unschedule(campaignId) {
      booked.delete(campaignId);
    },
    pending: () =>
      [...booked.entries()].flatMap(([campaignId, b]) =>
        [...b.actions].map((action) => ({ campaignId, action })),
      ),
  };
}
