import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateInPolicyZone } from '../../shared/time.js';
import { phoneBrowser, SHOTS } from '../support/browser.js';
import { phoneState } from '../support/console.js';
import { LocalStack } from '../support/local-stack.js';

/**
 * The phone-visit demo as a person uses it: `npm start` (its script, free ports, a temporary data
 * folder, the clock set inside the morning calling window), /phone in a real headless Chromium at a
 * phone's size, a check-in call answered by hand, 2 pressed, and the escalation text arriving on the
 * paired visit contact's phone.
 */
const CLOCK_START = `${dateInPolicyZone(new Date())}T09:05:00+08:00`;

const stack = new LocalStack({ ANXIN_CLOCK_START: CLOCK_START });
let closeBrowser: (() => Promise<void>) | undefined;
let page: Page;

beforeAll(async () => {
  await stack.start();
  ({ page, close: closeBrowser } = await phoneBrowser({ width: 390, height: 844 }));
});

afterAll(async () => {
  await closeBrowser?.();
  await stack.dispose();
});

describe('/phone', () => {
  it('prints where the phones are and the local clock', () => {
    expect(stack.output).toContain(`http://localhost:${stack.port}/phone`);
    expect(stack.output).toMatch(/Clock {12}\d{4}-\d{2}-\d{2} 09:0\d Asia\/Shanghai/);
  });

  it("rings a demo elder's phone, takes 2 on the keypad, and texts the case code to the contact", async () => {
    const state = await phoneState(stack);
    const elder = state.phones.find((p) => p.kind === 'elder' && p.channel === 'voice');
    const contact = state.phones.find((p) => p.number === elder?.contactNumber);
    if (!elder || !contact) throw new Error('no manual voice elder with a contact on /phone');

    await page.goto(`${stack.base}/phone`);
    await expect.poll(() => page.title()).toContain('安心');
    const elderCard = page.locator(`section[data-id="${elder.id}"]`);
    const contactCard = page.locator(`section[data-number="${contact.number}"]`);
    await elderCard.getByRole('heading', { name: elder.name }).waitFor();
    await expect.poll(() => page.locator('#clock').textContent()).toMatch(/ 09:0\d$/);

    await elderCard.getByRole('button', { name: /立即回访/ }).click();
    const answer = elderCard.getByRole('button', { name: /接听/ });
    await answer.waitFor({ timeout: 20_000 });
    // screen readers hear the call through the live region
    await expect.poll(() => page.locator('#announce-call').textContent()).toContain(elder.name);
    await page.screenshot({ path: `${SHOTS}/phone-ringing.png` });

    // the ringing bar at the bottom takes a person to the call; Enter answers it
    await page.getByRole('region', { name: /来电/ }).getByRole('button', { name: elder.name }).click();
    await expect
      .poll(() => answer.evaluate((b) => (b as { matches(selector: string): boolean }).matches(':focus')))
      .toBe(true);
    await page.keyboard.press('Enter');
    const prompt = elderCard.locator('.prompt').first();
    await prompt.waitFor();
    expect(await prompt.textContent()).toMatch(new RegExp(`^${elder.name}.*平安回访`));

    // the keypad works from the keyboard
    await elderCard.getByRole('button', { name: /^2 求助/ }).focus();
    await page.keyboard.press('Enter');
    await elderCard.locator('.prompt', { hasText: '通知联系人' }).waitFor();
    await expect.poll(() => elderCard.locator('strong').first().textContent()).toBe('2');

    const cases = (await (await stack.get(`/api/cases?county=440703&status=open`)).json()) as {
      items: { elderId: string; code: string; id: string }[];
    };
    const opened = cases.items.find((c) => c.elderId === elder.id);
    expect(opened?.code).toMatch(/^\d{4}$/);
    const alert = contactCard.locator('.texts li', { hasText: `回复${opened?.code}` });
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain(elder.name);

    await elderCard.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/phone-elder.png` });
    await contactCard.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/phone-contact.png` });

    // the contact texts the code back from the page: the case is acknowledged
    await contactCard.getByLabel(/回复短信/).fill(opened?.code ?? '');
    await contactCard.getByRole('button', { name: /发送/ }).click();
    await contactCard.locator('.texts li', { hasText: `已确认由您跟进个案${opened?.code}` }).waitFor();
    const acknowledged = (await (await stack.get(`/api/cases/${opened?.id}`)).json()) as {
      status: string;
    };
    expect(acknowledged.status).toBe('acknowledged');
    await page.screenshot({ path: `${SHOTS}/phone-demo.png`, fullPage: true });

    // nothing logged names the elder or carries a number
    for (const secret of [elder.name, elder.number.slice(3), contact.number.slice(3), contact.name])
      expect(stack.output).not.toContain(secret);
    expect(stack.output).toContain('"route":"/phone/api/state"');
  });

  it('answers bad requests with 400 in Chinese and English, and runs the planner on demand', async () => {
    for (const [path, body] of [
      ['/phone/api/press', { providerId: 'sim-call-1', digit: '12' }],
      ['/phone/api/answer', {}],
      ['/phone/api/text', { from: '+8613800130000', body: '' }],
      ['/phone/api/call-now', { elderId: 'x', extra: 1 }],
      ['/phone/api/hangup', 'not json'],
    ] as const) {
      const reply = await stack.post(path, body);
      expect(reply.status, path).toBe(400);
      const { errors } = (await reply.json()) as { errors: { message: string }[] };
      expect(errors[0]?.message, path).toMatch(/[\u4e00-\u9fff].* \/ [A-Za-z]/);
    }
    expect((await stack.post('/phone/api/answer', { providerId: 'sim-call-999999' })).status).toBe(404);
    const plan = await stack.post('/phone/api/plan-now', {});
    expect(plan.status).toBe(200);
    expect(await plan.json()).toMatchObject({ due: expect.any(Number), started: expect.any(Number) });
  });

  it('stops with Ctrl-C and leaves no DynamoDB Local behind', async () => {
    expect(await stack.stop()).toBe(0);
    expect(await stack.dynamoAnswers()).toBe(false);
  });
});
