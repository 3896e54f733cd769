import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runWithin } from '../../shared/campaigns/run.js';
import type { CampaignAction } from '../../shared/campaigns/scheduler.js';
import { makePolicyConfig } from '../../shared/config.js';
import { DEFAULT_PHONE_POLICY } from '../../shared/phone/config.js';
import { registerElder } from '../../shared/register/service.js';
import { getCampaign } from '../../shared/store/campaigns.js';
import { getActivation } from '../../shared/store/phone.js';
import { aRegistration } from '../support/builders.js';
import { aCampaign, storeCampaign } from '../support/campaign-run.js';
import { freshDb } from '../support/db.js';
import { shanghai } from '../support/phone.js';

const policy = makePolicyConfig();
let db: Awaited<ReturnType<typeof freshDb>>;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(() => {
  vi.unstubAllEnvs();
});

const context = (remainingMs: number) => ({ getRemainingTimeInMillis: () => remainingMs }) as Context;

describe('the campaigns function', () => {
  it('starts a campaign from its schedule and finishes it from the queue format too', async () => {
    vi.stubEnv('TABLE_NAME', db.tableName);
    vi.stubEnv('DYNAMODB_ENDPOINT', db.endpoint);
    vi.stubEnv('CAMPAIGNS_QUEUE_URL', 'https://sqs.ap-east-1.amazonaws.com/123456789012/anxin-campaigns');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    const { handler } = await import('../../functions/campaigns/handler.js');
    // the function runs on the real clock: a window around now
    const now = Date.now();
    const campaign = aCampaign({
      window: {
        start: new Date(now - 3_600_000).toISOString(),
        end: new Date(now + 2 * 86_400_000).toISOString(),
      },
    });
    await storeCampaign(db, campaign, 'scheduled');

    // EventBridge Scheduler's input, as the schedule was created with it
    const started = await handler({ campaignId: campaign.id, action: 'start' }, context(600_000));
    expect(started).toEqual([
      { campaignId: campaign.id, status: 'running', changed: true, activation: 'done' },
    ]);
    expect((await getActivation(db, campaign.id))?.done).toBe(true);

    // not an action: nothing happens
    expect(await handler({ campaignId: '../etc', action: 'start' }, context(600_000))).toEqual([]);
    // a finish before the window's end changes nothing
    const early = await handler(
      { Records: [{ body: JSON.stringify({ campaignId: campaign.id, action: 'finish' }) }] },
      context(600_000),
    );
    expect(early).toEqual([
      { campaignId: campaign.id, status: 'running', changed: false, activation: 'none' },
    ]);
    expect((await getCampaign(db, campaign.id))?.history.map((h) => h.to)).toEqual(['running']);
  });
});

describe('an activation too large for one run', () => {
  it('is handed on to the next run when the time runs short, and finishes there', async () => {
    const registered = shanghai('2025-07-01T10:00:00');
    for (let i = 0; i < 12; i++) {
      await registerElder({ db, policy }, aRegistration({ age: 81, on: '2025-07-01', living: 'alone' }), {
        actor: 'test',
        now: registered,
      });
    }
    const campaign = aCampaign();
    await storeCampaign(db, campaign, 'scheduled');
    const deps = {
      db,
      policy,
      phonePolicies: { '*': DEFAULT_PHONE_POLICY },
      now: () => shanghai('2025-07-03T08:00:00'),
      log: () => undefined,
    };
    const handedOn: CampaignAction[] = [];
    // a function nearly out of time: one step of 1 page (of 5 elders), then the rest goes on later
    let remaining = 90_000;
    const first = await runWithin(
      deps,
      { campaignId: campaign.id, action: 'start' },
      {
        remainingMs: () => (remaining -= 40_000),
        reserveMs: 60_000,
        continueLater: async (action) => {
          handedOn.push(action);
        },
        pagesPerStep: 1,
        pageSize: 5,
      },
    );
    expect(first).toMatchObject({ status: 'running', activation: 'more' });
    expect(handedOn).toEqual([{ campaignId: campaign.id, action: 'start' }]);
    expect((await getActivation(db, campaign.id))?.seen).toBe(5);

    // the next run (from the queue message) has time enough
    const next = await runWithin(deps, handedOn[0] as CampaignAction, {
      remainingMs: () => 600_000,
      reserveMs: 60_000,
      continueLater: async (action) => {
        handedOn.push(action);
      },
      pagesPerStep: 1,
      pageSize: 5,
    });
    expect(next).toMatchObject({ status: 'running', activation: 'done' });
    expect(handedOn).toHaveLength(1);
    expect(await getActivation(db, campaign.id)).toMatchObject({ done: true, seen: 12 });
  });
});
