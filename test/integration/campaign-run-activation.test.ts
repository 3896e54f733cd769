import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { scheduleDueAt } from '../../local/phone/http.js';
import { runCampaignAction, sweepCampaigns } from '../../shared/campaigns/run.js';
import { makePolicyConfig } from '../../shared/config.js';
import { DEFAULT_PHONE_POLICY } from '../../shared/phone/config.js';
import type { Elder } from '../../shared/register/elder.js';
import { registerElder } from '../../shared/register/service.js';
import { getCampaign } from '../../shared/store/campaigns.js';
import type { Db } from '../../shared/store/client.js';
import { getActivation, getSchedule } from '../../shared/store/phone.js';
import { aRegistration } from '../support/builders.js';
import { aCampaign, storeCampaign } from '../support/campaign-run.js';
import { freshDb } from '../support/db.js';
import { shanghai } from '../support/phone.js';

const policy = makePolicyConfig();
let db: Awaited<ReturnType<typeof freshDb>>;
beforeEach(async () => {
  db = await freshDb();
});

const REGISTERED = shanghai('2025-07-01T10:00:00');
/** the campaign's first calling window: 08:00 start → 09:00 */
const FIRST_WINDOW = shanghai('2025-07-03T09:00:00').toISOString();
/** where the normal cadence has them: after the campaign's start */
const LATER = shanghai('2025-07-10T09:00:00');

/** A runner's deps on a table whose schedule writes can be watched and made to fail. */
function runner(table: Db, now: Date, watch: { pulls: string[]; failAfter?: number } = { pulls: [] }) {
  const send = (async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const key = command.input.Key as { sk?: string; pk?: string } | undefined;
    const isPull = command.constructor.name === 'UpdateCommand' && key?.sk === 'SCHEDULE';
    if (isPull && watch.failAfter !== undefined && watch.pulls.length >= watch.failAfter) {
      throw Object.assign(new Error('simulated crash'), { name: 'SimulatedCrash' });
    }
    const out = await (table.doc.send as (c: unknown) => Promise<unknown>)(command);
    if (isPull) watch.pulls.push(String(key?.pk));
    return out;
  }) as unknown as Db['doc']['send'];
  return {
    // the same client (paginators check its class), its send watched
    db: { ...table, doc: Object.assign(Object.create(table.doc) as Db['doc'], { send }) },
    policy,
    phonePolicies: { '*': DEFAULT_PHONE_POLICY },
    now: () => now,
    log: () => undefined,
  };
}

async function elders(count: number, overrides: Parameters<typeof aRegistration>[0] = {}): Promise<Elder[]> {
  const out: Elder[] = [];
  for (let i = 0; i < count; i++) {
    const elder = await registerElder(
      { db, policy },
      aRegistration({ age: 81, on: '2025-07-01', living: 'alone', ...overrides }),
      { actor: 'test', now: REGISTERED },
    );
    // their last check-in is behind them: the next is due after the campaign has started
    await scheduleDueAt(db, elder.id, LATER, REGISTERED);
    out.push(elder);
  }
  return out;
}

describe('activation of a campaign', () => {
  it('is resumable after a crash: nobody is pulled twice, nobody is missed', async () => {
    const target = await elders(23);
    const other = await elders(2, { region: { county: '440703', township: '白沙街道', village: '白沙村' } });
    const campaign = aCampaign();
    await storeCampaign(db, campaign, 'scheduled');
    const start = shanghai('2025-07-03T08:00:00');

    const pulls: string[] = [];
    // the function dies part-way, after its 11th pull (pages of 5: in the middle of a page)
    await expect(
      runCampaignAction(
        runner(db, start, { pulls, failAfter: 11 }),
        { campaignId: campaign.id, action: 'start' },
        { pageSize: 5 },
      ),
    ).rejects.toThrow('simulated crash');
    expect((await getCampaign(db, campaign.id))?.status).toBe('running');
    expect(pulls.length).toBeGreaterThanOrEqual(10);
    expect((await getActivation(db, campaign.id))?.done).toBe(false);

    // run again (the schedule's retry, or the planner's sweep): it goes on from the saved page
    const result = await runCampaignAction(
      runner(db, start, { pulls }),
      { campaignId: campaign.id, action: 'start' },
      { pageSize: 5 },
    );
    expect(result).toMatchObject({ status: 'running', changed: false, activation: 'done' });
    for (const elder of target)
      expect((await getSchedule(db, elder.id))?.nextCheckInAt, elder.id).toBe(FIRST_WINDOW);
    for (const elder of other)
      expect((await getSchedule(db, elder.id))?.nextCheckInAt).toBe(LATER.toISOString());
    // every elder of the target moved exactly once
    expect(pulls.filter((pk) => pk.startsWith('ELDER#'))).toHaveLength(pulls.length);
    expect(new Set(pulls).size).toBe(pulls.length);
    const moved = new Set(target.map((e) => `ELDER#${e.id}`));
    expect(pulls.filter((pk) => moved.has(pk))).toHaveLength(23);

    // and once more: nothing to do
    const again: string[] = [];
    expect(
      await runCampaignAction(runner(db, start, { pulls: again }), {
        campaignId: campaign.id,
        action: 'start',
      }),
    ).toMatchObject({ activation: 'done', changed: false });
    expect(again).toEqual([]);
  });

  it('continues in pages across calls, never pushes a check-in later, skips open and refused ones', async () => {
    const [plain, early, withOpenCheckIn, fourth] = await elders(4);
    if (!plain || !early || !withOpenCheckIn || !fourth) throw new Error('no elders');
    // one refused the service (written record): no check-ins, and a campaign does not change that
    const refuser = await registerElder(
      { db, policy },
      aRegistration({
        age: 81,
        on: '2025-07-01',
        living: 'alone',
        consent: 'refused',
        refusal: { date: '2025-06-30', note: '不需要', recordedBy: '测试' },
      }),
      { actor: 'test', now: REGISTERED },
    );
    // one is due before the campaign: it stays earlier
    const soon = shanghai('2025-07-02T15:00:00');
    await scheduleDueAt(db, early.id, soon, REGISTERED);
    // one has a check-in open: it is not touched
    await db.doc.send(
      new UpdateCommand({
        TableName: db.tableName,
        Key: { pk: `ELDER#${withOpenCheckIn.id}`, sk: 'SCHEDULE' },
        UpdateExpression: 'SET openCheckInId = :id',
        ExpressionAttributeValues: { ':id': 'open-1' },
      }),
    );
    const campaign = aCampaign();
    await storeCampaign(db, campaign, 'scheduled');
    const start = shanghai('2025-07-03T08:00:00');
    const deps = runner(db, start);

    // the sweep does a bounded part per planner run
    const first = await sweepCampaigns(deps, { maxPages: 1, pageSize: 2 });
    expect(first).toEqual([expect.objectContaining({ changed: true, activation: 'more' })]);
    let runs = 1;
    while ((await sweepCampaigns(deps, { maxPages: 1, pageSize: 2 })).some((r) => r.activation === 'more'))
      runs++;
    expect(runs).toBeGreaterThan(1);
    expect((await getActivation(db, campaign.id))?.done).toBe(true);

    expect((await getSchedule(db, plain.id))?.nextCheckInAt).toBe(FIRST_WINDOW);
    expect((await getSchedule(db, fourth.id))?.nextCheckInAt).toBe(FIRST_WINDOW);
    expect((await getSchedule(db, early.id))?.nextCheckInAt).toBe(soon.toISOString());
    expect((await getSchedule(db, withOpenCheckIn.id))?.nextCheckInAt).toBe(LATER.toISOString());
    expect(await getSchedule(db, refuser.id)).toMatchObject({
      suspended: true,
      nextCheckInAt: REGISTERED.toISOString(),
    });
  });
});
