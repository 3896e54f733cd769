import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../local/auth.js';
import { festivalTemplates } from '../../shared/campaigns/festivals.js';
import { addDaysIso, dateInPolicyZone } from '../../shared/time.js';
import { SHOTS } from '../support/browser.js';
import { h1, launchChromium, personBrowser } from '../support/console.js';
import { LocalStack } from '../support/local-stack.js';

/**
 * The web console as county staff use it: `npm start`, headless Chromium at 1280 px and on a tablet
 * (768 px, portrait), the login, every page of the main navigation with its heading, the navigation
 * by keyboard, the language switch, errors next to the field, an import with its error report, and a
 * screenshot of each page (test-results/console-*.png).
 */
const CLOCK_START = `${dateInPolicyZone(new Date())}T10:05:00+08:00`;
const stack = new LocalStack({ ANXIN_CLOCK_START: CLOCK_START, ANXIN_LOG_LEVEL: 'INFO' });
let browser: Browser;

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: 'tablet', width: 768, height: 1024 },
] as const;

/** The main navigation's pages, in order: link text and the page's h1. */
const PAGES = [
  { link: '概览', h1: '概览', shot: 'dashboard' },
  { link: '老年人名册', h1: '老年人名册', shot: 'register' },
  { link: '导入', h1: '批量导入名册', shot: 'import' },
  { link: '联系人与结对', h1: '探访联系人与结对', shot: 'contacts' },
  { link: '专项关爱行动', h1: '专项关爱行动', shot: 'campaigns' },
  { link: '求助事件', h1: '求助事件', shot: 'cases' },
  { link: '报表', h1: '报表', shot: 'reports' },
] as const;

// a generous start: the first `npm start` loads the demo register, slower on a busy machine
beforeAll(async () => {
  await stack.start();
  browser = await launchChromium();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await stack.dispose();
});

const open = (viewport: { width: number; height: number }) => personBrowser(browser, viewport);

async function logIn(page: Page, username = 'pengjiang-admin'): Promise<void> {
  await page.goto(`${stack.base}/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('heading', { level: 1, name: '概览' }).waitFor();
}

const nav = (page: Page) => page.getByRole('navigation', { name: '主导航' });
const pageWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

describe('the console login', () => {
  it('refuses a wrong password with a message, and logs in and out', async () => {
    const { context, page } = await open(VIEWPORTS[0]);
    try {
      await page.goto(`${stack.base}/`);
      await expect(h1(page).textContent()).resolves.toBe('登录');
      await expect(page.getAttribute('html', 'lang')).resolves.toBe('zh-CN');
      await page.getByLabel('用户名').fill('pengjiang-admin');
      await page.getByLabel('密码').fill('wrong-password');
      await page.getByRole('button', { name: '登录' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain('用户名或密码不正确');
      // the password is cleared and has the focus for another try
      await expect(page.getByLabel('密码').inputValue()).resolves.toBe('');
      await expect(page.evaluate<string>('document.activeElement.name')).resolves.toBe('password');
      await page.screenshot({ path: `${SHOTS}/console-login-refused.png` });

      await logIn(page);
      await expect(page.getByText('当前用户：pengjiang-admin').isVisible()).resolves.toBe(true);
      await page.getByRole('button', { name: '退出登录' }).click();
      await h1(page).filter({ hasText: '登录' }).waitFor();
      // logged out means the API answers 401 to what the console kept: nothing
      await expect(page.evaluate<number>('sessionStorage.length')).resolves.toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe('the console on AWS (Cognito), with the browser standing in for Cognito', () => {
  // the config.json the infra writes, and Cognito's InitiateAuth answered here; the ID token is a
  // local one, which the local stack's authorizer accepts as API Gateway's would a Cognito one
  async function cognitoPage(answer: (body: Record<string, unknown>, operation: string) => Promise<object>) {
    const context = await browser.newContext({
      viewport: VIEWPORTS[0],
      locale: 'zh-CN',
      // the local stack's policy allows only itself; CloudFront's names the Cognito endpoint
      bypassCSP: true,
    });
    const page = await context.newPage();
    const asked: { headers: Record<string, string>; body: Record<string, unknown> }[] = [];
    await page.route('**/config.json', (route) =>
      route.fulfill({
        json: { auth: 'cognito', region: 'ap-east-1', clientId: 'console-client-id', apiBase: '' },
      }),
    );
    await page.route('https://cognito-idp.ap-east-1.amazonaws.com/', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
      asked.push({ headers: route.request().headers(), body });
      const operation = (route.request().headers()['x-amz-target'] ?? '').split('.').pop() ?? '';
      const reply = await answer(body, operation);
      await route.fulfill({
        status: '__type' in reply ? 400 : 200,
        contentType: 'application/x-amz-json-1.1',
        headers: { 'access-control-allow-origin': '*' },
        body: JSON.stringify(reply),
      });
    });
    return { context, page, asked };
  }

  it('logs in with InitiateAuth (USER_PASSWORD_AUTH) and calls the API with the ID token', async () => {
    const token = await stack.login('pengjiang-admin');
    const { context, page, asked } = await cognitoPage(async () => ({
      AuthenticationResult: { IdToken: token, AccessToken: 'not-used', ExpiresIn: 3600 },
    }));
    try {
      await logIn(page);
      expect(asked).toHaveLength(1);
      expect(asked[0]?.headers['x-amz-target']).toBe('AWSCognitoIdentityProviderService.InitiateAuth');
      expect(asked[0]?.body).toEqual({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: 'console-client-id',
        AuthParameters: { USERNAME: 'pengjiang-admin', PASSWORD: DEMO_PASSWORD },
      });
      await expect(page.getByText('当前用户：pengjiang-admin').isVisible()).resolves.toBe(true);
    } finally {
      await context.close();
    }
  });

  it('takes a new user through the new password, the authenticator app and the code, then later sign-ins', async () => {
    const token = await stack.login('pengjiang-admin');
    const TEMPORARY = 'Temporary-1!';
    const NEW_PASSWORD = 'Anxin-Staff-2026!';
    const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    let expireSession = false;
    // Cognito as the pool answers: a temporary password, MFA required, TOTP only
    const { context, page, asked } = await cognitoPage(async (body, operation) => {
      const responses = (body.ChallengeResponses ?? {}) as Record<string, string>;
      const signedIn = { AuthenticationResult: { IdToken: token, AccessToken: 'not-used', ExpiresIn: 3600 } };
      if (expireSession && operation !== 'InitiateAuth')
        return {
          __type: 'NotAuthorizedException',
          message: 'Invalid session for the user, session is expired.',
        };
      if (operation === 'InitiateAuth') {
        const password = (body.AuthParameters as Record<string, string>).PASSWORD;
        if (password === TEMPORARY)
          return { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's1', ChallengeParameters: {} };
        if (password === NEW_PASSWORD)
          return { ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'm1', ChallengeParameters: {} };
        return { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' };
      }
      if (operation === 'AssociateSoftwareToken') return { SecretCode: SECRET, Session: 's3' };
      if (operation === 'VerifySoftwareToken')
        return body.UserCode === '135790'
          ? { Status: 'SUCCESS', Session: 's4' }
          : { __type: 'EnableSoftwareTokenMFAException', message: 'Code mismatch' };
      if (body.ChallengeName === 'NEW_PASSWORD_REQUIRED')
        return responses.NEW_PASSWORD === NEW_PASSWORD
          ? { ChallengeName: 'MFA_SETUP', Session: 's2', ChallengeParameters: {} }
          : { __type: 'InvalidPasswordException', message: 'Password does not conform to policy' };
      if (body.ChallengeName === 'MFA_SETUP' && body.Session === 's4') return signedIn;
      if (body.ChallengeName === 'SOFTWARE_TOKEN_MFA')
        return responses.SOFTWARE_TOKEN_MFA_CODE === '246810'
          ? signedIn
          : { __type: 'CodeMismatchException', message: 'Invalid code received for user' };
      return { __type: 'InvalidParameterException', message: 'unexpected' };
    });
    const alert = () => page.getByRole('alert').filter({ hasText: /\S/ }).textContent();
    const focused = () => page.evaluate<string>('document.activeElement.name');
    const logInWith = async (password: string) => {
      await page.getByLabel('用户名').fill('pengjiang-admin');
      await page.getByLabel('密码').fill(password);
      await page.getByRole('button', { name: '登录' }).click();
    };
    try {
      await page.goto(`${stack.base}/`);
      await logInWith('wrong');
      await expect.poll(alert).toContain('用户名或密码不正确');

      // 1. the temporary password: a new one, twice, with the pool's rules said next to it
      await logInWith(TEMPORARY);
      await page.getByRole('heading', { level: 2, name: '设置新密码' }).waitFor();
      await expect(focused()).resolves.toBe('new-password');
      await expect(page.getByText('至少 12 个字符').isVisible()).resolves.toBe(true);
      await page.getByLabel(/^新密码/).fill(NEW_PASSWORD);
      await page.getByLabel('再次输入新密码').fill(`${NEW_PASSWORD}x`);
      await page.getByRole('button', { name: '设置新密码并继续' }).click();
      await expect.poll(alert).toContain('两次输入的新密码不一致');
      await expect(focused()).resolves.toBe('new-password');
      await page.screenshot({ path: `${SHOTS}/console-login-new-password.png` });
      await page.getByLabel(/^新密码/).fill(NEW_PASSWORD);
      await page.getByLabel('再次输入新密码').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: '设置新密码并继续' }).click();

      // 2. the authenticator app: the key in groups of 4 and the otpauth URI, then its first code
      await page.getByRole('heading', { level: 2, name: '绑定验证器应用' }).waitFor();
      await expect(focused()).resolves.toBe('code');
      await expect(page.getByText('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP').isVisible()).resolves.toBe(true);
      await expect(page.getByLabel('设置链接').inputValue()).resolves.toBe(
        `otpauth://totp/Anxin:pengjiang-admin?secret=${SECRET}&issuer=Anxin`,
      );
      await page.screenshot({ path: `${SHOTS}/console-login-mfa-setup.png`, fullPage: true });
      await page.getByLabel('验证码（6 位数字）').fill('111111');
      await page.getByRole('button', { name: '完成绑定并登录' }).click();
      await expect.poll(alert).toContain('验证码不正确，绑定尚未完成');
      await expect(page.getByLabel('验证码（6 位数字）').inputValue()).resolves.toBe('');
      await page.getByLabel('验证码（6 位数字）').fill('135 790');
      await page.getByRole('button', { name: '完成绑定并登录' }).click();
      await page.getByRole('heading', { level: 1, name: '概览' }).waitFor();
      await expect(page.getByText('当前用户：pengjiang-admin').isVisible()).resolves.toBe(true);
      const setup = asked.map((a) => [a.headers['x-amz-target']?.split('.').pop(), a.body.ChallengeName]);
      expect(setup.slice(-6)).toEqual([
        ['InitiateAuth', undefined],
        ['RespondToAuthChallenge', 'NEW_PASSWORD_REQUIRED'],
        ['AssociateSoftwareToken', undefined],
        ['VerifySoftwareToken', undefined],
        ['VerifySoftwareToken', undefined],
        ['RespondToAuthChallenge', 'MFA_SETUP'],
      ]);
      expect(asked.at(-2)?.body).toEqual({ Session: 's3', UserCode: '135790', FriendlyDeviceName: 'Anxin' });
      expect(asked.at(-1)?.body).toEqual({
        ChallengeName: 'MFA_SETUP',
        ClientId: 'console-client-id',
        Session: 's4',
        ChallengeResponses: { USERNAME: 'pengjiang-admin' },
      });

      // 3. a later sign-in: the password, then the app's code (a wrong one first)
      await page.getByRole('button', { name: '退出登录' }).click();
      await logInWith(NEW_PASSWORD);
      await page.getByRole('heading', { level: 2, name: '输入验证码' }).waitFor();
      await expect(focused()).resolves.toBe('code');
      await page.getByLabel('验证码（6 位数字）').fill('000000');
      await page.getByRole('button', { name: '验证并登录' }).click();
      await expect.poll(alert).toContain('验证码不正确');
      await page.screenshot({ path: `${SHOTS}/console-login-mfa-code.png` });
      await page.getByLabel('验证码（6 位数字）').fill('246810');
      await page.getByRole('button', { name: '验证并登录' }).click();
      await page.getByRole('heading', { level: 1, name: '概览' }).waitFor();
      expect(asked.at(-1)?.body).toMatchObject({
        ChallengeName: 'SOFTWARE_TOKEN_MFA',
        Session: 'm1',
        ChallengeResponses: { USERNAME: 'pengjiang-admin', SOFTWARE_TOKEN_MFA_CODE: '246810' },
      });

      // 4. a session Cognito no longer accepts: back to the password, the user name kept, with a message
      await page.getByRole('button', { name: '退出登录' }).click();
      await logInWith(NEW_PASSWORD);
      await page.getByRole('heading', { level: 2, name: '输入验证码' }).waitFor();
      // the language switch keeps the user on their step
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { level: 2, name: 'Enter the code' }).waitFor();
      expireSession = true;
      await page.getByLabel('Code (6 digits)').fill('246810');
      await page.getByRole('button', { name: 'Check and log in' }).click();
      // the console's app client keeps a sign-in session 10 minutes (COGNITO_SESSION_MS)
      await expect.poll(alert).toContain('not finished within 10 minutes');
      await expect(page.getByLabel('User name').inputValue()).resolves.toBe('pengjiang-admin');
      await expect(focused()).resolves.toBe('password');
      await page.getByRole('button', { name: '中文' }).click();
      await expect(h1(page).textContent()).resolves.toBe('登录');
    } finally {
      await context.close();
    }
  });
});

describe.each(VIEWPORTS)('the console at $width px ($name)', (viewport) => {
  it('shows every page of the main navigation with its heading, nothing wider than the screen', async () => {
    const { context, page } = await open(viewport);
    try {
      await logIn(page);
      for (const p of PAGES) {
        await nav(page).getByRole('link', { name: p.link, exact: true }).click();
        await h1(page).filter({ hasText: p.h1 }).waitFor();
        await expect(
          nav(page).getByRole('link', { name: p.link, exact: true }).getAttribute('aria-current'),
        ).resolves.toBe('page');
        // every part of the page has loaded (no "正在加载…" left) before the picture is taken
        await expect.poll(() => page.locator('.loading').count(), { timeout: 15_000 }).toBe(0);
        // and every part of it loaded without an error from the API
        await expect(page.locator('main [role=alert]:visible').allTextContents()).resolves.toEqual([]);
        await expect(page.title()).resolves.toContain(p.h1);
        // tables scroll inside their own box; the page itself never scrolls sideways
        expect(await pageWidth(page)).toBeLessThanOrEqual(viewport.width);
        await page.screenshot({ path: `${SHOTS}/console-${p.shot}-${viewport.width}.png`, fullPage: true });
      }
    } finally {
      await context.close();
    }
  });

  it('reaches the skip link and every main navigation link by keyboard, with a visible focus', async () => {
    const { context, page } = await open(viewport);
    try {
      await logIn(page);
      // a fresh load of a page: the focus starts at the top of the document
      await page.goto(`${stack.base}/#/reports`);
      await page.reload();
      await h1(page).filter({ hasText: '报表' }).waitFor();
      await page.keyboard.press('Tab');
      await expect(page.evaluate<string>('document.activeElement.textContent')).resolves.toBe('跳到主要内容');
      const reached: string[] = [];
      for (let i = 0; i < 12 && reached.length < PAGES.length; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate<{ inNav: boolean; text: string; outline: string }>(
          `(() => { const el = document.activeElement;
            return { inNav: el.closest('nav') !== null, text: el.textContent, outline: getComputedStyle(el).outlineStyle }; })()`,
        );
        if (focused.inNav) {
          reached.push(focused.text);
          expect(focused.outline).not.toBe('none');
        }
      }
      expect(reached).toEqual(PAGES.map((p) => p.link));
      // Enter on a focused link opens its page; the skip link then takes the focus into <main>
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await h1(page).filter({ hasText: '求助事件' }).waitFor();
      await page.keyboard.press('Shift+Tab');
      while (!(await page.evaluate<boolean>("document.activeElement.classList.contains('skip')")))
        await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Enter');
      await expect(page.evaluate<string>('document.activeElement.id')).resolves.toBe('main');
    } finally {
      await context.close();
    }
  });
});

describe('the console pages', () => {
  it('switches to English and back, remembered across a reload, with the lang attribute', async () => {
    const { context, page } = await open(VIEWPORTS[0]);
    try {
      await logIn(page);
      await page.getByRole('button', { name: 'English' }).click();
      await h1(page).filter({ hasText: 'Dashboard' }).waitFor();
      await expect(page.getAttribute('html', 'lang')).resolves.toBe('en');
      await expect(
        page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents(),
      ).resolves.toEqual([
        'Dashboard',
        'Register',
        'Import',
        'Contacts and pairing',
        'Campaigns',
        'Cases',
        'Reports',
      ]);
      await page.reload();
      await h1(page).filter({ hasText: 'Dashboard' }).waitFor();
      await page.screenshot({ path: `${SHOTS}/console-dashboard-english.png`, fullPage: true });
      await page.getByRole('button', { name: '中文' }).click();
      await h1(page).filter({ hasText: '概览' }).waitFor();
      await expect(page.getAttribute('html', 'lang')).resolves.toBe('zh-CN');
    } finally {
      await context.close();
    }
  });

  it("takes today, this month and this year from the server's clock (GET /api/me's now), not the browser's", async () => {
    const { context, page } = await open(VIEWPORTS[0]);
    // a server whose clock is over a year behind the browser's (a stack started with ANXIN_CLOCK_START)
    const day = addDaysIso(dateInPolicyZone(new Date()), -400);
    await page.route('**/api/me', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as Record<string, unknown>;
      await route.fulfill({ response, json: { ...body, now: `${day}T10:05:00+08:00` } });
    });
    try {
      await logIn(page);
      await page.getByRole('heading', { level: 2, name: `本月探访率（${day.slice(0, 7)}）` }).waitFor();
      await nav(page).getByRole('link', { name: '报表' }).click();
      await h1(page).filter({ hasText: '报表' }).waitFor();
      await expect(page.getByLabel('月份').inputValue()).resolves.toBe(day.slice(0, 7));
      await nav(page).getByRole('link', { name: '专项关爱行动' }).click();
      await page.getByRole('link', { name: '新建行动' }).click();
      await h1(page).filter({ hasText: '新建行动' }).waitFor();
      await expect(page.getByLabel('年份').inputValue()).resolves.toBe(day.slice(0, 4));
    } finally {
      await context.close();
    }
  });

  it("opens an elder's profile by id only, with the category's rules, compliance and timeline, phone masked", async () => {
    const { context, page } = await open(VIEWPORTS[0]);
    try {
      await logIn(page);
      await nav(page).getByRole('link', { name: '老年人名册' }).click();
      const first = page.locator('tbody th a').first();
      await first.waitFor();
      const name = (await first.textContent()) ?? '';
      await first.click();
      await h1(page).filter({ hasText: name }).waitFor();
      expect(decodeURIComponent(page.url())).toMatch(/#\/elders\/[A-Za-z0-9-]+$/);
      expect(decodeURIComponent(page.url())).not.toContain(name);
      // nor in the window title, which the browser keeps in its history
      await expect(page.title()).resolves.not.toContain(name);
      await expect(page.getByRole('heading', { name: '符合的规则' }).isVisible()).resolves.toBe(true);
      await page.getByRole('table', { name: /探访要求/ }).waitFor();
      await page
        .getByRole('table', { name: /电话、短信、探访及事件记录/ })
        .or(page.getByText('暂无记录。'))
        .waitFor();
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text).toMatch(/\*\*\*\d{4}/);
      expect(text).not.toMatch(/1[3-9]\d{9}|\+86\d{9,}/);
      await page.screenshot({ path: `${SHOTS}/console-profile-1280.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('shows an API error next to its field: a new contact with a bad phone number', async () => {
    const { context, page } = await open(VIEWPORTS[0]);
    try {
      await logIn(page);
      await page.goto(`${stack.base}/#/contacts/new`);
      await h1(page).filter({ hasText: '新增联系人' }).waitFor();
      await page.getByLabel('姓名').fill('测试联系人');
      await page.getByLabel('电话（仅显示后四位）').fill('12345');
      await page.getByLabel('镇（街道）').fill('环市街道');
      await page.getByRole('button', { name: '创建联系人' }).click();
      const phone = page.getByLabel('电话（仅显示后四位）');
      await expect.poll(() => phone.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await phone.getAttribute('aria-describedby')) ?? '';
      const messages = await Promise.all(
        describedBy.split(' ').map((id) => page.locator(`[id="${id}"]`).textContent()),
      );
      expect(messages.join(' ')).toContain('电话号码无效');
      await expect(page.evaluate<string>('document.activeElement.name')).resolves.toBe('phone');
      await page.screenshot({ path: `${SHOTS}/console-contact-error.png`, fullPage: true });

      await phone.fill('13800138123');
      await page.getByRole('button', { name: '创建联系人' }).click();
      await h1(page).filter({ hasText: '测试联系人' }).waitFor();
      expect(page.url()).toMatch(/#\/contacts\/[0-9a-f-]+$/);
      await expect(page.getByText('***8123').isVisible()).resolves.toBe(true);
    } finally {
      await context.close();
    }
  });

  it('imports a CSV, shows the rows not imported and downloads the error report', async () => {
    const { context, page } = await open(VIEWPORTS[0]);
    try {
      await logIn(page);
      await nav(page).getByRole('link', { name: '导入' }).click();
      await page.getByLabel('名册文件').setInputFiles('test/fixtures/import/register.csv');
      await page.getByRole('button', { name: '开始导入' }).click();
      await page.getByRole('heading', { name: '导入结果' }).waitFor();
      const errors = page.getByRole('table', { name: /未导入的行及原因/ });
      await expect(errors.getByRole('row').count()).resolves.toBeGreaterThan(1);
      // row 4's gender is not a gender: the row number and the column as headed in the sheet
      await expect(errors.getByRole('row', { name: /^4 .*性别/ }).count()).resolves.toBe(1);
      await page.screenshot({ path: `${SHOTS}/console-import-report.png`, fullPage: true });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: '下载错误报告（CSV）' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('register-错误报告.csv');
      const csv = readFileSync((await download.path()) as string, 'utf8');
      // the row in the sheet, the column as headed there and the message (never an internal path)
      expect(csv.startsWith('\ufeff行号,列,问题')).toBe(true);
      expect(csv).toMatch(/\r\n4,性别,/);
    } finally {
      await context.close();
    }
  });

  it('drafts a typhoon campaign for one township with its preview; another administrator may approve it', async () => {
    const { context, page } = await open(VIEWPORTS[0]);
    const second = await open(VIEWPORTS[1]);
    try {
      await logIn(page);
      await nav(page).getByRole('link', { name: '专项关爱行动' }).click();
      await page.getByRole('link', { name: '新建行动' }).click();
      await h1(page).filter({ hasText: '新建行动' }).waitFor();
      await page.getByLabel('名称').fill('台风演练 环市街道');
      await page.getByLabel('类型').selectOption('typhoon');
      await page.getByLabel('蓬江区的目标镇（街道）').fill('环市街道');
      const day = CLOCK_START.slice(0, 10);
      await page.getByLabel('开始').fill(`${day}T11:00`);
      await page.getByLabel('结束').fill(`${day}T20:00`);
      await page.getByLabel('电话语音（粤语）').fill('台风就嚟，请留喺屋企。安好请按1，需要帮助请按2。');
      await page.getByLabel('电话语音（普通话）').fill('台风将至，请留在家中。安好请按1，需要帮助请按2。');
      const text = page.getByLabel('短信内容（含安全提示）');
      // the counter shows the SMS parts as the text grows past 70 characters
      await text.fill('台'.repeat(70));
      await expect(page.locator('.counter').textContent()).resolves.toBe('70 字，1 条短信');
      await text.fill('台'.repeat(71));
      await expect(page.locator('.counter').textContent()).resolves.toBe('71 字，2 条短信');
      await text.fill('【安心】台风将至，请关好门窗，留在家中。安好请回复1，需要帮助请回复2。');
      await page.getByRole('button', { name: '预估', exact: true }).click();
      const audience = page.getByRole('table', { name: '覆盖人数（按县和类别）' });
      await audience.waitFor();
      await expect(audience.getByRole('row', { name: /蓬江区/ }).count()).resolves.toBe(1);
      await page.screenshot({ path: `${SHOTS}/console-campaign-new-1280.png`, fullPage: true });

      await page.getByRole('button', { name: '保存草稿' }).click();
      await h1(page).filter({ hasText: '台风演练 环市街道' }).waitFor();
      const url = page.url();
      expect(url).toMatch(/#\/campaigns\/[A-Za-z0-9-]+$/);
      await expect(page.getByText('草稿', { exact: true }).first().isVisible()).resolves.toBe(true);
      // the creator may start or cancel, never approve their own campaign
      await expect(
        page.locator('main .actions').first().getByRole('button').allTextContents(),
      ).resolves.toEqual(['开始', '取消行动']);
      // one township is under the approval threshold (500): the creator may start it, nothing says otherwise
      await expect(
        page.getByRole('button', { name: '开始', exact: true }).getAttribute('aria-disabled'),
      ).resolves.toBeNull();
      await expect(page.getByText('需由另一位管理员批准后才能开始。').count()).resolves.toBe(0);
      await page.getByRole('table', { name: '状态变更记录（谁、何时）' }).waitFor();
      await page.getByRole('heading', { name: '实时进度' }).waitFor();
      await page.screenshot({ path: `${SHOTS}/console-campaign-draft-1280.png`, fullPage: true });

      await logIn(second.page, 'pengjiang-admin2');
      await second.page.goto(url);
      await second.page.getByRole('button', { name: '批准' }).click();
      await second.page.getByText('已批准', { exact: true }).first().waitFor();
      // the live region says it about 30 ms after the change
      await expect.poll(() => second.page.getByText('行动状态：已批准').count()).toBe(1);
      await second.page.screenshot({
        path: `${SHOTS}/console-campaign-approved-${VIEWPORTS[1].width}.png`,
        fullPage: true,
      });
    } finally {
      await context.close();
      await second.context.close();
    }
  });

  it('prefills a Double Ninth campaign from the festival template and previews it by itself', async () => {
    const { context, page } = await open(VIEWPORTS[1]);
    try {
      await logIn(page);
      await page.goto(`${stack.base}/#/campaigns/new`);
      await h1(page).filter({ hasText: '新建行动' }).waitFor();
      await page.getByLabel('年份').fill('2027');
      await page.getByLabel('年份').dispatchEvent('change');
      const doubleNinth = festivalTemplates(2027).find((f) => f.id === 'doubleNinth');
      if (!doubleNinth) throw new Error('no Double Ninth template');
      // the year's templates have come (the option names the festival's date in 2027)
      await page
        .getByLabel('节日')
        .locator('option', { hasText: `重阳节（${doubleNinth.date}）` })
        .waitFor({ state: 'attached' });
      await page.getByLabel('节日').selectOption('doubleNinth');
      await page.getByRole('button', { name: '套用模板' }).click();
      await expect(page.getByLabel('名称').inputValue()).resolves.toBe('重阳节 2027');
      await expect(page.getByLabel('类型').inputValue()).resolves.toBe('festival');
      await expect(page.getByLabel('开始').inputValue()).resolves.toBe(`${doubleNinth.window.start}T00:00`);
      await expect(page.getByLabel('短信内容（含安全提示）').inputValue()).resolves.toBe(
        doubleNinth.messages.text,
      );
      await expect(page.locator('.counter').textContent()).resolves.toMatch(/^\d+ 字，1 条短信$/);
      // everything the preview needs is filled in: it comes without pressing 预估
      await page.getByRole('table', { name: '覆盖人数（按县和类别）' }).waitFor();
      await page.screenshot({
        path: `${SHOTS}/console-campaign-festival-${VIEWPORTS[1].width}.png`,
        fullPage: true,
      });
    } finally {
      await context.close();
    }
  });

  it('downloads the monthly report as CSV with its Chinese file name', async () => {
    const { context, page } = await open(VIEWPORTS[0]);
    try {
      await logIn(page);
      await nav(page).getByRole('link', { name: '报表' }).click();
      const monthly = page.getByRole('group', { name: '月度统计表' });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        monthly.getByRole('button', { name: '下载 CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/蓬江区.*\.csv$/);
      const csv = readFileSync((await download.path()) as string, 'utf8');
      expect(csv).toContain('蓬江区');
      // this month's figures in the page: a row per township of 蓬江区 and the county's total, with the
      // remote (automated) visits next to the others
      const month = CLOCK_START.slice(0, 7);
      const figures = page.getByRole('table', { name: `${month} 月度统计（蓬江区）` });
      await figures.waitFor();
      await expect(figures.getByRole('columnheader').allTextContents()).resolves.toContain(
        '远程探访（自动外呼、短信）',
      );
      await expect(figures.locator('tbody th').last().textContent()).resolves.toBe('合计');
      await expect(page.getByLabel('月份').inputValue()).resolves.toBe(month);
      await page.getByRole('button', { name: '在页面中查看清单' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: /项待完成/ })
        .waitFor();
      await page.screenshot({ path: `${SHOTS}/console-reports-open-1280.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });

  it("gives a township operator no import or campaigns, and their township's figures", async () => {
    const { context, page } = await open(VIEWPORTS[1]);
    try {
      await logIn(page, 'pengjiang-op');
      const links = await nav(page).getByRole('link').allTextContents();
      expect(links).toEqual(['概览', '老年人名册', '联系人与结对', '求助事件', '报表']);
      // this month's visit rate: one row, their own township
      const rates = page.getByRole('table', { name: /各地月探访率/ });
      await rates.waitFor();
      await expect(rates.locator('tbody th').allTextContents()).resolves.toEqual(['环市街道']);
      await page.screenshot({
        path: `${SHOTS}/console-operator-dashboard-${VIEWPORTS[1].width}.png`,
        fullPage: true,
      });
    } finally {
      await context.close();
    }
  });
});
