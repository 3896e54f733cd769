import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { festivalTemplates } from '../../shared/campaigns/festivals.js';
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
 * Double Ninth (重阳节, issue 5, "Done when"): on the festival morning a county administrator of 蓬江区
 * opens the festival template in the web console, previews the county's audience, starts the campaign
 * (small enough to need no second approval), the greeting calls go out with the festival script, the
 * elders answered by hand press 1, the progress "reached and well" rises, and the month's report counts
 * those calls as remote (automated) visits. `npm start` with its clock on the festival at 09:05,
 * headless Chromium at 1280 px; screenshots test-results/double-ninth-*.png.
 */
const YEAR = 2026;
const DOUBLE_NINTH = festivalTemplates(YEAR).find((t) => t.id === 'doubleNinth');
if (!DOUBLE_NINTH) throw new Error('no Double Ninth template');
const FESTIVAL_DAY = DOUBLE_NINTH.date;
const MONTH = FESTIVAL_DAY.slice(0, 7);
const PENGJIANG = '440703';
const stack = new LocalStack(
  // the festival morning, inside the calling window; no CAMPAIGN_APPROVAL_THRESHOLD: the default (500)
  { ANXIN_CLOCK_START: `${FESTIVAL_DAY}T09:05:00+08:00`, ANXIN_LOG_LEVEL: 'INFO' },
  'pengjiang-admin',
);

interface MonthlyReport {
  month: string;
  scope: { county: string | null };
  total: { visits: { home: number; phone: number; video: number; automated: number } };
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let register: ElderItem[] = [];
/** the hand-answered voice elders of 蓬江区 the festival campaign (A and B) reaches */
const answered: { id: string; number: string; language: 'yue' | 'cmn' }[] = [];
let campaignId = '';
let automatedBefore = 0;

const receives = (e: ElderItem) => e.status === 'active' && e.consent === 'accepted';

/** The monthly report as the reports page downloads it (JSON), for the month of the festival. */
async function monthlyReportFromPage(p: Page): Promise<MonthlyReport> {
  await openFromNav(p, '报表');
  await p.getByLabel('月份').fill(MONTH);
  const [download] = await Promise.all([
    p.waitForEvent('download'),
    p.getByRole('group', { name: '月度统计表' }).getByRole('button', { name: '下载 JSON' }).click(),
  ]);
  return JSON.parse(readFileSync((await download.path()) as string, 'utf8')) as MonthlyReport;
}

beforeAll(async () => {
  await stack.start();
  browser = await launchChromium();
  ({ context, page } = await personBrowser(browser));
  register = await allElders(stack, PENGJIANG);
  const state = await phoneState(stack);
  for (const p of state.phones) {
    const e = register.find((x) => x.id === p.id);
    if (p.kind === 'elder' && p.channel === 'voice' && e && e.category !== 'C' && receives(e))
      answered.push({ id: e.id, number: p.number, language: e.language });
  }
  if (answered.length < 2) throw new Error('fewer than two hand-answered A or B voice elders on /phone');
}, 900_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack.dispose();
});

describe('a Double Ninth campaign for a county, from the festival template', () => {
  it("reads the month's report before the festival calls", async () => {
    await logIn(page, stack.base, 'pengjiang-admin');
    const before = await monthlyReportFromPage(page);
    expect(before.month).toBe(MONTH);
    expect(before.scope.county).toBe(PENGJIANG);
    automatedBefore = before.total.visits.automated;
    await shot(page, 'double-ninth-1-report-before');
  });

  it("prefills the campaign from the 重阳节 template, and previews the county's A and B elders", async () => {
    await openFromNav(page, '专项关爱行动');
    await page.getByRole('link', { name: '新建行动' }).click();
    await h1(page).filter({ hasText: '新建行动' }).waitFor();
    const year = page.getByLabel('年份');
    await year.fill(String(YEAR));
    await year.press('Tab');
    const template = page.getByLabel('节日');
    await expect
      .poll(() => template.getByRole('option').allTextContents())
      .toContain(`重阳节（${FESTIVAL_DAY}）`);
    await template.selectOption({ label: `重阳节（${FESTIVAL_DAY}）` });
    await page.getByRole('button', { name: '套用模板' }).click();

    await expect(page.getByLabel('名称').inputValue()).resolves.toBe(`重阳节 ${YEAR}`);
    await expect(page.getByLabel('类型').inputValue()).resolves.toBe('festival');
    await expect(page.getByLabel('开始').inputValue()).resolves.toBe(`${DOUBLE_NINTH.window.start}T00:00`);
    await expect(page.getByLabel('电话语音（粤语）').inputValue()).resolves.toBe(
      DOUBLE_NINTH.messages.script.yue,
    );
    await expect(page.getByLabel('电话语音（普通话）').inputValue()).resolves.toBe(
      DOUBLE_NINTH.messages.script.cmn,
    );
    await expect(page.getByLabel('短信内容（含安全提示）').inputValue()).resolves.toBe(
      DOUBLE_NINTH.messages.text,
    );
    await expect(page.getByRole('checkbox', { name: 'C 类' }).isChecked()).resolves.toBe(false);

    // the whole county's A and B elders who receive check-ins, as the register says through the API
    const a = register.filter((e) => receives(e) && e.category === 'A').length;
    const b = register.filter((e) => receives(e) && e.category === 'B').length;
    await expect
      .poll(() => tableRows(page, '覆盖人数（按县和类别）'))
      .toEqual([['蓬江区', String(a), String(b), '0', String(a + b)]]);
    // well under the approval threshold: no second administrator needed
    await expect(page.getByText('须另一位管理员批准后才能开始').count()).resolves.toBe(0);
    await shot(page, 'double-ninth-2-template-preview');

    await page.getByRole('button', { name: '保存草稿' }).click();
    await h1(page)
      .filter({ hasText: `重阳节 ${YEAR}` })
      .waitFor();
    campaignId = /#\/campaigns\/([A-Za-z0-9-]+)$/.exec(page.url())?.[1] ?? '';
    expect(campaignId).not.toBe('');
    await expect(campaignStatus(page).textContent()).resolves.toContain('草稿');
    // nobody reached yet
    await expect.poll(() => figure(campaignProgress(page), '已联系上且安好')).toBe(0);
  });

  it('starts it at once, and the greeting calls go out with the festival script', async () => {
    await page.getByRole('button', { name: '开始', exact: true }).click();
    await expect.poll(() => campaignStatus(page).textContent()).toMatch(/待开始|进行中/);

    // the planner runs every 5 minutes; plan-now runs it at once. The calls go out at the provider's
    // pace: each elder answered by hand picks up when their phone rings, hears the festival greeting in
    // their language, and presses 1 (all well)
    const done = new Set<string>();
    const giveUpAt = Date.now() + 120_000;
    while (done.size < answered.length && Date.now() < giveUpAt) {
      await planNow(stack);
      for (const e of answered) {
        const call = done.has(e.id) ? undefined : await ringing(stack, e.number);
        if (!call) continue;
        if (done.size === 0) await shot(page, 'double-ninth-3-calls-going-out');
        await answer(stack, call.providerId);
        await expect
          .poll(async () => ((await callById(stack, call.providerId))?.prompts ?? []).join('\n'))
          .toContain(DOUBLE_NINTH.messages.script[e.language]);
        await press(stack, call.providerId, '1');
        await expect
          .poll(async () => (await callById(stack, call.providerId))?.digits ?? '', { timeout: 20_000 })
          .toContain('1');
        done.add(e.id);
      }
      await page.waitForTimeout(1000);
    }
    expect(done.size).toBe(answered.length);
    await expect.poll(() => campaignStatus(page).textContent(), { timeout: 20_000 }).toContain('进行中');
    await expect
      .poll(() => figure(campaignProgress(page), '已发起问候'), { timeout: 20_000 })
      .toBeGreaterThan(0);
  }, 180_000);

  it('shows "reached and well" rising on the campaign page', async () => {
    await waitLoaded(page);
    await expect
      .poll(() => figure(campaignProgress(page), '已联系上且安好'), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(answered.length);
    const api = (await (await stack.get(`/api/campaigns/${campaignId}/progress`)).json()) as {
      started: number;
      well: number;
    };
    expect(api.well).toBeGreaterThanOrEqual(answered.length);
    expect(api.well).toBeLessThanOrEqual(api.started);
    await shot(page, 'double-ninth-4-progress');
  });

  it("counts the festival calls answered as remote visits in the month's report", async () => {
    const { well } = (await (await stack.get(`/api/campaigns/${campaignId}/progress`)).json()) as {
      well: number;
    };
    const after = await monthlyReportFromPage(page);
    // every elder reached and well is one automated (remote) visit of the county this month
    expect(after.total.visits.automated - automatedBefore).toBeGreaterThanOrEqual(well);
    await shot(page, 'double-ninth-5-report-after');
  });
});
