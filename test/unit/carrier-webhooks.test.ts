import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeWebhookHandler, type QueuedReceipt } from '../../functions/carrier-webhooks/app.js';

const pushed = readFileSync(new URL('../events/aliyun/voice-report.json', import.meta.url), 'utf-8');
const setup = (enqueue?: (r: QueuedReceipt) => Promise<void>) => {
  const queued: QueuedReceipt[] = [];
  const logs: unknown[] = [];
  const handler = makeWebhookHandler({
    secret: 's3cret-path-segment',
    enqueue: enqueue ?? (async (r) => void queued.push(r)),
    now: () => new Date('2026-12-08T02:00:00Z'),
    log: (message, detail) => logs.push({ message, ...detail }),
  });
  return { handler, queued, logs };
};
const path = (carrier: string, kind: string, secret = 's3cret-path-segment') => ({ carrier, kind, secret });

describe('carrier webhooks', () => {
  it('queues the raw body before anything else and answers as Alibaba documents', async () => {
    const { handler, queued, logs } = setup();
    const response = await handler({ pathParameters: path('aliyun', 'voice-report'), body: pushed });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ code: 0, msg: '成功' });
    expect(queued).toEqual([
      expect.objectContaining({
        carrier: 'aliyun',
        kind: 'voice-report',
        body: pushed,
        receivedAt: '2026-12-08T02:00:00.000Z',
      }),
    ]);
    expect(JSON.stringify(logs)).not.toContain('13800130001');
  });

  it('gives the same push the same id, and answers Tencent its own way', async () => {
    const { handler, queued } = setup();
    const body = readFileSync(new URL('../events/tencent/voice-key-callback.json', import.meta.url), 'utf-8');
    const first = await handler({ pathParameters: path('tencent', 'voice'), body });
    await handler({
      pathParameters: path('tencent', 'voice'),
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    });
    expect(JSON.parse(first.body)).toEqual({ result: 0, errmsg: 'OK' });
    expect(queued).toHaveLength(2);
    expect(queued[0]?.pushId).toBe(queued[1]?.pushId);
    expect(queued[1]?.body).toBe(body);
  });

  it('answers a wrong secret, carrier or kind like a missing page, and queues nothing', async () => {
    const { handler, queued } = setup();
    for (const p of [
      path('aliyun', 'voice-report', 'guess'),
      path('huawei', 'voice'),
      path('aliyun', 'voice'),
      {},
    ]) {
      expect((await handler({ pathParameters: p, body: pushed })).statusCode).toBe(404);
    }
    expect(queued).toEqual([]);
  });

  it('keeps a body it cannot read (it is queued for staff, not dropped)', async () => {
    const { handler, queued } = setup();
    expect((await handler({ pathParameters: path('aliyun', 'sms-up'), body: 'not json' })).statusCode).toBe(
      200,
    );
    expect(queued[0]?.body).toBe('not json');
  });

  it('asks the carrier to push again when the queue refuses', async () => {
    const { handler } = setup(async () => {
      throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    });
    const response = await handler({ pathParameters: path('aliyun', 'sms-report'), body: pushed });
    expect(response.statusCode).toBe(503);
  });
});
