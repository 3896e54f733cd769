import { ChimeSDKVoiceClient, CreateSipMediaApplicationCallCommand } from '@aws-sdk/client-chime-sdk-voice';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DispatchJob, JobQueue } from './jobs.js';
import { ProviderRejected, ProviderUnavailable, type SmsProvider, type VoiceProvider } from './providers.js';

/** Errors worth retrying (throttling, server faults, timeouts) become ProviderUnavailable. */
function translate(provider: 'voice' | 'sms', error: unknown): Error {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode ?? 0;
  const name = e.name ?? '';
  if (
    status >= 500 ||
    status === 429 ||
    e.$retryable ||
    /Throttl|TimeoutError|ServiceUnavailable|ServiceFailure|ECONNRESET|TooManyRequests/.test(name)
  ) {
    return new ProviderUnavailable(provider, error);
  }
  if (status >= 400 && status < 500) return new ProviderRejected(provider, name || String(status));
  return new ProviderUnavailable(provider, error);
}

/**
 * Amazon Chime SDK PSTN Audio: CreateSipMediaApplicationCall. The call's context travels in the
 * ArgumentsMap (at most 20 entries) and comes back in the SIP media application's events.
 */
export function chimeVoice(options: {
  client: ChimeSDKVoiceClient;
  sipMediaApplicationId: string;
  fromNumber: string;
}): VoiceProvider {
  return {
    async placeCall({ to, context }) {
      try {
        const out = await options.client.send(
          new CreateSipMediaApplicationCallCommand({
            SipMediaApplicationId: options.sipMediaApplicationId,
            FromPhoneNumber: options.fromNumber,
            ToPhoneNumber: to,
            ArgumentsMap: { purpose: context.purpose, ref: context.ref, n: String(context.n) },
          }),
        );
        const providerId = out.SipMediaApplicationCall?.TransactionId;
        if (!providerId) throw new ProviderUnavailable('voice', new Error('no transaction id'));
        return { providerId };
      } catch (error) {
        if (error instanceof ProviderUnavailable) throw error;
        throw translate('voice', error);
      }
    },
  };
}

/** SNS Publish to a phone number, transactional. */
export function snsSms(options: { client: SNSClient; senderId?: string }): SmsProvider {
  return {
    async sendText({ to, text }) {
      try {
        const out = await options.client.send(
          new PublishCommand({
            PhoneNumber: to,
            Message: text,
            MessageAttributes: {
              'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
              ...(options.senderId
                ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: options.senderId } }
                : {}),
            },
          }),
        );
        return { providerId: out.MessageId ?? 'unknown' };
      } catch (error) {
        throw translate('sms', error);
      }
    },
  };
}

/** The dispatch queue on SQS (batches of 10; a delay defers a job when the provider is full). */
export function sqsQueue(options: { client: SQSClient; queueUrl: string }): JobQueue {
  return {
    async send(jobs: DispatchJob[], delaySeconds = 0) {
      for (let i = 0; i < jobs.length; i += 10) {
        const batch = jobs.slice(i, i + 10);
        const out = await options.client.send(
          new SendMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: batch.map((job, j) => ({
              Id: String(j),
              MessageBody: JSON.stringify(job),
              DelaySeconds: delaySeconds,
            })),
          }),
        );
        if (out.Failed && out.Failed.length > 0)
          throw new Error(`SQS refused ${out.Failed.length} of ${batch.length} jobs`);
      }
    },
  };
}

export { ChimeSDKVoiceClient, SNSClient, SQSClient };
