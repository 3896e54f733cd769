import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEV_LINK_SECRET, visitLinkFor } from '../../shared/homevisits/links.js';
import { dateInPolicyZone } from '../../shared/time.js';
import { phoneBrowser, SHOTS } from '../support/browser.js';
import { LocalStack } from '../support/local-stack.js';

/**
 * A visit contact records a home visit from a signed link on a phone-sized browser: `npm start`, a
 * link for a demo elder and the paired contact (signed with the local-only dev secret, as the
 * reminder texts sign them locally), the form in headless Chromium at 360 px, a safety risk ticked.
 */
const CLOCK_START = `${dateInPolicyZone(new Date())}T10:05:00+08:00`;

const stack = new LocalStack({ ANXIN_CLOCK_START: CLOCK_START, ANXIN_LOG_LEVEL: 'INFO' });
let closeBrowser: (() => Promise<void>) | undefined;
let page: Page;

beforeAll(async () => {
  await stack.start();
  ({ page, close: closeBrowser } = await phoneBrowser({ width: 360, height: 740 }));
});

afterAll(async () => {
  await closeBrowser?.();
  await stack.dispose();
});

describe('the visit page', () => {
  it('records a home visit with a safety risk from the link, on a 360 px screen', async () => {
    const list = (await (await stack.get(`/api/elders?county=440703&limit=50`)).json()) as {
      items: { id: string; contactId?: string; status: string; name: string; phone: string }[];
    };
    const elder = list.items.find((e) => e.contactId && e.status === 'active');
    if (!elder?.contactId) throw new Error('no paired active elder in the demo register');
    const link = visitLinkFor(LOCAL_DEV_LINK_SECRET, stack.base, elder.id, elder.contactId, new Date());
    const token = link.split('/v/')[1] ?? '';

    await page.goto(link);
    await expect(
      page
        .getByText(`${[...elder.name][0]}*`, { exact: false })
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    const body = await page.content();
    expect(body).not.toContain(elder.name);
    expect(body).not.toContain(elder.phone.slice(-8));
    // nothing wider than the screen
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await page.screenshot({ path: `${SHOTS}/visit-page-form.png`, fullPage: true });

    await page.getByLabel('身体状况').fill('血压平稳，行动缓慢');
    await page.getByRole('checkbox', { name: /跌倒/ }).check();
    await page.getByRole('button', { name: /提交探访记录/ }).click();
    await page.getByText('探访记录已保存').waitFor();
    await expect(page.getByText('已生成跟进事项').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${SHOTS}/visit-page-recorded.png`, fullPage: true });

    const month = dateInPolicyZone(new Date(CLOCK_START)).slice(0, 7);
    const compliance = (await (
      await stack.get(`/api/elders/${elder.id}/compliance?month=${month}`)
    ).json()) as { monthlyMet: boolean };
    expect(compliance.monthlyMet).toBe(true);
    const followUps = (await (await stack.get(`/api/elders/${elder.id}/follow-ups`)).json()) as {
      items: { reason: string; risks: string[] }[];
    };
    expect(followUps.items).toContainEqual(
      expect.objectContaining({ reason: 'safetyRisk', risks: ['falls'] }),
    );
    // the log names the route, never the token (it names an elder and a contact)
    expect(stack.output).not.toContain(token);
  });

  it('refuses a forged link with a clear page', async () => {
    const response = await page.goto(`${stack.base}/v/bm90LWEtbGluaw.c2lnbmF0dXJl`);
    expect(response?.status()).toBe(403);
    await expect(page.getByText('链接无效').isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${SHOTS}/visit-page-refused.png` });
  });
});
