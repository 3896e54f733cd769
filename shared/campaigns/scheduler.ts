/**
 * When a campaign's window opens and closes, something must act: on AWS two one-time EventBridge
 * Scheduler schedules (Asia/Shanghai, deleted after they run) invoke the campaigns Lambda; locally the
 * local stack's timers do. The campaign API only sees this interface.
 */
export interface CampaignScheduler {
  /**
   * Creates (or replaces) the campaign's two one-time schedules: `start` at `startAt` (the window's
   * start, or a moment from now when it has already begun) and `finish` at the window's end.
   */
  schedule(campaign: { id: string; startAt: Date; endAt: Date }): Promise<void>;
  /** Deletes whichever of the campaign's schedules have not run yet (cancelled campaigns). */
  unschedule(campaignId: string): Promise<void>;
}

/** What a schedule (or the planner's safety sweep) asks the campaigns runner to do. */
export interface CampaignAction {
  campaignId: string;
  action: 'start' | 'finish';
}
