import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { awsCampaignScheduler } from '../../shared/campaigns/aws-scheduler.js';
import {
  loadCampaignConfig,
  loadCampaignRunConfig,
  loadConfig,
  loadPhoneConfig,
  loadSignalsConfig,
} from '../../shared/config.js';
import { secretsManagerFetcher } from '../../shared/homevisits/links.js';
import { createDb } from '../../shared/store/client.js';
import { loadCapSecret } from '../campaigns/routes.js';
import { makeAdminApi } from './app.js';

// read once per cold start; a bad variable fails here with its name
const config = loadConfig();
const phone = loadPhoneConfig();
const campaigns = loadCampaignConfig();
const schedules = loadCampaignRunConfig();
const db = createDb({ tableName: config.tableName, endpoint: config.dynamodbEndpoint });
const now = () => new Date();

export const handler = makeAdminApi({
  db,
  policy: config.policy,
  now,
  // campaigns: their one-time start and finish schedules, the CAP feed's secret, approval and preview
  scheduler: awsCampaignScheduler({
    client: new SchedulerClient({}),
    group: schedules.schedulerGroup,
    roleArn: schedules.schedulerRoleArn,
    functionArn: schedules.campaignsFunctionArn,
    deadLetterArn: schedules.schedulerDeadLetterArn,
    now,
  }),
  capSecret: await loadCapSecret(campaigns),
  approvalThreshold: campaigns.approvalThreshold,
  limits: phone.limits,
  phonePolicies: phone.phonePolicies,
  // signals (issue 16): the vendor platforms' signing secret; the alert engine is wired next session
  signalsSecret: await loadSignalsSecret(),
});

async function loadSignalsSecret(): Promise<string | undefined> {
  const signals = loadSignalsConfig();
  if (signals.secret) return signals.secret;
  if (!signals.secretArn) return undefined;
  const value = await secretsManagerFetcher(signals.secretArn);
  if (value.length < 32) throw new Error('signals secret: shorter than 32 characters');
  return value;
}
