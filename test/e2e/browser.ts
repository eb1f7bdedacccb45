import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where end-to-end screenshots go; the test output names each file. */
export const screenshotDir = resolve(import.meta.dirname, '../../test-results/screenshots');

const chromiumPath = process.env.CAPSTAN_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, with a fresh profile and no background traffic (the machine has no
 * network). A persistent context is how playwright takes an explicit user-data-dir.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; newPage(): Promise<Page>; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'capstan-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot and prints where it went, so a person can look at it. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  console.log(`screenshot: ${path}`);
  return path;
}
