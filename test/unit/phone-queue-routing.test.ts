import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { phoneQueue } from '../../functions/phone/deps.js';

/** A stand-in SQS client that records which queue each batch went to. */
function recordingSqs() {
  const sent: { queueUrl: string; kinds: string[] }[] = [];
  const client = {
    send: async (command: { input: { QueueUrl: string; Entries: { MessageBody: string }[] } }) => {
      sent.push({
        queueUrl: command.input.QueueUrl,
        kinds: command.input.Entries.map((e) => JSON.parse(e.MessageBody).kind),
      });
      return { Successful: command.input.Entries.map((_, i) => ({ Id: String(i) })), Failed: [] };
    },
  } as unknown as SQSClient;
  return { client, sent };
}

describe('the job queue on AWS', () => {
  it('sends check-in attempts to the dispatch queue and escalations and texts to the urgent queue', async () => {
    const { client, sent } = recordingSqs();
    const queue = phoneQueue(
      { dispatchQueueUrl: 'https://sqs/dispatch', urgentQueueUrl: 'https://sqs/urgent' },
      client,
    );
    await queue.send([
      { kind: 'checkInAttempt', checkInId: 'c1', n: 1 },
      { kind: 'caseStep', caseId: 'k1', n: 0 },
      { kind: 'text', key: 'k', to: '+8613800138000', text: '【安心】测试', purpose: 'help' },
    ]);
    expect(sent).toEqual([
      { queueUrl: 'https://sqs/urgent', kinds: ['caseStep', 'text'] },
      { queueUrl: 'https://sqs/dispatch', kinds: ['checkInAttempt'] },
    ]);
  });

  it('fails with the names of the missing settings', async () => {
    const { client } = recordingSqs();
    const queue = phoneQueue({ dispatchQueueUrl: 'https://sqs/dispatch', urgentQueueUrl: undefined }, client);
    await expect(queue.send([{ kind: 'checkInAttempt', checkInId: 'c1', n: 1 }])).rejects.toThrow(
      /URGENT_QUEUE_URL/,
    );
  });
});
