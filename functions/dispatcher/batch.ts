import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { dispatchJob, type PhoneDeps } from '../../shared/phone/engine.js';
import { dispatchJobSchema } from '../../shared/phone/jobs.js';

/**
 * The dispatcher: each SQS record is one job. A malformed body is logged and dropped (retrying it
 * cannot help); provider trouble fails only that record, which SQS retries and finally moves to the
 * dead-letter queue. Records run one after another so pacing holds inside a batch.
 */
export function makeDispatcher(deps: PhoneDeps) {
  const processor = new BatchProcessor(EventType.SQS);
  let context: Context | undefined;
  const record = async (r: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(r.body);
    } catch {
      body = undefined;
    }
    const job = dispatchJobSchema.safeParse(body);
    if (!job.success) {
      deps.log('dropped a malformed dispatch job', { messageId: r.messageId });
      return;
    }
    // wait for a free call place only while the invocation has time left for the rest of the batch
    const left = context ? context.getRemainingTimeInMillis() - 20_000 : 10_000;
    const result = await dispatchJob(deps, job.data, { maxWaitMs: Math.max(0, Math.min(10_000, left)) });
    deps.log('dispatch', { kind: job.data.kind, result });
  };
  return async (event: SQSEvent, lambdaContext: Context): Promise<SQSBatchResponse> => {
    context = lambdaContext;
    return processPartialResponse(event, record, processor, {
      context: lambdaContext,
      processInParallel: false,
    });
  };
}
