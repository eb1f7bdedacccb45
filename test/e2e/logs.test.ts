import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src-main/app/server';
import { openExecSessions } from '../../src-sandbox/exec/ws-exec';
import { configureLogs } from '../../src-sandbox/logs/config';
import { screenshot } from './browser';
import { openSandboxApp, terminalText, type SandboxApp } from './sandbox-app';

/**
 * Logs and shell in Chromium (browser mode) against the sandbox: a Deployment's logs across two clusters,
 * filter, pause/resume, and a shell in a container.
 */
describe('logs and shell in browser mode against the sandbox', () => {
  let app: SandboxApp;
  let server: RunningServer;
  let page: Page;

  beforeAll(async () => {
    app = await openSandboxApp('logs', { clockSpeed: 20 }, (_server, dc) => {
      for (const c of dc.clusters) configureLogs(dc.cluster(c.name).store, { rate: 20 });
    });
    ({ server, page } = app);
  });

  afterAll(async () => {
    await app?.close();
  });

  const termText = (testId: string) => terminalText(page, testId);

  it('follows a Deployment across clusters: lines from every pod of both clusters', async () => {
    await page.getByTestId('nav-logs').click();
    await page.getByTestId('log-new-kind').selectOption('deployment');
    await page.getByTestId('log-new-namespace').fill('shop');
    await page.getByTestId('log-new-name').fill('orders-pro');
    await page.getByTestId('log-new-open').click();
    const sources = page.locator('[data-testid=log-sources]:visible');
    await expect.poll(async () => Number(await sources.getAttribute('data-value')), { timeout: 60_000 }).toBe(12);
    await expect
      .poll(async () => Number(await page.locator('[data-testid=log-received]:visible').getAttribute('data-value')), { timeout: 30_000 })
      .toBeGreaterThan(300);
    const text = await termText('log-term');
    expect(text).toContain('pro-east/');
    expect(text).toContain('pro-west/');
    expect(text).toMatch(/c\.s\.orders\.api\.AccessLog/);
    // The tab names its clusters (here every cluster was selected).
    expect(await page.locator('[data-testid=tab-logs]').first().innerText()).toContain('4 clusters · orders-pro');
    await screenshot(page, 'logs-deployment-two-clusters');
  });

  it('filters literally by default and with a regex when toggled, with match counts; search is literal too', async () => {
    const filterCount = async () => {
      const el = page.locator('[data-testid=log-filter-count]:visible');
      return { shown: Number(await el.getAttribute('data-shown')), seen: Number(await el.getAttribute('data-seen')) };
    };
    // Literal: dots are dots, and "ERROR|WARN" is text that no line holds.
    await page.locator('[data-testid=log-filter]:visible').fill('c.s.orders.api.AccessLog');
    await expect.poll(async () => (await filterCount()).shown, { timeout: 20_000 }).toBeGreaterThan(0);
    await page.locator('[data-testid=log-filter]:visible').fill('ERROR|WARN');
    await expect.poll(async () => (await filterCount()).seen, { timeout: 20_000 }).toBeGreaterThan(0);
    expect((await filterCount()).shown).toBe(0);
    await page.locator('[data-testid=log-filter]:visible').fill('');
    // Search: a literal with '.' and '?' finds what is on screen.
    await page.locator('[data-testid=log-search]:visible').fill('search?q=12 200');
    const matchCount = async () =>
      Number(/^\d+\/(\d+)$/.exec(await page.locator('[data-testid=log-matches]:visible').innerText())?.[1] ?? 0);
    await expect.poll(matchCount, { timeout: 20_000 }).toBeGreaterThan(0);
    // The count follows the lines that keep arriving, though writes never pause for 200 ms.
    const first = await matchCount();
    await expect.poll(matchCount, { timeout: 20_000 }).not.toBe(first);
    // Text the user selects (to copy) stays selected: the re-count does not replace it with a match.
    const term = page.locator('[data-testid=log-term]:visible');
    type Xterm = { select(c: number, r: number, n: number): void; getSelection(): string; buffer: { active: { viewportY: number } } };
    const own = await term.evaluate((el) => {
      const t = (el as unknown as { xterm: Xterm }).xterm;
      t.select(0, t.buffer.active.viewportY, 12);
      return t.getSelection();
    });
    expect(own.length).toBe(12);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await term.evaluate((el) => (el as unknown as { xterm: Xterm }).xterm.getSelection())).toBe(own);
    await page.locator('[data-testid=log-search]:visible').fill('');
    // History since 15 minutes: the view starts again from that time.
    await page.locator('[data-testid=log-range]:visible').selectOption('15');
    await expect.poll(() => page.locator('[data-testid=log-range]:visible').inputValue()).toBe('custom');
    await expect
      .poll(async () => Number(await page.locator('[data-testid=log-sources]:visible').getAttribute('data-value')), { timeout: 30_000 })
      .toBe(12);
    await expect
      .poll(async () => Number(await page.locator('[data-testid=log-received]:visible').getAttribute('data-value')), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await page.locator('[data-testid=log-range]:visible').selectOption('');
    await page.locator('[data-testid=log-regex]:visible').click();
  });

  it('filters with a regex and pauses/resumes with a new-lines counter', async () => {
    await page.locator('[data-testid=log-filter]:visible').fill('ERROR|WARN');
    const shown = async () => (await termText('log-term')).split('\n').filter((l) => l.trim() && !l.includes('──'));
    // Wrapped continuation lines and stack frames aside, every shown entry is an ERROR or WARN
    // (the terminal redraws asynchronously: wait for it, with nothing unfiltered left behind).
    const unfiltered = async () => {
      const lines = await shown();
      return lines.length === 0 ? 'nothing shown yet' : lines.filter((l) => /(INFO |\[gc\])/.test(l)).length;
    };
    await expect.poll(unfiltered, { timeout: 20_000 }).toBe(0);
    const counted = page.locator('[data-testid=log-filter-count]:visible');
    // The match count follows the terminal's redraw: wait for it too.
    await expect.poll(async () => Number(await counted.getAttribute('data-shown'))).toBeGreaterThan(0);
    expect(Number(await counted.getAttribute('data-shown'))).toBeLessThan(Number(await counted.getAttribute('data-seen')));
    await screenshot(page, 'logs-filtered');
    await page.locator('[data-testid=log-filter]:visible').fill('');
    await page.locator('[data-testid=log-pause]:visible').click();
    await expect
      .poll(
        async () =>
          Number(
            (
              await page
                .locator('[data-testid=log-new-lines]:visible')
                .innerText()
                .catch(() => '0')
            ).split(' ')[0],
          ),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(20);
    await screenshot(page, 'logs-paused');
    const before = await page.locator('[data-testid=log-received]:visible').getAttribute('data-value');
    await page.locator('[data-testid=log-pause]:visible').click();
    await expect.poll(() => page.locator('[data-testid=log-new-lines]').count()).toBe(0);
    expect(Number(await page.locator('[data-testid=log-received]:visible').getAttribute('data-value'))).toBeGreaterThanOrEqual(
      Number(before),
    );
  });

  /** A new shell tab in an orders-uat pod, connected and focused; uat's store, where its exec session shows. */
  const openShell = async () => {
    const store = server.backend.sandbox!.datacenter!.cluster('uat').store;
    const pod = [...store.list('pods', 'shop')]
      .map(([, p]) => p.obj)
      .find((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === 'orders-uat')!.metadata.name;
    await page.getByTestId('tab-new').click();
    await page.getByTestId('log-new-kind').selectOption('pod');
    await page.getByTestId('log-new-name').fill(pod);
    await page.getByTestId('log-new-shell').click();
    await expect.poll(() => page.locator('[data-testid=shell-status]:visible').innerText(), { timeout: 20_000 }).toContain('connected');
    await page.locator('[data-testid=shell-term]:visible').click();
    return store;
  };

  it('opens a shell in a container and runs ls /opt/logs', async () => {
    await openShell();
    await page.keyboard.type('ls /opt/logs\r');
    await expect.poll(() => termText('shell-term'), { timeout: 10_000 }).toContain('localhost_access_log.txt');
    expect(await termText('shell-term')).toContain('catalina.out');
    await screenshot(page, 'logs-shell');
    await page.keyboard.type('exit 0\r');
    await expect
      .poll(() => page.locator('[data-testid=shell-status]:visible').innerText(), { timeout: 10_000 })
      .toContain('exited with code 0');
  });

  it('closing a shell tab ends the remote process', async () => {
    const store = await openShell();
    await page.keyboard.type('tail -n 1 -F /opt/logs/gc.log\r');
    expect(openExecSessions(store)).toBe(1);
    await page.locator('[data-testid=tab-shell][aria-selected=true] button').click();
    await expect.poll(() => openExecSessions(store), { timeout: 10_000 }).toBe(0);
  });
});
