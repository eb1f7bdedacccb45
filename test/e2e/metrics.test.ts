import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src-main/app/server';
import { screenshot } from './browser';
import { setImage } from './kubectl';
import { openSandboxApp, type SandboxApp } from './sandbox-app';

/**
 * Metrics through the real code paths: a leaking release (orders 1.6.0) rolled out to FAT with
 * kubectl; the Metrics view in Chromium shows it at the top, its chart carries the OOM marker,
 * and the forensics panel has the curve before the kill, the events and the previous log.
 */
describe('metrics: top list, chart with OOM marker and forensics in browser mode against the sandbox', () => {
  let app: SandboxApp;
  let server: RunningServer;
  let page: Page;
  let kubeconfig: string;

  beforeAll(async () => {
    app = await openSandboxApp('metrics', { clockSpeed: 8 }, (server) => {
      // One sample a second: the sandbox clock runs 8× faster, so a leak (72 s) lasts about 9 real seconds.
      // The sandbox serves from this process (its CPU counts in our rounds): a high CPU share keeps
      // the pacing from stretching that interval.
      server.services.metrics.setSettings({ intervalMs: 1000, maxCpuPercent: 50 });
    });
    ({ server, page, kubeconfig } = app);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('lists the leaking container at the top and opens its OOM forensics', async () => {
    await page.getByTestId('nav-metrics').click();
    await expect
      .poll(() => page.getByTestId('metrics-sources').locator('[data-source=kubelet-summary][data-state=ok]').count(), { timeout: 60_000 })
      .toBe(4);
    await setImage(kubeconfig, 'fat', 'shop', 'orders-fat', 'orders', 'harbor-east.sandbox.local/shop/orders:1.6.0');
    const leaking = page.getByTestId('metrics-top-restarts').locator('[data-testid=metrics-top-row][data-cluster=fat][data-app=orders]');
    await expect
      .poll(
        async () =>
          Number(
            await leaking
              .first()
              .getAttribute('data-oom')
              .catch(() => '0'),
          ),
        { timeout: 90_000 },
      )
      .toBeGreaterThan(0);
    // While it leaks it also tops "fastest growing" or "memory vs limit".
    await expect
      .poll(
        () =>
          page
            .locator(
              '[data-testid=metrics-top-memory] [data-app=orders][data-cluster=fat], [data-testid=metrics-top-growth] [data-app=orders][data-cluster=fat]',
            )
            .count(),
        { timeout: 60_000 },
      )
      .toBeGreaterThan(0);
    await leaking.first().click();
    const forensics = page.getByTestId('metrics-forensics');
    await expect.poll(() => forensics.getByTestId('metrics-kill').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => forensics.getByTestId('metrics-previous-log').innerText(), { timeout: 30_000 }).toMatch(/\S/);
    expect(await forensics.innerText()).toMatch(/OOMKilled/);
    await screenshot(page, 'metrics-forensics-light');
  });

  it("the container's chart carries the OOM marker and its last terminated state", async () => {
    await page.getByTestId('metrics-forensics').getByRole('button', { name: 'Chart' }).click();
    const chart = page.getByTestId('metrics-chart');
    await expect.poll(() => chart.getByTestId('metrics-memory-chart').getAttribute('data-markers'), { timeout: 30_000 }).toMatch(/oom/);
    await expect
      .poll(async () => Number(await chart.getByTestId('metrics-memory-chart').getAttribute('data-points')), { timeout: 30_000 })
      .toBeGreaterThan(8);
    expect(await chart.getByTestId('metrics-last-terminated').innerText()).toMatch(/OOMKilled · exit 137/);
    await screenshot(page, 'metrics-chart-light');
    // The Deployment aggregate sums its pods (one container each in the sandbox).
    await page.getByTestId('metrics-scope-deployment').click();
    await expect.poll(() => chart.getByTestId('metrics-memory-chart').getAttribute('data-points'), { timeout: 15_000 }).toMatch(/[1-9]/);
    await page.getByTestId('metrics-scope-container').click();
    await page.getByTestId('theme-dark').click();
    await page.waitForTimeout(1500);
    await screenshot(page, 'metrics-chart-dark');
    await page.getByTestId('theme-light').click();
  });

  it("links from the chart to the container's logs", async () => {
    await page.getByTestId('metrics-open-logs').click();
    await expect.poll(() => page.getByTestId('view-logs').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('nav-metrics').click();
    await expect.poll(() => page.getByTestId('metrics-chart').count(), { timeout: 10_000 }).toBe(1);
  });

  it('changes the sampling interval from the settings panel', async () => {
    await page.getByTestId('metrics-settings-toggle').click();
    const settings = page.getByTestId('metrics-settings');
    // The panel says what the settings give now: the interval used and the history against its budget.
    expect(await settings.getByTestId('metrics-settings-now').innerText()).toMatch(/Sampled every 1 s\. History \d+ MB of 150 MB/);
    await settings.getByLabel('Sample every (seconds)').fill('2');
    await screenshot(page, 'metrics-settings-light');
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.metrics-note').innerText(), { timeout: 15_000 }).toMatch(/Sampled every 2 s/);
    expect(server.services.metrics.getSettings().intervalMs).toBe(2000);
  });
});
