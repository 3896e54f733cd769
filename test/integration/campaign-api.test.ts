import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../../functions/api/routes.js';
import type { CampaignApiDeps } from '../../functions/campaigns/routes.js';
import type { Principal } from '../../shared/auth/principal.js';
import { run } from '../../shared/campaigns/campaign.js';
import { CAP_SIGNATURE_HEADER } from '../../shared/campaigns/cap.js';
import type { CampaignScheduler } from '../../shared/campaigns/scheduler.js';
import { registerElder, updateElder } from '../../shared/register/service.js';
import { getCampaign, progressUpdate, saveCampaign } from '../../shared/store/campaigns.js';
import { apiClient } from '../support/api.js';
import { aRegistration, policy } from '../support/builders.js';
import { freshDb } from '../support/db.js';

const TAISHAN = '440781';
const KAIPING = '440783';
const ENPING = '440785';
const SECRET = 'integration-test-cap-secret-at-least-32-chars';

const cityAdmin: Principal = { sub: 'sub-alice', username: 'alice', role: 'cityAdmin' };
const otherCityAdmin: Principal = { sub: 'sub-bob', username: 'bob', role: 'cityAdmin' };
const taishanAdmin: Principal = {
  sub: 'sub-tai',
  username: 'tai-admin',
  role: 'countyAdmin',
  county: TAISHAN,
};
const kaipingAdmin: Principal = {
  sub: 'sub-kai',
  username: 'kai-admin',
  role: 'countyAdmin',
  county: KAIPING,
};
const enpingAdmin: Principal = { sub: 'sub-en', username: 'en-admin', role: 'countyAdmin', county: ENPING };
const operator: Principal = {
  sub: 'sub-op',
  username: 'ts-operator',
  role: 'townshipOperator',
  county: TAISHAN,
  township: '台城街道',
};

/** A scheduler that only remembers what it was asked to do. */
function recordingScheduler() {
  const calls: { op: 'schedule' | 'unschedule'; id: string; startAt?: string; endAt?: string }[] = [];
  const scheduler: CampaignScheduler = {
    schedule: async (c) => {
      calls.push({
        op: 'schedule',
        id: c.id,
        startAt: c.startAt.toISOString(),
        endAt: c.endAt.toISOString(),
      });
    },
    unschedule: async (id) => {
      calls.push({ op: 'unschedule', id });
    },
  };
  return { scheduler, calls };
}

let db: Awaited<ReturnType<typeof freshDb>>;
const clock = { now: new Date('2025-06-28T10:00:00+08:00') };
const { scheduler, calls } = recordingScheduler();
let api: ReturnType<typeof apiClient>;

/** Calls the API as a principal (undefined: nobody signed in). */
const as = (principal: Principal | undefined) => api.as(principal ?? null);

const typhoonBody = (over: Record<string, unknown> = {}) => ({
  title: '台风「测试」台山',
  kind: 'typhoon',
  target: { counties: [TAISHAN], categories: ['A', 'B'] },
  window: { start: '2025-07-01T09:00:00+08:00', end: '2025-07-04T09:00:00+08:00' },
  cadence: { A: { everyHours: 12 }, B: { everyHours: 24 } },
  messages: {
    call: { yue: '台风就嚟，请关好门窗，唔好出街。', cmn: '台风将至，请关好门窗，不要外出。' },
    text: '【安心】台风将至，请关好门窗，不要外出。需要帮助请回复2。',
  },
  ...over,
});

const fixture = (name: string) => readFileSync(new URL(`../events/cap/${name}`, import.meta.url), 'utf8');
const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');
const xml = (signature?: string) => ({
  'content-type': 'application/xml',
  ...(signature === undefined ? {} : { [CAP_SIGNATURE_HEADER]: signature }),
});

beforeAll(async () => {
  db = await freshDb();
  const deps: ApiDeps & Partial<CampaignApiDeps> = {
    db,
    policy,
    now: () => clock.now,
    scheduler,
    capSecret: SECRET,
    approvalThreshold: 5,
  };
  api = apiClient(deps);

  // the register: Taishan 3 A (one by text), 2 B, 4 C, plus a refusal and one who left; Kaiping 2 A, 1 C
  const by = { actor: 'cityAdmin:seed', now: new Date('2025-06-01T10:00:00+08:00') };
  const place = (county: string, township: string) => ({ county, township, village: '测试村' });
  const seed = (n: number, over: Parameters<typeof aRegistration>[0]) =>
    Promise.all(Array.from({ length: n }, () => registerElder({ db, policy }, aRegistration(over), by)));
  const anA = { age: 81, on: '2025-06-01', living: 'alone' as const };
  const aB = { age: 70, on: '2025-06-01', living: 'alone' as const, disabilityGrade: 1 };
  const aC = { age: 70, on: '2025-06-01', living: 'withFamily' as const };
  await seed(2, { ...anA, region: place(TAISHAN, '台城街道') });
  await seed(1, { ...anA, channel: 'sms', region: place(TAISHAN, '赤溪镇') });
  await seed(2, { ...aB, region: place(TAISHAN, '台城街道') });
  await seed(4, { ...aC, region: place(TAISHAN, '台城街道') });
  await seed(1, {
    ...anA,
    region: place(TAISHAN, '台城街道'),
    consent: 'refused',
    refusal: { date: '2025-05-20', note: '书面拒绝', recordedBy: '村委会' },
  });
  const [left] = await seed(1, { ...anA, region: place(TAISHAN, '台城街道') });
  await updateElder({ db, policy }, (left as { id: string }).id, { status: 'left' }, by);
  await seed(2, { ...anA, region: place(KAIPING, '长沙街道') });
  await seed(1, { ...aC, region: place(KAIPING, '长沙街道') });
});

/** Creates a draft as the principal and returns its body. */
async function created(principal: Principal, over: Record<string, unknown> = {}) {
  const reply = await as(principal)('POST', '/api/campaigns', typhoonBody(over));
  expect(reply.status).toBe(201);
  return reply.body;
}

describe('who may use the campaign API', () => {
  it('answers 401 without a principal and 403 to a township operator', async () => {
    expect((await as(undefined)('GET', '/api/campaigns')).status).toBe(401);
    const refused = await as(operator)('POST', '/api/campaigns', typhoonBody());
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].message).toContain(' / ');
    expect((await as(operator)('GET', '/api/campaigns/templates')).status).toBe(403);
  });
});

describe('festival templates', () => {
  it('gives the five festivals of a year with dates and a body ready to preview', async () => {
    const reply = await as(taishanAdmin)('GET', '/api/campaigns/templates?year=2025');
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((t: { id: string }) => t.id)).toEqual([
      'springFestival',
      'lantern',
      'dragonBoat',
      'midAutumn',
      'doubleNinth',
    ]);
    const doubleNinth = reply.body.items[4];
    expect(doubleNinth.date).toBe('2025-10-29');
    expect(doubleNinth.prefill).toMatchObject({
      kind: 'festival',
      source: 'festival',
      target: { counties: [TAISHAN] },
      window: { start: '2025-10-26T00:00:00+08:00', end: '2025-10-30T00:00:00+08:00' },
    });
    // the prefill previews as it is (a window in the future of the clock)
    const preview = await as(taishanAdmin)('POST', '/api/campaigns/preview', doubleNinth.prefill);
    expect(preview.status).toBe(200);
    expect(preview.body.audience.total).toBe(5);

    const bad = await as(taishanAdmin)('GET', '/api/campaigns/templates?year=1800');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ path: 'query.year' });
    expect(bad.body.errors[0].message).toMatch(/年份.*year/);
  });
});

describe('creating and previewing', () => {
  it('creates a draft with a server id, the creator and its first history entry', async () => {
    const body = await created(taishanAdmin);
    expect(body).toMatchObject({
      status: 'draft',
      source: 'manual',
      title: '台风「测试」台山',
      createdBy: 'countyAdmin:tai-admin',
      createdAt: clock.now.toISOString(),
      progress: { started: 0, casesOpen: 0 },
    });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.history).toEqual([{ at: clock.now.toISOString(), by: 'countyAdmin:tai-admin', to: 'draft' }]);
  });

  it('refuses a county administrator another county (403) and bad bodies with bilingual errors', async () => {
    const other = await as(taishanAdmin)(
      'POST',
      '/api/campaigns',
      typhoonBody({ target: { counties: [KAIPING], categories: ['A'] } }),
    );
    expect(other.status).toBe(403);
    const both = await as(taishanAdmin)(
      'POST',
      '/api/campaigns/preview',
      typhoonBody({ target: { counties: [TAISHAN, KAIPING], categories: ['A'] } }),
    );
    expect(both.status).toBe(403);
    const { title: _t, ...untitled } = typhoonBody();
    const noTitle = await as(cityAdmin)('POST', '/api/campaigns', untitled);
    expect(noTitle.status).toBe(400);
    expect(noTitle.body.errors.map((e: { path: string }) => e.path)).toEqual(['title']);
    const noCadence = await as(cityAdmin)(
      'POST',
      '/api/campaigns',
      typhoonBody({ cadence: { A: { everyHours: 12 } } }),
    );
    expect(noCadence.status).toBe(400);
    expect(noCadence.body.errors).toEqual([
      { path: 'cadence', message: expect.stringMatching(/联系频率.*cadence/) },
    ]);
    const unknown = await as(cityAdmin)(
      'POST',
      '/api/campaigns',
      typhoonBody({ target: { counties: ['110101'], categories: ['A'] } }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].message).toContain('Unknown county code');
  });

  it('previews the seeded register: by county and category, channels, rounds and the approval it needs', async () => {
    const reply = await as(cityAdmin)(
      'POST',
      '/api/campaigns/preview',
      typhoonBody({
        target: { counties: [TAISHAN, KAIPING], categories: ['A', 'B', 'C'] },
        cadence: { A: { everyHours: 12 }, B: { everyHours: 24 }, C: { everyHours: 24 } },
      }),
    );
    expect(reply.status).toBe(200);
    const p = reply.body;
    // the refusal and the elder who left are not called
    expect(p.audience.byCounty).toEqual({
      [TAISHAN]: { A: 3, B: 2, C: 4, total: 9 },
      [KAIPING]: { A: 2, B: 0, C: 1, total: 3 },
    });
    expect(p.audience.byChannel).toEqual({ voice: 11, sms: 1 });
    // daily at 09:00 for everyone; A twice a day, but its 21:00 rounds move to the next 09:00 (quiet hours)
    expect(p.rounds.map((r: { start: string }) => r.start)).toEqual([
      '2025-07-01T09:00:00.000+08:00',
      '2025-07-02T09:00:00.000+08:00',
      '2025-07-03T09:00:00.000+08:00',
    ]);
    expect(p.rounds[0]).toMatchObject({ calls: 11, texts: 1, fits: true });
    expect(p.needsSecondApproval).toBe(true);
    expect(p.approvalThreshold).toBe(5);
    expect(p.warnings).toEqual([]);

    const township = await as(taishanAdmin)(
      'POST',
      '/api/campaigns/preview',
      typhoonBody({
        target: {
          counties: [TAISHAN],
          townships: [{ county: TAISHAN, township: '赤溪镇' }],
          categories: ['A'],
        },
      }),
    );
    expect(township.body.audience.total).toBe(1);
    expect(township.body.audience.byChannel).toEqual({ voice: 0, sms: 1 });
    expect(township.body.needsSecondApproval).toBe(false);

    // a saved campaign previews the same way
    const saved = await created(taishanAdmin);
    const again = await as(taishanAdmin)('GET', `/api/campaigns/${saved.id}/preview`);
    expect(again.status).toBe(200);
    expect(again.body.audience.byCounty).toEqual({ [TAISHAN]: { A: 3, B: 2, C: 0, total: 5 } });
    expect(again.body.rounds).toHaveLength(3);
  });
});

describe("another county's campaign", () => {
  it('answers a county administrator exactly as a missing campaign, and is not in their list', async () => {
    const campaign = await created(taishanAdmin);
    const missing = await as(kaipingAdmin)('GET', '/api/campaigns/no-such-campaign');
    expect(missing.status).toBe(404);
    for (const path of ['', '/preview', '/progress']) {
      const reply = await as(kaipingAdmin)('GET', `/api/campaigns/${campaign.id}${path}`);
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual(missing.body);
    }
    for (const action of ['approve', 'start', 'pause', 'resume', 'cancel']) {
      const reply = await as(kaipingAdmin)('POST', `/api/campaigns/${campaign.id}/${action}`);
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual(missing.body);
    }
    expect((await getCampaign(db, campaign.id))?.status).toBe('draft');
    const kaipingList = await as(kaipingAdmin)('GET', '/api/campaigns');
    expect(kaipingList.body.items.map((c: { id: string }) => c.id)).not.toContain(campaign.id);
    const cityList = await as(cityAdmin)('GET', '/api/campaigns');
    const listed = cityList.body.items.find((c: { id: string }) => c.id === campaign.id);
    expect(listed).toMatchObject({ status: 'draft', title: '台风「测试」台山' });
    expect(listed.progress).toMatchObject({ started: 0, casesOpen: 0 });
    const times = cityList.body.items.map((c: { createdAt: string }) => c.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });
});

describe('approval, start, pause, resume, cancel', () => {
  it('needs a second administrator: the creator is refused, under any role', async () => {
    // all of Taishan's 9 elders: over the threshold of 5
    const campaign = await created(cityAdmin, {
      target: { counties: [TAISHAN] },
      cadence: { A: { everyHours: 12 }, B: { everyHours: 24 }, C: { everyHours: 24 } },
    });
    const own = await as(cityAdmin)('POST', `/api/campaigns/${campaign.id}/approve`);
    expect(own.status).toBe(409);
    expect(own.body.errors[0].message).toMatch(/创建人.*creator/);
    const sameSub = await as({ ...taishanAdmin, sub: cityAdmin.sub })(
      'POST',
      `/api/campaigns/${campaign.id}/approve`,
    );
    expect(sameSub.status).toBe(409);

    // over the threshold (5 elders): not without approval
    const early = await as(cityAdmin)('POST', `/api/campaigns/${campaign.id}/start`);
    expect(early.status).toBe(409);
    expect(early.body.errors[0].message).toMatch(/审批.*approval/);

    const approved = await as(otherCityAdmin)('POST', `/api/campaigns/${campaign.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', approvedBy: 'cityAdmin:bob' });

    calls.length = 0;
    const started = await as(cityAdmin)('POST', `/api/campaigns/${campaign.id}/start`);
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('scheduled');
    // 09:00 in Asia/Shanghai is 01:00 UTC
    expect(calls).toEqual([
      {
        op: 'schedule',
        id: campaign.id,
        startAt: '2025-07-01T01:00:00.000Z',
        endAt: '2025-07-04T01:00:00.000Z',
      },
    ]);
    expect(
      started.body.history.map((h: { by: string; from?: string; to: string }) => [h.by, h.from, h.to]),
    ).toEqual([
      ['cityAdmin:alice', undefined, 'draft'],
      ['cityAdmin:bob', 'draft', 'approved'],
      ['cityAdmin:alice', 'approved', 'scheduled'],
    ]);

    // scheduled is not running yet
    expect((await as(cityAdmin)('POST', `/api/campaigns/${campaign.id}/pause`)).status).toBe(409);
    // the start schedule fires: the runner moves it to running
    const stored = await getCampaign(db, campaign.id);
    if (!stored) throw new Error('campaign missing');
    const { version, updatedAt: _u, updatedBy: _b, ...plain } = stored;
    const at = new Date('2025-07-01T09:00:00+08:00');
    await saveCampaign(db, { ...run(plain, at), updatedAt: at.toISOString(), updatedBy: 'runner' }, version);

    clock.now = new Date('2025-07-02T10:00:00+08:00');
    const paused = await as(otherCityAdmin)('POST', `/api/campaigns/${campaign.id}/pause`);
    expect(paused.body.status).toBe('paused');
    const resumed = await as(otherCityAdmin)('POST', `/api/campaigns/${campaign.id}/resume`);
    expect(resumed.body.status).toBe('running');
    calls.length = 0;
    const cancelled = await as(cityAdmin)('POST', `/api/campaigns/${campaign.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect(calls).toEqual([{ op: 'unschedule', id: campaign.id }]);
    expect(cancelled.body.history.at(-1)).toEqual({
      at: clock.now.toISOString(),
      by: 'cityAdmin:alice',
      from: 'running',
      to: 'cancelled',
    });
    const again = await as(cityAdmin)('POST', `/api/campaigns/${campaign.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.errors[0].message).toMatch(/状态.*state/);
    clock.now = new Date('2025-06-28T10:00:00+08:00');
  });

  it('starts a small draft without approval, from now once its window has begun; refuses an ended window', async () => {
    const small = await created(taishanAdmin, {
      target: {
        counties: [TAISHAN],
        townships: [{ county: TAISHAN, township: '赤溪镇' }],
        categories: ['A'],
      },
      cadence: { A: { everyHours: 24 } },
    });
    calls.length = 0;
    clock.now = new Date('2025-07-02T10:30:00+08:00');
    const started = await as(taishanAdmin)('POST', `/api/campaigns/${small.id}/start`);
    expect(started.status).toBe(200);
    expect(calls).toEqual([
      {
        op: 'schedule',
        id: small.id,
        startAt: '2025-07-02T02:30:00.000Z',
        endAt: '2025-07-04T01:00:00.000Z',
      },
    ]);

    clock.now = new Date('2025-06-28T10:00:00+08:00');
    const late = await created(taishanAdmin, {
      target: {
        counties: [TAISHAN],
        townships: [{ county: TAISHAN, township: '赤溪镇' }],
        categories: ['A'],
      },
      cadence: { A: { everyHours: 24 } },
    });
    clock.now = new Date('2025-07-04T09:00:00+08:00');
    calls.length = 0;
    const over = await as(taishanAdmin)('POST', `/api/campaigns/${late.id}/start`);
    expect(over.status).toBe(409);
    expect(over.body.errors[0].message).toMatch(/已结束.*ended/);
    expect(calls).toEqual([]);
    clock.now = new Date('2025-06-28T10:00:00+08:00');
  });

  it('lets only one of two administrators approving at once win (version check)', async () => {
    const campaign = await created(taishanAdmin);
    const replies = await Promise.all([
      as(cityAdmin)('POST', `/api/campaigns/${campaign.id}/approve`),
      as(otherCityAdmin)('POST', `/api/campaigns/${campaign.id}/approve`),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    const stored = await getCampaign(db, campaign.id);
    expect(stored?.history.filter((h) => h.to === 'approved')).toHaveLength(1);
  });
});

describe('progress', () => {
  it('shows reached and well, needs help, not reached and cases open', async () => {
    const campaign = await created(taishanAdmin);
    await db.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          progressUpdate(db, campaign.id, {
            started: 5,
            well: 3,
            needsHelp: 1,
            notReached: 1,
            casesOpened: 2,
            casesClosed: 1,
          }),
        ],
      }),
    );
    const reply = await as(taishanAdmin)('GET', `/api/campaigns/${campaign.id}/progress`);
    expect(reply.body).toEqual({
      started: 5,
      well: 3,
      needsHelp: 1,
      notReached: 1,
      casesOpened: 2,
      casesClosed: 1,
      casesOpen: 1,
    });
    const one = await as(taishanAdmin)('GET', `/api/campaigns/${campaign.id}`);
    expect(one.body.progress.casesOpen).toBe(1);
    const list = await as(taishanAdmin)('GET', '/api/campaigns');
    expect(list.body.items.find((c: { id: string }) => c.id === campaign.id).progress.well).toBe(3);
  });
});

describe('CAP alerts', () => {
  const typhoon = fixture('typhoon-taishan-kaiping.xml');
  const heat = fixture('heat-enping.xml');

  it('drafts one campaign per affected county from a signed alert, once', async () => {
    clock.now = new Date('2026-07-20T11:00:00+08:00');
    const reply = await as(cityAdmin)('POST', '/api/campaigns/cap', typhoon, xml(sign(typhoon)));
    expect(reply.status).toBe(201);
    expect(reply.body.items.map((c: { target: { counties: string[] } }) => c.target.counties)).toEqual([
      [TAISHAN],
      [KAIPING],
    ]);
    expect(reply.body.items[0]).toMatchObject({
      status: 'draft',
      source: 'cap',
      kind: 'typhoon',
      createdBy: 'cityAdmin:alice',
      window: { start: '2026-09-12T18:00:00+08:00', end: '2026-09-14T08:00:00+08:00' },
      alert: { identifier: '44070041600000_20260912083000', severity: 'Severe' },
    });
    expect(reply.body.items[0].messages.text.startsWith('【安心】')).toBe(true);
    expect([...reply.body.items[0].messages.text].length).toBeLessThanOrEqual(70);
    // the Taishan draft is Taishan's administrator's to see and approve
    const id = reply.body.items[0].id;
    expect((await as(taishanAdmin)('GET', `/api/campaigns/${id}`)).status).toBe(200);
    expect((await as(kaipingAdmin)('GET', `/api/campaigns/${id}`)).status).toBe(404);
    expect((await as(taishanAdmin)('POST', `/api/campaigns/${id}/approve`)).body.status).toBe('approved');

    const again = await as(cityAdmin)('POST', '/api/campaigns/cap', typhoon, xml(sign(typhoon)));
    expect(again.status).toBe(200);
    expect(again.body.items.map((c: { id: string }) => c.id)).toEqual(
      reply.body.items.map((c: { id: string }) => c.id),
    );
    clock.now = new Date('2025-06-28T10:00:00+08:00');
  });

  it("drafts for a county administrator's own county only; none of theirs is 422", async () => {
    clock.now = new Date('2026-07-20T11:00:00+08:00');
    const own = await as(enpingAdmin)('POST', '/api/campaigns/cap', heat, {
      'content-type': 'text/xml; charset=utf-8',
      [CAP_SIGNATURE_HEADER]: `sha256=${sign(heat)}`,
    });
    expect(own.status).toBe(201);
    expect(own.body.items).toHaveLength(1);
    expect(own.body.items[0]).toMatchObject({ kind: 'heat', target: { counties: [ENPING] } });
    const none = await as(taishanAdmin)('POST', '/api/campaigns/cap', heat, xml(sign(heat)));
    expect(none.status).toBe(422);
    expect(none.body.errors[0].message).toMatch(/县.*counties/);
    clock.now = new Date('2025-06-28T10:00:00+08:00');
  });

  it('refuses unsigned, forged, malformed, cancelling and non-XML alerts with clear errors', async () => {
    clock.now = new Date('2026-07-20T11:00:00+08:00');
    const post = (body: string, headers: Record<string, string>, who: Principal = cityAdmin) =>
      as(who)('POST', '/api/campaigns/cap', body, headers);
    const unsigned = await post(typhoon, xml());
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.errors[0].message).toMatch(/未签名.*unsigned/);
    const forged = await post(typhoon, xml(sign(typhoon, 'another-secret-another-secret-another')));
    expect(forged.status).toBe(401);
    expect(forged.body.errors[0].message).toMatch(/签名无效.*not valid/);
    const tampered = await post(typhoon.replace('台山市', '恩平市'), xml(sign(typhoon)));
    expect(tampered.status).toBe(401);
    const malformed = fixture('malformed.xml');
    const broken = await post(malformed, xml(sign(malformed)));
    expect(broken.status).toBe(400);
    expect(broken.body.errors[0].message).toMatch(/XML/);
    const json = await post(typhoon, {
      'content-type': 'application/json',
      [CAP_SIGNATURE_HEADER]: sign(typhoon),
    });
    expect(json.status).toBe(415);
    expect((await post(typhoon, xml(sign(typhoon)), operator)).status).toBe(403);
    expect((await as(undefined)('POST', '/api/campaigns/cap', typhoon, xml(sign(typhoon)))).status).toBe(401);
    clock.now = new Date('2025-06-28T10:00:00+08:00');
  });
});

describe('CAP alerts as really sent (test/events/cap)', () => {
  type View = { id: string; status: string; target: { counties: string[] }; window: { end: string } };
  const post = (name: string, who: Principal = cityAdmin, body = fixture(name)) =>
    as(who)('POST', '/api/campaigns/cap', body, xml(sign(body)));
  const counties = (items: View[]) => items.map((c) => c.target.counties[0]).sort();

  it('drafts an alert without <expires>, its end assumed; an Update replaces it; a Cancel without <info> withdraws', async () => {
    clock.now = new Date('2026-06-15T07:00:00+08:00');
    const alert = await post('rainstorm-no-expires.xml');
    expect(alert.status).toBe(201);
    expect(alert.body.items).toHaveLength(1);
    expect(alert.body.items[0]).toMatchObject({
      kind: 'rainstorm',
      target: { counties: [TAISHAN] },
      window: { start: '2026-06-15T06:30:00+08:00', end: '2026-06-16T06:30:00+08:00' },
      alert: { expiresAssumed: true },
    });
    const first = alert.body.items[0] as View;

    clock.now = new Date('2026-06-15T10:00:00+08:00');
    const update = await post('rainstorm-update.xml');
    expect(update.status).toBe(201);
    expect(counties(update.body.items)).toEqual([TAISHAN, KAIPING].sort());
    for (const item of update.body.items) {
      expect(item).toMatchObject({ status: 'draft', window: { end: '2026-06-16T09:30:00+08:00' } });
      expect(item.alert.expiresAssumed).toBeUndefined();
    }
    expect(update.body.items.find((c: View) => c.target.counties[0] === TAISHAN).alert.supersedes).toEqual([
      first.id,
    ]);
    expect(update.body.withdrawn.map((c: View) => [c.id, c.status])).toEqual([[first.id, 'cancelled']]);
    const again = await post('rainstorm-update.xml');
    expect(again.status).toBe(200);
    expect(again.body.withdrawn.map((c: View) => c.id)).toEqual([first.id]);
    expect((await as(taishanAdmin)('GET', `/api/campaigns/${first.id}`)).body.status).toBe('cancelled');

    clock.now = new Date('2026-06-15T18:05:00+08:00');
    const lifted = await post('rainstorm-cancel-no-info.xml');
    expect(lifted.status).toBe(200);
    expect(lifted.body.items).toEqual([]);
    expect(counties(lifted.body.withdrawn)).toEqual([TAISHAN, TAISHAN, KAIPING].sort());
    for (const item of update.body.items as View[]) {
      expect((await api('GET', `/api/campaigns/${item.id}`)).body.status).toBe('cancelled');
    }
    clock.now = new Date('2025-06-28T10:00:00+08:00');
  });

  it('a Cancel with <info> withdraws the drafts it references and leaves an approved one to an administrator', async () => {
    clock.now = new Date('2026-09-13T12:05:00+08:00');
    // the typhoon alert of the first CAP test: Taishan's draft was approved there, Kaiping's is a draft
    const reply = await post('cancel.xml');
    expect(reply.status).toBe(200);
    expect(counties(reply.body.withdrawn)).toEqual([KAIPING]);
    expect(counties(reply.body.untouched)).toEqual([TAISHAN]);
    expect(reply.body.untouched[0].status).toBe('approved');
    // a county administrator withdraws only their own county's drafts
    clock.now = new Date('2025-06-28T10:00:00+08:00');
  });

  it('maps the whole city (440700000000) to every county, and areas named only by <areaDesc>', async () => {
    clock.now = new Date('2026-08-20T16:10:00+08:00');
    const city = await post('typhoon-whole-city.xml');
    expect(city.status).toBe(201);
    expect(counties(city.body.items)).toEqual(Object.keys(policy.counties).sort());
    expect(city.body.items[0].cadence.A.everyHours).toBe(12);
    const mine = await post('typhoon-whole-city.xml', taishanAdmin);
    expect(counties(mine.body.items)).toEqual([TAISHAN]);

    clock.now = new Date('2027-01-10T07:30:00+08:00');
    const named = await post('cold-areadesc-only.xml');
    expect(named.status).toBe(201);
    expect(counties(named.body.items)).toEqual([TAISHAN, KAIPING].sort());
    expect(named.body.items[0].kind).toBe('cold');
    clock.now = new Date('2025-06-28T10:00:00+08:00');
  });

  it('reads an alert of about 1.9 MB (a dense polygon), and refuses one over 2 MiB with 413', async () => {
    clock.now = new Date('2026-07-01T15:00:00+08:00');
    const grow = (target: number) => {
      const base = fixture('polygon-large.xml');
      const polygon = /<polygon>([^<]*)<\/polygon>/.exec(base)?.[1] ?? '';
      const times = Math.ceil((target - base.length) / (polygon.length + 1));
      return base.replace(polygon, Array.from({ length: times }, () => polygon).join(' '));
    };
    const large = grow(1_900_000);
    expect(Buffer.byteLength(large)).toBeGreaterThan(1_800_000);
    const reply = await post('polygon-large.xml', cityAdmin, large);
    expect(reply.status).toBe(201);
    expect(counties(reply.body.items)).toEqual([ENPING]);
    const tooLarge = await post('polygon-large.xml', cityAdmin, grow(2_200_000));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.errors[0].message).toMatch(/过大.*too large/);
    clock.now = new Date('2025-06-28T10:00:00+08:00');
  });
});
