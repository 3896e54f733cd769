import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { DispatchJob, JobQueue } from '../../shared/phone/jobs.js';
import type { Timeline } from './timeline.js';

interface Message {
  id: string;
  body: string;
  receiveCount: number;
}

/**
 * The dispatch queue on this machine: SQS's contract (batches of up to 10, partial batch failure,
 * visibility timeout, dead-letter queue after maxReceiveCount) in front of the same dispatcher handler.
 */
export class LocalQueue implements JobQueue {
  private seq = 0;
  private waiting = 0;
  readonly deadLetters: Message[] = [];
  /** every body ever sent, for tests and the simulation summary */
  readonly sent: DispatchJob[] = [];
  private handler: ((event: SQSEvent, context: Context) => Promise<SQSBatchResponse>) | undefined;
  private readonly ready: Message[] = [];
  private draining = false;

  constructor(
    private readonly timeline: Timeline,
    private readonly options = { visibilitySeconds: 30, maxReceiveCount: 5 },
  ) {}

  /** The dispatcher to deliver to. */
  attach(handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>): void {
    this.handler = handler;
  }

  async send(jobs: DispatchJob[], delaySeconds = 0): Promise<void> {
    for (const job of jobs) {
      this.sent.push(job);
      const message: Message = { id: `m-${++this.seq}`, body: JSON.stringify(job), receiveCount: 0 };
      this.enqueue(message, delaySeconds * 1000);
    }
  }

  /** Messages sent but not yet handled or dead-lettered. */
  pending(): number {
    return this.ready.length + this.waiting;
  }

  private enqueue(message: Message, delayMs: number): void {
    this.waiting++;
    this.timeline.at(new Date(this.timeline.now().getTime() + delayMs), async () => {
      this.waiting--;
      this.ready.push(message);
      await this.drain();
    });
  }

  /** Delivers ready messages in batches of up to ten, one batch at a time (maxConcurrency 1 here). */
  private async drain(): Promise<void> {
    if (this.draining || !this.handler) return;
    this.draining = true;
    try {
      while (this.ready.length > 0) {
        const batch = this.ready.splice(0, 10);
        for (const m of batch) m.receiveCount++;
        const event: SQSEvent = {
          Records: batch.map((m) => ({
            messageId: m.id,
            receiptHandle: m.id,
            body: m.body,
            attributes: {
              ApproximateReceiveCount: String(m.receiveCount),
              SentTimestamp: String(this.timeline.now().getTime()),
              SenderId: 'local',
              ApproximateFirstReceiveTimestamp: String(this.timeline.now().getTime()),
            },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:local:000000000000:anxin-dispatch',
            awsRegion: 'local',
          })),
        };
        let failed: Set<string>;
        try {
          const response = await this.handler(event, {
            awsRequestId: `local-${this.seq}`,
            getRemainingTimeInMillis: () => 60_000,
          } as Context);
          failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        } catch {
          failed = new Set(batch.map((m) => m.id));
        }
        for (const m of batch) {
          if (!failed.has(m.id)) continue;
          if (m.receiveCount >= this.options.maxReceiveCount) this.deadLetters.push(m);
          else this.enqueue(m, this.options.visibilitySeconds * 1000);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
