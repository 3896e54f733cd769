import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateInPolicyZone } from '../../shared/time.js';
import { SHOTS } from '../support/browser.js';
import { h1, launchChromium, logIn, nav, personBrowser, phoneState } from '../support/console.js';
import { LocalStack } from '../support/local-stack.js';

/**
 * The register and the city-wide pages in the console (issue 13, parts 2, 3 and 8): as the city
 * administrator the dashboard, cases, register and reports load with no error and no failed API call;
 * as a county administrator a search by phone number finds an elder who is not on the first page,
 * with the total; forms submitted empty or with wrong values show no raw validation text.
 * Screenshots test-results/console-register-*.png at 1280 px and at tablet width.
 */
const CLOCK_START = `${dateInPolicyZone(new Date())}T10:05:00+08:00`;
const PENGJIANG = '440703';
const stack = new LocalStack({ ANXIN_CLOCK_START: CLOCK_START, ANXIN_LOG_LEVEL: 'INFO' });
let browser: Browser;

/** What a raw validation message looks like: zod's words, an enum or an internal path. */
const RAW =
  /数值过小|数值过大|expected|Invalid|invalid_|too_small|too_big|Required|region\.|emergencyContacts|body\.|query\.|\b[a-z]+\.[a-z]+\.\d/;

beforeAll(async () => {
  await stack.start();
  browser = await launchChromium();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await stack.dispose();
});

/** Records every page error and every API answer of 400 or more while `run` goes. */
async function watched(page: Page, run: () => Promise<void>): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.url().includes('/api/') && r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await run();
  return problems;
}

async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.loading').count(), { timeout: 30_000 }).toBe(0);
}

describe('the city administrator', () => {
  it.each([
    { name: 'desktop', width: 1280, height: 900 },
    { name: 'tablet', width: 768, height: 1024 },
  ])(
    'sees the dashboard, cases, register and reports of every county with no error ($width px)',
    async (viewport) => {
      const { context, page } = await personBrowser(browser, viewport);
      try {
        const problems = await watched(page, async () => {
          await logIn(page, stack.base, 'city-admin');
          for (const [link, heading] of [
            ['概览', '概览'],
            ['求助事件', '求助事件'],
            ['老年人名册', '老年人名册'],
            ['报表', '报表'],
          ] as const) {
            await nav(page).getByRole('link', { name: link, exact: true }).click();
            await h1(page).filter({ hasText: heading }).waitFor();
            await settled(page);
            await expect(page.locator('main [role=alert]:visible').allTextContents()).resolves.toEqual([]);
            await page.screenshot({
              path: `${SHOTS}/console-register-city-${link}-${viewport.width}.png`,
              fullPage: true,
            });
          }
        });
        expect(problems).toEqual([]);
        // the register's totals put the counties side by side
        await nav(page).getByRole('link', { name: '老年人名册', exact: true }).click();
        await settled(page);
        await expect(page.locator('main dl.figures dt').count()).resolves.toBeGreaterThan(1);
      } finally {
        await context.close();
      }
    },
  );
});

describe('a county administrator', () => {
  it('finds by phone number an elder who is not on the first page, and sees the total', async () => {
    // an elder on the second page of the register sorted by name, and their phone on the simulated network
    const reply = await stack.get(`/api/elders/search?county=${PENGJIANG}&page=2&pageSize=20`);
    const second = (await reply.json()) as { total: number; items: { id: string; name: string }[] };
    expect(second.total).toBeGreaterThan(20);
    const phones = (await phoneState(stack)).phones;
    const target = second.items.find((e) => phones.some((p) => p.kind === 'elder' && p.id === e.id));
    if (!target) throw new Error('no elder of page 2 with a phone on the simulated network');
    const number = phones.find((p) => p.id === target.id)?.number.replace(/^\+86/, '') ?? '';

    const { context, page } = await personBrowser(browser);
    try {
      await logIn(page, stack.base, 'pengjiang-admin');
      await nav(page).getByRole('link', { name: '老年人名册', exact: true }).click();
      await settled(page);
      await expect(
        page
          .getByRole('status')
          .filter({ hasText: /^共 \d+ 人$/ })
          .first()
          .textContent(),
      ).resolves.toBe(`共 ${second.total} 人`);
      // not on the first page
      await expect(page.locator('tbody th a', { hasText: target.name }).count()).resolves.toBe(0);
      // the number typed as people do, with spaces
      await page
        .getByLabel('查找老年人')
        .fill(`${number.slice(0, 3)} ${number.slice(3, 7)} ${number.slice(7)}`);
      await page.getByLabel('查找老年人').press('Enter');
      await page.locator('tbody th a', { hasText: target.name }).first().waitFor();
      await expect(
        page
          .getByRole('status')
          .filter({ hasText: /^共 1 人$/ })
          .count(),
      ).resolves.toBeGreaterThan(0);
      // the number is shown masked
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).not.toContain(number);
      await page.screenshot({ path: `${SHOTS}/console-register-search-1280.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('shows no raw validation text after an empty or a wrong form', async () => {
    const { context, page } = await personBrowser(browser);
    try {
      await logIn(page, stack.base, 'pengjiang-admin');
      const check = async (shot: string) => {
        await page.locator('.field-error, [role=alert]').filter({ hasText: /\S/ }).first().waitFor();
        const text = (await page.locator('main').textContent()) ?? '';
        expect(text).not.toMatch(RAW);
        await page.screenshot({ path: `${SHOTS}/console-register-form-${shot}.png`, fullPage: true });
      };
      // a new elder: empty, then wrong values
      await page.goto(`${stack.base}/#/elders/new`);
      await h1(page).filter({ hasText: '登记老年人' }).waitFor();
      await page.getByRole('button', { name: '登记', exact: true }).click();
      await check('elder-empty');
      await page.getByLabel('姓名').fill('测');
      await page.getByLabel('出生日期').fill('2030-01-01');
      await page.getByLabel('身份证号').fill('123');
      await page.getByLabel('联系电话').fill('12');
      await page.getByRole('button', { name: '登记', exact: true }).click();
      await check('elder-wrong');
      // a new contact: empty
      await page.goto(`${stack.base}/#/contacts/new`);
      await h1(page).filter({ hasText: '新增联系人' }).waitFor();
      await page.getByRole('button', { name: '创建联系人' }).click();
      await check('contact-empty');
      // a new campaign: empty
      await page.goto(`${stack.base}/#/campaigns/new`);
      await h1(page).filter({ hasText: '新建行动' }).waitFor();
      await page.getByRole('button', { name: '保存草稿' }).click();
      await check('campaign-empty');
      // an elder's category raised without a reason, and a status with a note too long
      await nav(page).getByRole('link', { name: '老年人名册', exact: true }).click();
      await page.locator('tbody th a').first().click();
      await page.getByRole('heading', { name: '提高类别' }).waitFor();
      await page.getByRole('button', { name: '提高类别' }).click();
      await check('category-empty');
      // the reports' scope with a township that is not there
      await nav(page).getByRole('link', { name: '报表', exact: true }).click();
      await page.getByLabel('月份').fill('');
      await page.getByRole('group', { name: '月度统计表' }).getByRole('button', { name: '下载 CSV' }).click();
      await check('reports-empty-month');
    } finally {
      await context.close();
    }
  });
});
