import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

/** Where end-to-end screenshots are kept (git-ignored test artifacts). */
export const SHOTS = 'test-results';

/** Debian's Chromium, and the flags that keep it from reaching for the network this machine does not have. */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's headless Chromium as a phone: a fresh profile, Chinese locale, China time, touch. The
 * flags keep it from reaching for the network this machine does not have.
 */
export async function phoneBrowser(viewport: {
  width: number;
  height: number;
}): Promise<{ page: Page; close: () => Promise<void> }> {
  const profileDir = mkdtempSync(join(tmpdir(), 'anxin-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', ...CHROMIUM_FLAGS],
    viewport,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  mkdirSync(SHOTS, { recursive: true });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    close: async () => {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
