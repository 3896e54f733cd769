import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { type RunResult, runWithin } from '../../shared/campaigns/run.js';
import type { CampaignAction } from '../../shared/campaigns/scheduler.js';
import { loadCampaignQueueConfig } from '../../shared/config.js';
import { awsPhoneDeps } from '../phone/deps.js';

const { deps, logger } = awsPhoneDeps('anxin-campaigns');
const { queueUrl } = loadCampaignQueueConfig();
const sqs = new SQSClient({});

const actionSchema = z.strictObject({
  campaignId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  action: z.enum(['start', 'finish']),
});
/** A one-time schedule's input, or the function's own queue carrying the rest of an activation. */
const eventSchema = z.union([
  actionSchema,
  z.looseObject({
    Records: z
      .array(z.looseObject({ body: z.string().max(1000) }))
      .min(1)
      .max(10),
  }),
]);

/** The rest of a long activation: a message to this function's own queue (it runs again from it). */
const continueLater = async (action: CampaignAction) => {
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(action) }));
};

/**
 * The campaigns function: a campaign's start and finish (EventBridge Scheduler one-time schedules),
 * and the continuation of an activation too large for one run. A failure throws, so the schedule or
 * the queue tries again (then its dead-letter queue): every action is safe to repeat.
 */
async function campaigns(event: unknown, context: Context): Promise<RunResult[]> {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    logger.error('campaigns: not a campaign action', { issues: parsed.error.issues.length });
    return [];
  }
  const actions =
    'Records' in parsed.data
      ? parsed.data.Records.map((r) => actionSchema.parse(JSON.parse(r.body)))
      : [parsed.data];
  const results: RunResult[] = [];
  for (const action of actions) {
    results.push(
      await runWithin(deps, action, {
        remainingMs: () => context.getRemainingTimeInMillis(),
        // a page of the register takes well under a second: stop with a minute to spare
        reserveMs: 60_000,
        continueLater,
      }),
    );
  }
  logger.info('campaigns run', { results: results.map((r) => ({ ...r })) });
  return results;
}

export const handler = middy(campaigns);
