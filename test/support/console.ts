import { mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../local/auth.js';
import { CHROMIUM, CHROMIUM_FLAGS, SHOTS } from './browser.js';
import type { LocalStack } from './local-stack.js';

/**
 * The web console as county staff use it, for the end-to-end stories: Debian's headless Chromium, a
 * fresh browser (context) per person at 1280 px in Chinese and China time, the login page, the main
 * navigation, the figures a page shows, screenshots kept in SHOTS; and the simulated phones of the
 * local stack (/phone/api/*) that the elders answer.
 */

export const DESKTOP = { width: 1280, height: 900 } as const;

/** Headless Chromium, kept from reaching for the network this machine does not have. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}

/**
 * One person's browser: their own cookies and session, the console's language and time zone, touch
 * below 1024 px (a tablet).
 */
export async function personBrowser(
  browser: Browser,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    hasTouch: viewport.width < 1024,
  });
  const page = await context.newPage();
  return { context, page };
}

export const h1 = (page: Page): Locator => page.getByRole('heading', { level: 1 });
export const nav = (page: Page): Locator => page.getByRole('navigation', { name: '主导航' });

/** Logs in on the login page with the demo password; resolves on the dashboard. */
export async function logIn(page: Page, base: string, username: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  // Enter in the password field submits the form, as a person would log in
  await page.getByLabel('密码').press('Enter');
  await h1(page).filter({ hasText: '概览' }).waitFor();
  await page.getByText(`当前用户：${username}`).waitFor();
}

/** An elder as GET /api/elders lists them: what the stories pick their elders by. */
export interface ElderItem {
  id: string;
  region: { county: string; township: string };
  category: 'A' | 'B' | 'C';
  status: string;
  consent: string;
  language: 'yue' | 'cmn';
}

/** Every elder of a county, page by page, as GET /api/elders lists them to the stack's demo user. */
export async function allElders(stack: LocalStack, county: string): Promise<ElderItem[]> {
  const out: ElderItem[] = [];
  let cursor: string | undefined;
  do {
    const reply = await stack.get(
      `/api/elders?county=${county}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    const body = (await reply.json()) as { items: ElderItem[]; cursor?: string };
    out.push(...body.items);
    cursor = body.cursor;
  } while (cursor);
  return out;
}

/** The campaign page's progress section. */
export const campaignProgress = (page: Page): Locator => page.getByRole('region', { name: '实时进度' });
/** The campaign page's status line ("状态：进行中"). */
export const campaignStatus = (page: Page): Locator =>
  page.getByRole('paragraph').filter({ hasText: /^状态：/ });

/** Logs out with the header's button; resolves on the login page. */
export async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录' }).click();
  await h1(page).filter({ hasText: '登录' }).waitFor();
}

/** Opens a page of the main navigation by its link and waits for its heading and its data. */
export async function openFromNav(page: Page, link: string, heading = link): Promise<void> {
  await nav(page).getByRole('link', { name: link, exact: true }).click();
  await h1(page).filter({ hasText: heading }).waitFor();
  await waitLoaded(page);
}

/** Waits until no part of the page says "正在加载…". */
export async function waitLoaded(page: Page): Promise<void> {
  await page.getByRole('status').filter({ hasText: '正在加载' }).first().waitFor({ state: 'detached' });
}

/** The screenshots a test took, in order (the report names them). */
export const shots: string[] = [];

/** A full-page screenshot into SHOTS, named `${name}.png`. */
export async function shot(page: Page, name: string): Promise<void> {
  const file = `${name}.png`;
  await page.screenshot({ path: `${SHOTS}/${file}`, fullPage: true });
  shots.push(file);
}

/**
 * The number a key figure shows (a description list: term, then its value), e.g. the campaign's
 * progress "需要帮助 → 1"; NaN when the term is not there.
 */
export async function figure(scope: Locator, term: string): Promise<number> {
  const terms = scope.getByRole('term').filter({ hasText: new RegExp(`^${term}$`) });
  if ((await terms.count()) === 0) return Number.NaN;
  const value = (await terms.first().locator('xpath=following-sibling::dd[1]').textContent()) ?? '';
  const digits = /\d[\d,]*/.exec(value)?.[0];
  return digits === undefined ? Number.NaN : Number(digits.replaceAll(',', ''));
}

/** A table's body rows as text cells (row header first), by the table's caption. */
export async function tableRows(page: Page | Locator, caption: string | RegExp): Promise<string[][]> {
  const table = page.getByRole('table', { name: caption });
  await table.waitFor();
  const rows = table.locator('tbody').getByRole('row');
  const out: string[][] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const cells = rows.nth(i).getByRole('rowheader').or(rows.nth(i).getByRole('cell'));
    out.push((await cells.allTextContents()).map((c) => c.replace(/^[✓!✕●–]\s*/, '').trim()));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The simulated phones (http://localhost:8787/phone and its JSON endpoints)

export interface PhoneCall {
  providerId: string;
  to: string;
  purpose: string;
  at: string;
  answeredAt?: string;
  endedAt?: string;
  digits?: string;
  prompts: string[];
  manual: boolean;
}

export interface PhoneState {
  now: string;
  clock: string;
  phones: {
    number: string;
    kind: 'elder' | 'contact';
    id: string;
    name: string;
    county: string;
    channel?: 'voice' | 'sms';
    contactNumber?: string;
  }[];
  calls: PhoneCall[];
  texts: { id: string; phone: string; direction: 'in' | 'out'; at: string; text: string }[];
  totals: { calls: number; callsInProgress: number; texts: number };
}

export async function phoneState(stack: LocalStack): Promise<PhoneState> {
  const reply = await fetch(`${stack.base}/phone/api/state`);
  if (reply.status !== 200) throw new Error(`/phone/api/state: ${reply.status}`);
  return (await reply.json()) as PhoneState;
}

/** Runs the planner now (as its 5-minute timer would), and answers what it did. */
export async function planNow(stack: LocalStack): Promise<{ due: number; started: number }> {
  const reply = await stack.post('/phone/api/plan-now', {});
  if (reply.status !== 200) throw new Error(`plan-now: ${reply.status} ${await reply.text()}`);
  return (await reply.json()) as { due: number; started: number };
}

/** The call ringing on a hand-answered phone, once the planner has placed it (undefined until then). */
export async function ringing(stack: LocalStack, number: string): Promise<PhoneCall | undefined> {
  const state = await phoneState(stack);
  return state.calls.find((c) => c.to === number && !c.answeredAt && !c.endedAt);
}

/** Picks up a call on the simulated phone. */
export async function answer(stack: LocalStack, providerId: string): Promise<void> {
  const reply = await stack.post('/phone/api/answer', { providerId });
  if (reply.status !== 200) throw new Error(`answer: ${reply.status} ${await reply.text()}`);
}

/** Presses a key on the simulated phone's keypad during a call. */
export async function press(stack: LocalStack, providerId: string, digit: string): Promise<void> {
  const reply = await stack.post('/phone/api/press', { providerId, digit });
  if (reply.status !== 200) throw new Error(`press: ${reply.status} ${await reply.text()}`);
}

/** The call as the phone shows it now (its prompts, keys pressed, whether it ended). */
export async function callById(stack: LocalStack, providerId: string): Promise<PhoneCall | undefined> {
  return (await phoneState(stack)).calls.find((c) => c.providerId === providerId);
}
