/**
 * First run: `npm start` where Electron cannot run (no binary, no display) starts browser mode on
 * the sandbox and the page works; a browser-mode page survives its server going away and coming
 * back (it says so, acts on nothing meanwhile, reconnects by itself, takes a pasted new URL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src-main/app/server';
import { launchChromium, screenshot } from './browser';

const root = resolve(import.meta.dirname, '../..');
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `capstan-${name}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Waits for a line of the child's output that matches, and returns the whole output so far. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolvePromise(out);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}; output:\n${out}`)));
  });
}

describe('first run', () => {
  it('npm start with no Electron binary and no display runs browser mode on the sandbox, says why, and the page works', async () => {
    const home = tempDir('home');
    const noElectron = tempDir('no-electron');
    mkdirSync(join(home, 'data'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      ELECTRON_OVERRIDE_DIST_PATH: noElectron,
    };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    delete env.KUBECONFIG;
    const child = spawn(
      process.execPath,
      [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'scripts', 'start.ts'), '--user-data-dir', join(home, 'data')],
      { cwd: root, env },
    );
    const exited = new Promise((r) => child.on('exit', r));
    cleanups.push(async () => {
      child.kill('SIGTERM');
      await exited;
    });
    const out = await waitForOutput(child, /Opening it in your default browser|No browser can be opened/, 120_000);
    expect(out).toMatch(/no Electron binary.*so Capstan starts in browser mode/);
    expect(out).toMatch(/no kubeconfig found .*sandbox/);
    expect(out).toMatch(/No browser can be opened from here/);
    const url = /Capstan is serving at (http:\S+)/.exec(out)![1]!;

    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('[data-testid=freshness-summary-live]').filter({ hasText: '4 live' }).waitFor({ timeout: 90_000 });
    await expect(page.locator('[data-testid=cluster-card]').count()).resolves.toBe(4);
    await screenshot(page, 'first-run-browser-mode');
  });

  it('a page whose server stops says so, acts on nothing, and reconnects by itself when the server is back', async () => {
    const dir = tempDir('survive');
    const data = join(dir, 'data');
    const start = (port: number, token: string) => startServer({ sandbox: true, port, token, userDataDir: data, homeDir: dir, env: {} });
    let server: RunningServer = await start(0, 'a'.repeat(43));
    const { port } = server;
    cleanups.push(() => server.close());
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.locator('[data-testid=freshness-summary-live]').filter({ hasText: '4 live' }).waitFor({ timeout: 90_000 });

    await server.close();
    const down = page.locator('[data-testid=services-state][role=alert]');
    await down.waitFor({ timeout: 15_000 });
    await expect(down.textContent()).resolves.toMatch(/Disconnected since \d\d:\d\d .*retrying; actions off/);
    await expect(page.locator('[data-testid=freshness-summary]').getAttribute('data-worst')).resolves.toBe('disconnected');
    await expect(page.locator('[data-testid=freshness-summary-live]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid=cluster-card] [data-testid=freshness-badge][data-state=live]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid=cluster-reconnect]').first().isDisabled()).resolves.toBe(true);
    await screenshot(page, 'first-run-disconnected');

    // Same port and token, as `npm run serve` does from its data folder: the tab gets back in alone.
    server = await start(port, 'a'.repeat(43));
    await page.locator('[data-testid=freshness-summary-live]').filter({ hasText: '4 live' }).waitFor({ timeout: 90_000 });
    await expect(page.locator('[data-testid=services-state]').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid=cluster-reconnect]').first().isDisabled()).resolves.toBe(false);

    // A new token (--new-token): pasting the new URL into the same tab is enough.
    await server.close();
    await down.waitFor({ timeout: 15_000 });
    server = await start(port, 'b'.repeat(43));
    // Only the fragment differs: a same-document navigation, as when a user pastes the new URL.
    await page.evaluate((u) => {
      (globalThis as unknown as { location: { href: string } }).location.href = u;
    }, server.url);
    await page.locator('[data-testid=freshness-summary-live]').filter({ hasText: '4 live' }).waitFor({ timeout: 90_000 });
    await screenshot(page, 'first-run-reconnected');
  });
});
