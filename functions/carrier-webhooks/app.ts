import { createHash, timingSafeEqual } from 'node:crypto';
import { ALIYUN_PUSH_ACK } from '../../shared/carriers/aliyun/sms.js';
import type { Carrier } from '../../shared/carriers/outcome.js';
import { TENCENT_CALLBACK_ACK } from '../../shared/carriers/tencent/voice.js';

/**
 * The carriers' receipt pushes (issue 12, part 3), received: authenticated by a secret path segment
 * (`/carrier/{carrier}/{kind}/{secret}`, the secret from Secrets Manager), the raw body put on a queue
 * before any parsing or storage, then the carrier's documented acknowledgement. The queue's consumer
 * (next session) parses with shared/carriers, settles repeats and keeps receipts for unknown calls for
 * staff. A failed enqueue answers 503, so the carrier pushes again (Alibaba: after 1, 5 and 10 minutes).
 */

export const RECEIPT_KINDS: Record<Carrier, readonly string[]> = {
  aliyun: ['voice-report', 'sms-report', 'sms-up'],
  tencent: ['voice', 'sms-status', 'sms-reply'],
};

export interface QueuedReceipt {
  carrier: Carrier;
  kind: string;
  /** the body exactly as pushed */
  body: string;
  receivedAt: string;
  /** SHA-256 of carrier, kind and body: the same push twice has the same id (a FIFO dedupe id, a log key) */
  pushId: string;
}

export interface WebhookEvent {
  pathParameters?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
}

export interface WebhookResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const json = (statusCode: number, body: unknown): WebhookResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

const sameSecret = (given: string, expected: string) => {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
};

export function makeWebhookHandler(deps: {
  secret: string;
  enqueue: (receipt: QueuedReceipt) => Promise<void>;
  now: () => Date;
  log: (message: string, detail: Record<string, unknown>) => void;
}) {
  return async (event: WebhookEvent): Promise<WebhookResponse> => {
    const { carrier, kind, secret } = event.pathParameters ?? {};
    const known =
      carrier === 'aliyun' || carrier === 'tencent' ? RECEIPT_KINDS[carrier].includes(kind ?? '') : false;
    // a wrong secret answers like an unknown path: nothing tells a prober which part was wrong
    if (!known || !secret || !sameSecret(secret, deps.secret)) return json(404, { message: 'not found' });
    const body = event.isBase64Encoded
      ? Buffer.from(event.body ?? '', 'base64').toString('utf-8')
      : (event.body ?? '');
    const receipt: QueuedReceipt = {
      carrier: carrier as Carrier,
      kind: kind as string,
      body,
      receivedAt: deps.now().toISOString(),
      pushId: createHash('sha256').update(`${carrier}|${kind}|${body}`).digest('hex').slice(0, 32),
    };
    try {
      await deps.enqueue(receipt);
    } catch (error) {
      deps.log('receipt not queued', { carrier, kind, pushId: receipt.pushId, error: (error as Error).name });
      return json(503, carrier === 'aliyun' ? { code: 1, msg: 'retry' } : { result: 1, errmsg: 'retry' });
    }
    deps.log('receipt queued', { carrier, kind, pushId: receipt.pushId, bytes: body.length });
    return json(200, carrier === 'aliyun' ? ALIYUN_PUSH_ACK : TENCENT_CALLBACK_ACK);
  };
}
