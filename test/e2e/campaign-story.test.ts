import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDaysIso, dateInPolicyZone } from '../../shared/time.js';
import {
  allElders,
  answer,
  callById,
  campaignProgress,
  campaignStatus,
  type ElderItem,
  figure,
  h1,
  launchChromium,
  logIn,
  logOut,
  openFromNav,
  personBrowser,
  phoneState,
  planNow,
  press,
  ringing,
  shot,
  tableRows,
  waitLoaded,
} from '../support/console.js';
import { LocalStack } from '../support/local-stack.js';

/**
 * A typhoon is coming (issue 5, section 5): county administrator A of 蓬江区 drafts a typhoon campaign
 * for one township in the web console, previews its audience, cannot start it alone (the stack's
 * approval threshold is 1 elder), administrator B approves and starts it, the check-in calls go out
 * with the typhoon script, one elder presses 2, the needs-help case appears and is closed, and the
 * campaign's progress says so. 新会区's administrator sees none of it. `npm start` as a person runs it,
 * headless Chromium at 1280 px; screenshots test-results/typhoon-*.png.
 */
const DAY = dateInPolicyZone(new Date());
// inside the morning calling window (09:00-11:30), whatever the real hour
const CLOCK_START = `${DAY}T09:05:00+08:00`;
const PENGJIANG = '440703';
const stack = new LocalStack(
  { ANXIN_CLOCK_START: CLOCK_START, ANXIN_LOG_LEVEL: 'INFO', CAMPAIGN_APPROVAL_THRESHOLD: '1' },
  'pengjiang-admin',
);
const TITLE = '台风「海葵」防御关爱';
const SCRIPT = {
  yue: '台风海葵就嚟，请留喺屋企，关好门窗，唔好出街。',
  cmn: '台风海葵即将到来，请留在家中，关好门窗，不要外出。',
};
const TEXT = '【安心】台风将至，请关好门窗、留在家中，备好饮用水和手电筒。需要帮助请回复2。';

let browser: Browser;
/** the elder whose phone a person answers at /phone, and their township: the campaign's target */
let elder: { id: string; name: string; number: string; township: string; language: 'yue' | 'cmn' };
let register: ElderItem[] = [];
let campaignUrl = '';
let campaignId = '';
const people: BrowserContext[] = [];

async function person(): Promise<Page> {
  const { context, page } = await personBrowser(browser);
  people.push(context);
  return page;
}

beforeAll(async () => {
  await stack.start();
  browser = await launchChromium();
  register = await allElders(stack, PENGJIANG);
  // the first hand-answered voice elder whom a campaign for A and B reaches
  const state = await phoneState(stack);
  for (const p of state.phones) {
    if (p.kind !== 'elder' || p.channel !== 'voice') continue;
    const e = register.find((x) => x.id === p.id);
    if (e && e.category !== 'C' && e.status === 'active' && e.consent === 'accepted') {
      elder = { id: e.id, name: p.name, number: p.number, township: e.region.township, language: e.language };
      break;
    }
  }
  if (!elder) throw new Error('no hand-answered voice elder of category A or B on /phone');
}, 900_000);

afterAll(async () => {
  for (const c of people) await c.close();
  await browser?.close();
  await stack.dispose();
});

describe('a typhoon campaign for one township, from the console', () => {
  let a: Page;

  it("administrator A drafts it, and the preview counts the township's elders by category", async () => {
    a = await person();
    await logIn(a, stack.base, 'pengjiang-admin');
    await openFromNav(a, '专项关爱行动');
    await a.getByRole('link', { name: '新建行动' }).click();
    await h1(a).filter({ hasText: '新建行动' }).waitFor();

    await a.getByLabel('名称').fill(TITLE);
    await a.getByLabel('类型').selectOption({ label: '台风' });
    await a.getByLabel('蓬江区的目标镇（街道）').fill(elder.township);
    // A and B, C left out; A twice a day, B daily
    await a.getByRole('checkbox', { name: 'A 类' }).check();
    await a.getByRole('checkbox', { name: 'B 类' }).check();
    await a.getByRole('checkbox', { name: 'C 类' }).uncheck();
    await a.getByLabel('A 类问候频率').selectOption({ label: '每 12 小时一次' });
    await a.getByLabel('B 类问候频率').selectOption({ label: '每 24 小时一次' });
    await a.getByLabel('开始').fill(`${DAY}T09:05`);
    await a.getByLabel('结束').fill(`${addDaysIso(DAY, 2)}T09:05`);
    await a.getByLabel('电话语音（粤语）').fill(SCRIPT.yue);
    await a.getByLabel('电话语音（普通话）').fill(SCRIPT.cmn);
    await a.getByLabel('短信内容（含安全提示）').fill(TEXT);
    await a.getByRole('button', { name: '预估', exact: true }).click();

    // what the register says, read through the API as the same administrator
    const inTownship = register.filter(
      (e) =>
        e.region.township === elder.township &&
        e.status === 'active' &&
        e.consent === 'accepted' &&
        e.category !== 'C',
    );
    const expected = {
      A: inTownship.filter((e) => e.category === 'A').length,
      B: inTownship.filter((e) => e.category === 'B').length,
    };
    expect(expected.A + expected.B).toBeGreaterThan(1);
    const rows = await tableRows(a, '覆盖人数（按县和类别）');
    expect(rows).toEqual([
      ['蓬江区', String(expected.A), String(expected.B), '0', String(inTownship.length)],
    ]);
    await expect(
      a.getByText(`覆盖 ${inTownship.length} 位老年人`, { exact: true }).isVisible(),
    ).resolves.toBe(true);
    // over the stack's threshold of 1: the preview says a second administrator must approve
    await a.getByText('须另一位管理员批准后才能开始').waitFor();
    await shot(a, 'typhoon-1-new-preview');

    await a.getByRole('button', { name: '保存草稿' }).click();
    await h1(a).filter({ hasText: TITLE }).waitFor();
    campaignUrl = a.url();
    campaignId = /#\/campaigns\/([A-Za-z0-9-]+)$/.exec(campaignUrl)?.[1] ?? '';
    expect(campaignId).not.toBe('');
    await a
      .getByText('行动状态：草稿')
      .or(a.getByText('草稿', { exact: true }))
      .first()
      .waitFor();
    await expect(a.getByText('需由另一位管理员批准后才能开始。').isVisible()).resolves.toBe(true);
    await shot(a, 'typhoon-2-draft');
  });

  it('refuses to start it without a second administrator', async () => {
    // the console holds the start button back and says why, tied to the button
    const start = a.getByRole('button', { name: '开始', exact: true });
    await expect(start.getAttribute('aria-disabled')).resolves.toBe('true');
    const hint = (await start.getAttribute('aria-describedby')) ?? '';
    await expect(a.locator(`[id="${hint}"]`).textContent()).resolves.toBe('需由另一位管理员批准后才能开始。');
    // and the API refuses it all the same
    const refused = await stack.post(`/api/campaigns/${campaignId}/start`, {});
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('须经另一位管理员审批后才能开始');
    // nothing changed: still a draft, and the API agrees
    const reply = await stack.get(`/api/campaigns/${campaignId}`);
    expect(((await reply.json()) as { status: string }).status).toBe('draft');
    await expect(a.getByRole('button', { name: '批准' }).count()).resolves.toBe(0);
    await shot(a, 'typhoon-3-start-refused');
    await logOut(a);
  });

  it('administrator B of the same county approves and starts it', async () => {
    const b = a;
    await logIn(b, stack.base, 'pengjiang-admin2');
    await openFromNav(b, '专项关爱行动');
    await b.getByRole('link', { name: TITLE }).click();
    await h1(b).filter({ hasText: TITLE }).waitFor();
    await b.getByRole('button', { name: '批准' }).click();
    await b.getByText('行动状态：已批准').waitFor();
    await b.getByRole('button', { name: '开始', exact: true }).click();
    // its window has begun: scheduled, and running as soon as its start timer (or the planner) runs it
    await expect.poll(() => campaignStatus(b).textContent()).toMatch(/待开始|进行中/);
    await shot(b, 'typhoon-4-approved-started');
  });

  it("calls the township's elders with the typhoon script; one presses 2 for help", async () => {
    const b = a;
    // the planner runs every 5 minutes; plan-now runs it at once
    await expect
      .poll(
        async () => {
          await planNow(stack);
          return ringing(stack, elder.number);
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBeDefined();
    const call = (await ringing(stack, elder.number)) as NonNullable<Awaited<ReturnType<typeof ringing>>>;
    await expect.poll(() => campaignStatus(b).textContent(), { timeout: 20_000 }).toContain('进行中');
    const history = await tableRows(b, '状态变更记录（谁、何时）');
    expect(history.map((r) => r[3])).toEqual(['草稿', '已批准', '待开始', '进行中']);
    expect(history[1]?.[1]).toContain('pengjiang-admin2');
    // every campaign check-in went to an elder of the township, of category A or B
    const tagged: string[] = [];
    for (const e of register) {
      const reply = await stack.get(`/api/elders/${e.id}/check-ins`);
      const { items } = (await reply.json()) as { items: { campaignId?: string }[] };
      if (items.some((c) => c.campaignId === campaignId)) tagged.push(e.id);
    }
    expect(tagged).toContain(elder.id);
    for (const id of tagged) {
      const e = register.find((x) => x.id === id);
      expect(e?.region.township).toBe(elder.township);
      expect(e?.category).not.toBe('C');
    }
    // and the monitor counts them as they go out
    await expect
      .poll(() => figure(campaignProgress(b), '已发起问候'), { timeout: 20_000 })
      .toBe(tagged.length);
    await shot(b, 'typhoon-5-calls-going-out');

    // the elder picks up: the typhoon script in their language, then the keys; 2 asks for help
    await answer(stack, call.providerId);
    await expect
      .poll(async () => ((await callById(stack, call.providerId))?.prompts ?? []).join('\n'))
      .toContain(SCRIPT[elder.language]);
    await press(stack, call.providerId, '2');
    await expect
      .poll(async () => (await callById(stack, call.providerId))?.digits ?? '', { timeout: 20_000 })
      .toContain('2');

    // the phones page shows the call as a person would see it
    const phones = await person();
    await phones.goto(`${stack.base}/phone`);
    await phones
      .locator(`section[data-id="${elder.id}"]`)
      .getByText(SCRIPT[elder.language])
      .first()
      .waitFor();
    await phones.locator(`section[data-id="${elder.id}"]`).scrollIntoViewIfNeeded();
    await shot(phones, 'typhoon-6-phone-pressed-2');

    await expect
      .poll(() => figure(campaignProgress(b), '需要帮助'), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(1);
    await shot(b, 'typhoon-7-needs-help');
  });

  it('shows the needs-help case on the cases page; acknowledged and closed, the progress says so', async () => {
    const b = a;
    await openFromNav(b, '求助事件');
    const row = b
      .getByRole('table', { name: '求助事件（最新在前）' })
      .getByRole('row')
      .filter({ hasText: '请求帮助' })
      .filter({ hasText: elder.township });
    await row.first().waitFor();
    await shot(b, 'typhoon-8-cases');
    // one elder of the township asked for help: the one who pressed 2
    await expect(row.count()).resolves.toBe(1);
    await row.getByRole('link').click();
    await h1(b).filter({ hasText: '请求帮助' }).waitFor();
    await expect(b.getByRole('link', { name: elder.name }).count()).resolves.toBe(1);
    await b.getByRole('button', { name: '确认已接手处理' }).click();
    await b.getByRole('definition').filter({ hasText: '已确认' }).waitFor();
    await b.getByLabel('处理结果').selectOption({ label: '已上门查看' });
    await b.getByLabel('备注').fill('村委已上门，门窗已加固，老人安好。');
    await b.getByRole('button', { name: '关闭事件' }).click();
    await b.getByRole('definition').filter({ hasText: '已关闭' }).first().waitFor();
    await expect(b.getByRole('definition').filter({ hasText: '已上门查看' }).count()).resolves.toBe(1);
    await shot(b, 'typhoon-9-case-closed');

    // back on the campaign: needs help 1, no case left open
    await b.goto(campaignUrl);
    await h1(b).filter({ hasText: TITLE }).waitFor();
    await waitLoaded(b);
    await expect.poll(() => figure(campaignProgress(b), '需要帮助'), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => figure(campaignProgress(b), '未关闭的事件'), { timeout: 20_000 }).toBe(0);
    const api = (await (await stack.get(`/api/campaigns/${campaignId}/progress`)).json()) as {
      needsHelp: number;
      casesOpen: number;
    };
    expect(api).toMatchObject({ needsHelp: 1, casesOpen: 0, casesOpened: 1, casesClosed: 1 });
    await shot(b, 'typhoon-10-progress');
    await logOut(b);
  });

  it("is not seen by another county's administrator", async () => {
    const x = await person();
    await logIn(x, stack.base, 'xinhui-admin');
    await openFromNav(x, '专项关爱行动');
    await expect(x.getByRole('link', { name: TITLE }).count()).resolves.toBe(0);
    await x.goto(campaignUrl);
    await x.getByRole('alert').filter({ hasText: '未找到该活动' }).waitFor();
    await expect(x.getByText(TITLE).count()).resolves.toBe(0);
    await shot(x, 'typhoon-11-other-county');
    // through the API: exactly what a missing campaign answers
    const token = await stack.login('xinhui-admin');
    const theirs = await stack.get(`/api/campaigns/${campaignId}`, token);
    const missing = await stack.get('/api/campaigns/no-such-campaign', token);
    expect(theirs.status).toBe(404);
    expect(await theirs.text()).toBe(await missing.text());
    const list = (await (await stack.get('/api/campaigns', token)).json()) as { items: { id: string }[] };
    expect(list.items.map((c) => c.id)).not.toContain(campaignId);
  });

  it("never logged the elder's name or number, nor the campaign's messages", () => {
    for (const secret of [elder.name, elder.number.slice(3), SCRIPT.yue, SCRIPT.cmn, TEXT])
      expect(stack.output).not.toContain(secret);
    // the log is there all the same: one line per request, method, route and status
    expect(stack.output).toMatch(/"method":"POST","route":"\/api\/campaigns\/[^"]+\/start","status":200/);
  });
});
