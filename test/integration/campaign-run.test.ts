import { beforeEach, describe, expect, it } from 'vitest';
import { runCampaignAction } from '../../shared/campaigns/run.js';
import { closeCaseByStaff } from '../../shared/phone/engine.js';
import type { Elder } from '../../shared/register/elder.js';
import { getCampaign, getCampaignProgress } from '../../shared/store/campaigns.js';
import { getCase, getSchedule, listCheckIns } from '../../shared/store/phone.js';
import { getDayStatsByCounty, getDayStatsOfTownship } from '../../shared/store/stats.js';
import { aRegistration } from '../support/builders.js';
import { aCampaign, storeCampaign } from '../support/campaign-run.js';
import { freshDb } from '../support/db.js';
import { phoneWorld, shanghai } from '../support/phone.js';

// a table per test: the planner's cursor and today's figures are the table's own
let db: Awaited<ReturnType<typeof freshDb>>;
beforeEach(async () => {
  db = await freshDb();
});

const ON = '2025-07-01';
/** days of virtual time with a planner run every 5 minutes: slower than most tests */
const LONG = 180_000;
/** category A: 81 and living alone */
const anA = (phone: string, township = '潮连街道') =>
  aRegistration({
    age: 81,
    on: ON,
    living: 'alone',
    phone,
    region: { county: '440703', township, village: '芝山村' },
  });
/** category B: 70, severe disability, living alone */
const aB = (phone: string) => aRegistration({ age: 70, on: ON, living: 'alone', disabilityGrade: 1, phone });
/** category C: 70, with family */
const aC = (phone: string) => aRegistration({ age: 70, on: ON, living: 'withFamily', phone });

/** The local dates (Asia/Shanghai) an elder's check-ins opened on. */
async function checkInDays(elder: Elder): Promise<string[]> {
  const local = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(5, 10);
  return (await listCheckIns(db, elder.id)).map((c) => local(c.openedAt));
}

describe('a typhoon campaign for one township, daily for A and B over three days', () => {
  it(
    'raises the cadence in the target only, plays the script, counts progress and returns to normal',
    async () => {
      const world = phoneWorld(db, shanghai('2025-07-01T07:30:00'));
      const a = await world.elder(anA('13800002001'));
      // pressed 1 on the first call, 2 on the campaign's first call, then 1 again
      const b = await world.elder(aB('13800002002'), { voice: ['press-1', 'press-2', 'press-1'] });
      const c = await world.elder(aC('13800002003'));
      const elsewhere = await world.elder(anA('13800002004', '白沙街道'));
      expect([a.category, b.category, c.category, elsewhere.category]).toEqual(['A', 'B', 'C', 'A']);

      const campaign = aCampaign();
      await storeCampaign(db, campaign, 'scheduled');

      // the start schedule is lost: the planner's sweep starts it on its first run after 08:00 on the 3rd
      await world.runUntil(shanghai('2025-07-03T08:05:00'));
      expect((await getCampaign(db, campaign.id))?.status).toBe('running');
      // activation brought A and B forward to the first window of the campaign (A was due on the 4th)
      expect((await getSchedule(db, a.id))?.nextCheckInAt).toBe(
        shanghai('2025-07-03T09:00:00').toISOString(),
      );
      expect((await getSchedule(db, b.id))?.nextCheckInAt).toBe(
        shanghai('2025-07-03T09:00:00').toISOString(),
      );

      await world.runUntil(shanghai('2025-07-06T12:00:00'));
      // the campaign finished by itself when its window ended
      expect((await getCampaign(db, campaign.id))?.status).toBe('done');

      // a check-in every day of the window for A and B; C and the other township keep their cadence
      expect(await checkInDays(a)).toEqual(['07-01', '07-03', '07-04', '07-05']);
      expect(await checkInDays(b)).toEqual(['07-01', '07-03', '07-04', '07-05']);
      expect(await checkInDays(c)).toEqual(['07-01']);
      expect(await checkInDays(elsewhere)).toEqual(['07-01', '07-04']);

      // the campaign's check-ins carry it; the ones before it do not
      const aCheckIns = await listCheckIns(db, a.id);
      expect(aCheckIns.map((x) => x.campaignId)).toEqual([undefined, campaign.id, campaign.id, campaign.id]);
      // a campaign call plays the script (Cantonese, the elder's language) between greeting and keys
      const campaignCall = world.network.calls.find(
        (call) => call.context.ref === aCheckIns[1]?.id && call.context.purpose === 'checkIn',
      );
      const spoken = campaignCall?.prompts[0] ?? '';
      expect(spoken).toContain('台风就嚟，请关好门窗，唔好出街。');
      expect(spoken.indexOf('平安回访')).toBeLessThan(spoken.indexOf('台风就嚟'));
      expect(spoken.indexOf('台风就嚟')).toBeLessThan(spoken.indexOf('请按一字'));
      // the first check-in's call has no script
      const firstCall = world.network.calls.find((call) => call.context.ref === aCheckIns[0]?.id);
      expect(firstCall?.prompts[0]).not.toContain('台风');

      // B pressed 2 on the campaign's first call: a case tagged with the campaign
      const bCheckIns = await listCheckIns(db, b.id);
      expect(bCheckIns[1]).toMatchObject({ status: 'needsHelp', campaignId: campaign.id });
      const helpCase = await getCase(db, bCheckIns[1]?.caseId as string);
      expect(helpCase).toMatchObject({ reason: 'needsHelp', campaignId: campaign.id });

      expect(await getCampaignProgress(db, campaign.id)).toEqual({
        started: 6,
        well: 5,
        needsHelp: 1,
        notReached: 0,
        casesOpened: 1,
        casesClosed: 0,
      });
      await closeCaseByStaff(world.deps, helpCase?.id as string, 'visited', 'countyAdmin:test');
      // closing twice counts once
      await closeCaseByStaff(world.deps, helpCase?.id as string, 'visited', 'countyAdmin:test');
      expect((await getCampaignProgress(db, campaign.id)).casesClosed).toBe(1);

      // after the window: back to the normal cadence (A every 3 days, B every 7, from the last check-in)
      expect((await getSchedule(db, a.id))?.nextCheckInAt).toBe(
        shanghai('2025-07-08T09:00:00').toISOString(),
      );
      expect((await getSchedule(db, b.id))?.nextCheckInAt).toBe(
        shanghai('2025-07-12T09:00:00').toISOString(),
      );
      expect((await getSchedule(db, c.id))?.nextCheckInAt).toBe(
        shanghai('2025-07-15T09:00:00').toISOString(),
      );

      // today's figures of the 3rd: two check-ins opened and called in the township, one needing help
      expect(await getDayStatsOfTownship(db, '2025-07-03', '440703', '潮连街道')).toEqual({
        checkInsOpened: 2,
        callsPlaced: 2,
        textsSent: 0,
        well: 1,
        needsHelp: 1,
        notReached: 0,
      });
      // the 4th: the campaign's two and the other township's normal one, in the county's total
      expect((await getDayStatsByCounty(db, '2025-07-04'))['440703']).toMatchObject({
        checkInsOpened: 3,
        well: 3,
      });
      expect(world.queue.deadLetters).toHaveLength(0);
    },
    LONG,
  );

  it(
    'a paused campaign raises no cadence',
    async () => {
      const world = phoneWorld(db, shanghai('2025-07-01T07:30:00'));
      const a = await world.elder(anA('13800003001'));
      const campaign = aCampaign();
      const stored = await storeCampaign(db, campaign, 'scheduled');
      // started (and A brought forward to 09:00 on the 3rd), then paused before that check-in
      await world.runUntil(shanghai('2025-07-03T08:30:00'));
      const running = await getCampaign(db, campaign.id);
      expect(running?.status).toBe('running');
      await storeCampaign(db, { ...campaign, history: running?.history ?? [] }, 'paused', running ?? stored);

      await world.runUntil(shanghai('2025-07-06T12:00:00'));
      // not the campaign's (paused): the next one comes at A's normal 3 days, not the next day
      expect(await checkInDays(a)).toEqual(['07-01', '07-03', '07-06']);
      expect((await listCheckIns(db, a.id)).map((x) => x.campaignId)).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      expect((await getCampaignProgress(db, campaign.id)).started).toBe(0);
    },
    LONG,
  );

  it(
    'resumed, the audience rejoins the campaign at its next round',
    async () => {
      const world = phoneWorld(db, shanghai('2025-07-01T07:30:00'));
      const a = await world.elder(anA('13800003101'));
      const campaign = aCampaign();
      await storeCampaign(db, campaign, 'scheduled');
      await world.runUntil(shanghai('2025-07-03T08:30:00'));
      const running = await getCampaign(db, campaign.id);
      const paused = await storeCampaign(
        db,
        { ...campaign, history: running?.history ?? [] },
        'paused',
        running,
      );
      // paused through the check-in of the 3rd: the next one is at the normal cadence (the 6th)
      await world.runUntil(shanghai('2025-07-04T12:00:00'));
      expect((await getSchedule(db, a.id))?.nextCheckInAt).toBe(
        shanghai('2025-07-06T09:00:00').toISOString(),
      );
      // resumed at noon on the 4th (as the campaign API records it)
      const resumedAt = world.timeline.now().toISOString();
      await storeCampaign(
        db,
        {
          ...campaign,
          history: [
            ...paused.history,
            { at: resumedAt, by: 'countyAdmin:test', from: 'paused', to: 'running' },
          ],
        },
        'running',
        paused,
      );
      await world.runUntil(shanghai('2025-07-06T12:00:00'));
      // the planner's sweep brought A to the campaign's next round, 09:00 on the 5th
      expect(await checkInDays(a)).toEqual(['07-01', '07-03', '07-05']);
      expect((await listCheckIns(db, a.id)).map((x) => x.campaignId)).toEqual([
        undefined,
        undefined,
        campaign.id,
      ]);
      expect((await getSchedule(db, a.id))?.nextCheckInAt).toBe(
        shanghai('2025-07-08T09:00:00').toISOString(),
      );
    },
    LONG,
  );

  it(
    'a text check-in of the campaign carries its message and keeps the reply keys',
    async () => {
      const world = phoneWorld(db, shanghai('2025-07-01T07:30:00'));
      const a = await world.elder({ ...anA('13800005001'), channel: 'sms' }, { sms: 'reply-1' });
      const campaign = aCampaign();
      await storeCampaign(db, campaign, 'scheduled');
      await world.runUntil(shanghai('2025-07-03T12:00:00'));
      const texts = world.network.texts.filter((t) => t.to === a.phone && t.purpose === 'checkIn');
      expect(texts).toHaveLength(2);
      expect(texts[0]?.text).not.toContain('台风');
      expect(texts[1]?.text).toContain('台风将至，请关好门窗，不要外出。');
      expect(texts[1]?.text).toContain('平安请回复1，需要帮助请回复2');
      expect(await getCampaignProgress(db, campaign.id)).toMatchObject({ started: 1, well: 1 });
      expect(await getDayStatsOfTownship(db, '2025-07-03', '440703', '潮连街道')).toMatchObject({
        checkInsOpened: 1,
        textsSent: 1,
        callsPlaced: 0,
        well: 1,
      });
    },
    LONG,
  );

  it(
    'a campaign finished before it ever started is done, and pulls nobody',
    async () => {
      const world = phoneWorld(db, shanghai('2025-07-10T07:30:00'));
      const a = await world.elder(anA('13800004001'));
      const campaign = aCampaign();
      await storeCampaign(db, campaign, 'scheduled');
      await world.runUntil(shanghai('2025-07-10T12:00:00'));
      const before = await getSchedule(db, a.id);
      const result = await runCampaignAction(world.deps, { campaignId: campaign.id, action: 'start' });
      expect(result).toMatchObject({ status: 'done', activation: 'none' });
      expect(await getSchedule(db, a.id)).toEqual(before);
    },
    LONG,
  );
});
