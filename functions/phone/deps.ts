import { Logger } from '@aws-lambda-powertools/logger';
import { cachedLiveCampaigns } from '../../shared/campaigns/run.js';
import { loadConfig, loadPhoneConfig, type PhoneConfig } from '../../shared/config.js';
import {
  ChimeSDKVoiceClient,
  chimeVoice,
  SNSClient,
  SQSClient,
  snsSms,
  sqsQueue,
} from '../../shared/phone/aws.js';
import type { PhoneDeps } from '../../shared/phone/engine.js';
import { cachedPause } from '../../shared/phone/health.js';
import { type JobQueue, routedQueue } from '../../shared/phone/jobs.js';
import { dynamoPacer } from '../../shared/phone/pacer.js';
import { createDb } from '../../shared/store/client.js';

/**
 * The phone-visit engine wired to AWS: DynamoDB, SQS, Chime SDK PSTN Audio and SNS. Built once per
 * cold start; a missing setting fails when the part that needs it is used.
 */
/** A provider whose settings are missing: every use fails (as a rejected promise) naming them. */
const notSet = (name: string) => async (): Promise<never> => {
  throw new Error(`配置错误 / bad configuration: ${name} is not set`);
};

/**
 * The job queue on AWS: check-in attempts on the dispatch queue, escalation steps and one-off texts
 * on the urgent queue, so a needs-help text never waits behind check-in calls.
 */
export function phoneQueue(
  phone: Pick<PhoneConfig, 'dispatchQueueUrl' | 'urgentQueueUrl'>,
  sqs: SQSClient,
): JobQueue {
  if (!phone.dispatchQueueUrl || !phone.urgentQueueUrl)
    return { send: notSet('DISPATCH_QUEUE_URL / URGENT_QUEUE_URL') };
  return routedQueue(
    sqsQueue({ client: sqs, queueUrl: phone.dispatchQueueUrl }),
    sqsQueue({ client: sqs, queueUrl: phone.urgentQueueUrl }),
  );
}

export function awsPhoneDeps(serviceName: string): { deps: PhoneDeps; logger: Logger } {
  const config = loadConfig();
  const phone = loadPhoneConfig();
  const logger = new Logger({ serviceName });
  const db = createDb({ tableName: config.tableName, endpoint: config.dynamodbEndpoint });
  const sqs = new SQSClient({});
  const missing = notSet;
  const deps: PhoneDeps = {
    db,
    policy: config.policy,
    phonePolicies: phone.phonePolicies,
    queue: phoneQueue(phone, sqs),
    voice:
      phone.chimeSmaId && phone.chimeFromNumber
        ? chimeVoice({
            client: new ChimeSDKVoiceClient({}),
            sipMediaApplicationId: phone.chimeSmaId,
            fromNumber: phone.chimeFromNumber,
          })
        : { placeCall: missing('CHIME_SMA_ID / CHIME_FROM_NUMBER') },
    sms: snsSms({ client: new SNSClient({}) }),
    pacer: dynamoPacer(db, phone.limits, undefined, phone.carrier),
    // carrier faults over the configured share pause dialling in a county (read at most every 30 s)
    pause: cachedPause(db, phone.limits),
    now: () => new Date(),
    log: (message, fields) => logger.info(message, fields ?? {}),
    // campaigns raise cadences and tag check-ins; read at most once a minute per warm function
    campaigns: cachedLiveCampaigns(db, () => new Date()),
  };
  return { deps, logger };
}
