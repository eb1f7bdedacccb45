import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer, type StartServerOptions } from '../../src-main/app/server';
import { startDatacenter, type Datacenter } from '../../src-sandbox/datacenter';
import { launchChromium } from './browser';

/** The app in browser mode against its in-process sandbox, one Chromium page on it. */
export interface SandboxApp {
  server: RunningServer;
  datacenter: Datacenter;
  /** A kubeconfig file of the sandbox, for kubectl. */
  kubeconfig: string;
  browser: Awaited<ReturnType<typeof launchChromium>>;
  page: Page;
  dir: string;
  close(): Promise<void>;
}

/**
 * Starts the services with the sandbox (`sandboxOptions` as the test needs), lets `prepare` adjust
 * them before the page loads, and opens the app in Chromium at 1400×860.
 */
export async function openSandboxApp(
  name: string,
  sandboxOptions: StartServerOptions['sandboxOptions'],
  prepare?: (server: RunningServer, datacenter: Datacenter) => void,
): Promise<SandboxApp> {
  const dir = mkdtempSync(join(tmpdir(), `capstan-e2e-${name}-`));
  const server = await startServer({ sandbox: true, port: 0, userDataDir: join(dir, 'data'), homeDir: dir, env: {}, sandboxOptions });
  const datacenter = server.backend.sandbox?.datacenter;
  if (!datacenter) throw new Error('the in-process sandbox did not start');
  const kubeconfig = join(dir, 'sandbox.kubeconfig');
  datacenter.writeKubeconfig(kubeconfig);
  prepare?.(server, datacenter);
  const browser = await launchChromium();
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.setViewportSize({ width: 1400, height: 860 });
  await page.goto(server.url);
  return {
    server,
    datacenter,
    kubeconfig,
    browser,
    page,
    dir,
    async close() {
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The text of the visible terminal's buffer (the WebGL renderer draws no DOM text). */
export const terminalText = (page: Page, testId: string): Promise<string> =>
  page.locator(`[data-testid=${testId}]:visible`).evaluate((el) => {
    const t = (
      el as unknown as {
        xterm: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } };
      }
    ).xterm;
    const b = t.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < b.length; i++) out.push(b.getLine(i)?.translateToString(true) ?? '');
    return out.join('\n');
  });

/** A sandbox datacenter of its own (stoppable clusters, a kubeconfig file) and one Chromium page; the app is started by the test. */
export interface DatacenterPage {
  datacenter: Datacenter;
  kubeconfig: string;
  dir: string;
  page: Page;
  close(): Promise<void>;
}

export async function openDatacenterPage(name: string, options: Parameters<typeof startDatacenter>[0] = {}): Promise<DatacenterPage> {
  const dir = mkdtempSync(join(tmpdir(), `capstan-e2e-${name}-`));
  const datacenter = await startDatacenter(options);
  const kubeconfig = join(dir, 'kubeconfig');
  datacenter.writeKubeconfig(kubeconfig);
  const browser = await launchChromium();
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1400, height: 860 });
  return {
    datacenter,
    kubeconfig,
    dir,
    page,
    async close() {
      await browser.close();
      await datacenter.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
