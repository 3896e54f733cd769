import type { SNSEvent } from 'aws-lambda';
import type { PhoneDeps } from '../../shared/phone/engine.js';
import { fromEndUserMessaging, handleInboundText, inboundTextSchema } from '../../shared/phone/inbound.js';

/**
 * Inbound texts from End User Messaging, delivered through an SNS topic. A message that is not an
 * inbound text is logged (without content) and dropped; storage faults throw, so Lambda retries and
 * finally sends the event to the dead-letter queue.
 */
export function makeInboundHandler(deps: PhoneDeps) {
  return async (event: SNSEvent): Promise<{ results: string[] }> => {
    const results: string[] = [];
    const records = Array.isArray(event?.Records) ? event.Records : [];
    for (const record of records) {
      let body: unknown;
      try {
        body = JSON.parse(record?.Sns?.Message ?? '');
      } catch {
        body = undefined;
      }
      const parsed = inboundTextSchema.safeParse(body);
      if (!parsed.success) {
        deps.log('dropped a malformed inbound text', { messageId: record?.Sns?.MessageId });
        results.push('malformed');
        continue;
      }
      const receivedAt = record?.Sns?.Timestamp ?? deps.now().toISOString();
      results.push(await handleInboundText(deps, fromEndUserMessaging(parsed.data, receivedAt)));
    }
    deps.log('inbound texts', { results });
    return { results };
  };
}
