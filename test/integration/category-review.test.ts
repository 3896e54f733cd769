import { Logger } from '@aws-lambda-powertools/logger';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeReclassifyJob } from '../../functions/reclassify/job.js';
import { makePolicyConfig } from '../../shared/config.js';
import { registerElder } from '../../shared/register/service.js';
import { apiClient, countyAdmin } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

// "today": 2025-07-01 09:00 in Asia/Shanghai
let clock = new Date('2025-07-01T01:00:00Z');
const now = () => clock;
const quiet = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
/** the landed default before the reference's definitions: mild counted as loss of ability */
const OLD = makePolicyConfig({}, { '*': 'mild' });

let db: Awaited<ReturnType<typeof freshDb>>;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  db = await freshDb();
  api = apiClient({ db, policy, now });
});

/** An elder registered under the old definitions (mild = 失能, so category A by A1). */
async function oldMildElder(): Promise<string> {
  const elder = await registerElder({ db, policy: OLD }, aRegistration({ age: 70, ability: 'mild' }), {
    actor: 'test:old',
    now: clock,
  });
  expect(elder.category).toBe('A');
  return elder.id;
}

describe('category review: nothing is lowered without a person', () => {
  it('the scan lists an elder the new definitions would lower, with why, and changes nobody', async () => {
    const id = await oldMildElder();
    const scan = await api('POST', '/api/reviews/scan', { county: '440703' });
    expect(scan.status).toBe(200);
    expect(scan.body.listed).toBeGreaterThanOrEqual(1);
    const list = await api('GET', '/api/reviews?county=440703');
    const line = list.body.items.find((i: { elderId: string }) => i.elderId === id);
    expect(line).toMatchObject({
      current: 'A',
      proposed: 'C',
      direction: 'lower',
      source: 'definitions',
      reasons: [{ rule: 'A1', change: 'lost', text: expect.stringMatching(/失能.*loss of ability/) }],
    });
    expect((await api('GET', `/api/elders/${id}`)).body.category).toBe('A');
  });

  it('an edit of another field keeps the category (held) and lists the elder', async () => {
    const id = await oldMildElder();
    const patched = await api('PATCH', `/api/elders/${id}`, { address: '江门市蓬江区新地址1号' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      category: 'A',
      computedCategory: 'C',
      heldCategory: { category: 'A' },
    });
    const list = await api('GET', '/api/reviews?county=440703');
    expect(list.body.items.find((i: { elderId: string }) => i.elderId === id)).toMatchObject({
      source: 'update',
      direction: 'lower',
    });
  });

  it('staff accept: the lowering applies, audited with the reason, and the elder leaves the list', async () => {
    const id = await oldMildElder();
    await api('POST', '/api/reviews/scan', { county: '440703' });
    const bad = await api('POST', `/api/elders/${id}/review`, { decision: 'accept', reason: '' });
    expect(bad.status).toBe(400);
    const decided = await api('POST', `/api/elders/${id}/review`, {
      decision: 'accept',
      reason: '复核评估结果为轻度，按参考定义不属失能',
    });
    expect(decided.status).toBe(200);
    expect(decided.body.category).toBe('C');
    expect(decided.body.heldCategory).toBeUndefined();
    const audit = await api('GET', `/api/elders/${id}/audit`);
    expect(audit.body.audit.at(-1)).toMatchObject({
      action: 'review',
      oldCategory: 'A',
      newCategory: 'C',
      reason: '复核评估结果为轻度，按参考定义不属失能',
    });
    const list = await api('GET', '/api/reviews?county=440703');
    expect(list.body.items.some((i: { elderId: string }) => i.elderId === id)).toBe(false);
    const again = await api('POST', `/api/elders/${id}/review`, { decision: 'accept', reason: '再次' });
    expect(again.status).toBe(422);
  });

  it('staff keep: the category stays as an administrator raise with the reason', async () => {
    const id = await oldMildElder();
    await api('POST', '/api/reviews/scan', { county: '440703' });
    const kept = await api('POST', `/api/elders/${id}/review`, { decision: 'keep', reason: '独自照料困难' });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({
      category: 'A',
      categoryOverride: { category: 'A', reason: '独自照料困难' },
    });
  });

  it('another county administrator cannot decide (answered as a missing elder)', async () => {
    const id = await oldMildElder();
    await api('POST', '/api/reviews/scan', { county: '440703' });
    const other = await api.as(countyAdmin('440705'))('POST', `/api/elders/${id}/review`, {
      decision: 'accept',
      reason: 'x',
    });
    expect(other.status).toBe(404);
  });

  it('the daily age-line job does not lower a B elder turning 80: held and listed', async () => {
    // 79, couple, the other elder impaired: B2 until the 80th birthday, then no rule holds
    const created = await api(
      'POST',
      '/api/elders',
      aRegistration({ age: 79, living: 'couple', partnerImpaired: true, birthDate: '1945-07-03' }),
    );
    expect(created.body.category).toBe('B');
    clock = new Date('2025-07-03T01:00:00Z');
    const job = makeReclassifyJob({ db, policy, now }, quiet);
    await job();
    const after = await api('GET', `/api/elders/${created.body.id}`);
    expect(after.body).toMatchObject({
      category: 'B',
      computedCategory: 'C',
      heldCategory: { category: 'B' },
    });
    const list = await api('GET', '/api/reviews?county=440703');
    expect(list.body.items.find((i: { elderId: string }) => i.elderId === created.body.id)).toMatchObject({
      source: 'ageLine',
      reasons: [{ rule: 'B2', change: 'lost' }],
    });
    clock = new Date('2025-07-01T01:00:00Z');
  });
});
