import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { isoInPolicyZone, POLICY_TIME_ZONE } from '../time.js';
import type { CampaignAction, CampaignScheduler } from './scheduler.js';

export { SchedulerClient };

/** What the adapter needs of the SDK client (a fake in unit tests). */
export interface SchedulerSend {
  send(command: CreateScheduleCommand | UpdateScheduleCommand | DeleteScheduleCommand): Promise<unknown>;
}

export interface AwsCampaignSchedulerOptions {
  client: SchedulerSend;
  /** the schedule group the campaigns' schedules live in */
  group: string;
  /** the role Scheduler assumes to invoke the campaigns function */
  roleArn: string;
  /** the campaigns function */
  functionArn: string;
  /** where Scheduler puts an invocation it could not deliver */
  deadLetterArn?: string | undefined;
  /** the clock: a schedule is never set in the past */
  now: () => Date;
}

/** Scheduler's names: letters, digits, - _ . and at most 64 characters. */
export function scheduleName(campaignId: string, action: CampaignAction['action']): string {
  const name = `anxin-${campaignId}-${action}`;
  if (name.length <= 64 && /^[0-9A-Za-z_.-]+$/.test(name)) return name;
  return `anxin-${createHash('sha256').update(campaignId).digest('hex').slice(0, 40)}-${action}`;
}

/** The soonest a new schedule is set: a schedule's time must not pass while it is being created. */
export const MIN_LEAD_MS = 60_000;

/**
 * A one-time `at()` expression in Asia/Shanghai local time (Scheduler reads it in the zone given beside
 * it), rounded up to the whole second so it never fires before the instant.
 * @example atExpression(new Date('2025-07-03T00:00:00Z')) // 'at(2025-07-03T08:00:00)'
 */
export function atExpression(instant: Date): string {
  const second = new Date(Math.ceil(instant.getTime() / 1000) * 1000);
  return `at(${isoInPolicyZone(second).slice(0, 19)})`;
}

/**
 * The campaigns' start and finish as one-time EventBridge Scheduler schedules that invoke the campaigns
 * function with `{ campaignId, action }` and delete themselves once they have run.
 */
export function awsCampaignScheduler(options: AwsCampaignSchedulerOptions): CampaignScheduler {
  const input = (
    campaignId: string,
    action: CampaignAction['action'],
    at: Date,
  ): CreateScheduleCommandInput => {
    const earliest = new Date(options.now().getTime() + MIN_LEAD_MS);
    const payload: CampaignAction = { campaignId, action };
    return {
      Name: scheduleName(campaignId, action),
      GroupName: options.group,
      Description: `Anxin campaign ${action}`,
      ScheduleExpression: atExpression(at < earliest ? earliest : at),
      ScheduleExpressionTimezone: POLICY_TIME_ZONE,
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: options.functionArn,
        RoleArn: options.roleArn,
        Input: JSON.stringify(payload),
        // a start or finish delivered late is still right (the runner checks the window); the
        // planner's sweep does it anyway when every try fails
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        ...(options.deadLetterArn ? { DeadLetterConfig: { Arn: options.deadLetterArn } } : {}),
      },
    };
  };
  /** creates the schedule, or replaces the one of that name (a campaign scheduled again) */
  const put = async (request: CreateScheduleCommandInput) => {
    try {
      await options.client.send(new CreateScheduleCommand(request));
    } catch (error) {
      if ((error as Error).name !== 'ConflictException') throw error;
      await options.client.send(new UpdateScheduleCommand(request));
    }
  };
  const remove = async (campaignId: string, action: CampaignAction['action']) => {
    try {
      await options.client.send(
        new DeleteScheduleCommand({ Name: scheduleName(campaignId, action), GroupName: options.group }),
      );
    } catch (error) {
      // it has run (and deleted itself), or was never made
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
  };
  return {
    async schedule(campaign) {
      await put(input(campaign.id, 'start', campaign.startAt));
      await put(input(campaign.id, 'finish', campaign.endAt));
    },
    async unschedule(campaignId) {
      await remove(campaignId, 'start');
      await remove(campaignId, 'finish');
    },
  };
}
