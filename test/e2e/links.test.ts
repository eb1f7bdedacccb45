/**
 * The links between features, in Chromium against the sandbox (browser mode): the workloads
 * drawer opens a pod's logs, shell and metrics and a Deployment's logs (buttons and keys); a
 * crash-looping pod in Problems opens its previous instance around the restart; the metrics top
 * list opens an OOM-killed container's logs from a little before the kill; the planner shows the
 * plan's image in each region's Harbor. kubectl supplies the facts the screens are checked against.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser';
import { kubectl, kubectlJsonpath, setImage } from './kubectl';
import { openSandboxApp, terminalText, type SandboxApp } from './sandbox-app';

describe('links between workloads, problems, logs, metrics and the planner', () => {
  let app: SandboxApp;
  let page: Page;
  let kubeconfig: string;

  beforeAll(async () => {
    app = await openSandboxApp('links', { clockSpeed: 8 }, (server) => server.services.metrics.setSettings({ intervalMs: 1000 }));
    ({ page, kubeconfig } = app);
  });

  afterAll(async () => {
    await app?.close();
  });

  const termText = (testId: string) => terminalText(page, testId);
  /** The log terminal's timestamps (with Time on), as epoch ms. */
  const logStamps = async () =>
    (await termText('log-term'))
      .split('\n')
      .map((l) => /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})/.exec(l)?.[1])
      .filter((x): x is string => !!x)
      .map((x) => Date.parse(`${x.replace(' ', 'T')}Z`));
  /** When the previous instance of a fat/shop pod's first container ended, as kubectl reads it. */
  const lastEnded = (pod: string) =>
    kubectlJsonpath(kubeconfig, 'fat', 'shop', `pod/${pod}`, '{.status.containerStatuses[0].lastState.terminated.finishedAt}');
  const activeLogTab = () => page.locator('[data-testid=tab-logs][aria-selected=true], [data-testid=tab-shell][aria-selected=true]');
  const podOf = async (ctx: string, ns: string, instance: string) =>
    (
      await kubectl(
        kubeconfig,
        ctx,
        '-n',
        ns,
        'get',
        'pods',
        '-l',
        `app.kubernetes.io/instance=${instance}`,
        '-o',
        'jsonpath={.items[0].metadata.name}',
      )
    ).trim();

  async function openPodDrawer(cluster: string, name: string) {
    await page.getByTestId('nav-workloads').click();
    await page.getByTestId('tab-pod').click();
    await page.getByTestId('filter-cluster').selectOption(cluster);
    await page.getByTestId('filter-text').fill(name);
    const table = page.getByTestId('pods-table');
    await expect.poll(async () => Number(await table.getAttribute('data-row-count')), { timeout: 60_000 }).toBe(1);
    await table.getByTestId('table-row').first().click();
    const drawer = page.getByTestId('detail-drawer');
    // The container names come from the YAML.
    await expect.poll(() => drawer.getByTestId('drawer-yaml').getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');
    await drawer.focus();
    return drawer;
  }

  it("opens a pod's logs, a shell in it and its metrics from the workloads drawer (keys l, s, m)", async () => {
    const pod = await podOf('fat', 'shop', 'payments-fat');
    const drawer = await openPodDrawer('fat', pod);
    expect(await drawer.getByTestId('drawer-actions').innerText()).toMatch(/Logs\s*l[\s\S]*Shell\s*s[\s\S]*Metrics\s*m/);
    await screenshot(page, 'links-pod-drawer-actions');

    await page.keyboard.press('l');
    await expect.poll(() => page.getByTestId('view-logs').count(), { timeout: 10_000 }).toBe(1);
    expect(await activeLogTab().innerText()).toContain(pod);
    await expect
      .poll(async () => Number(await page.locator('[data-testid=log-sources]:visible').getAttribute('data-value')), { timeout: 30_000 })
      .toBe(1);
    await expect
      .poll(async () => Number(await page.locator('[data-testid=log-received]:visible').getAttribute('data-value')), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await expect.poll(() => termText('log-term'), { timeout: 30_000 }).toMatch(/payments/);
    expect(await page.getByTestId('detail-drawer').count()).toBe(0);

    await openPodDrawer('fat', pod);
    await page.keyboard.press('s');
    await expect.poll(() => page.locator('[data-testid=shell-status]:visible').innerText(), { timeout: 20_000 }).toContain('connected');
    expect(await activeLogTab().innerText()).toContain(`${pod}/payments`);
    await page.locator('[data-testid=shell-term]:visible').click();
    await page.keyboard.type('env\r');
    await expect.poll(() => termText('shell-term'), { timeout: 10_000 }).toContain('CAPSTAN_GROUP=fat');
    await screenshot(page, 'links-shell-from-drawer');

    await openPodDrawer('fat', pod);
    await page.keyboard.press('m');
    const chart = page.getByTestId('metrics-chart');
    await expect.poll(() => chart.count(), { timeout: 60_000 }).toBe(1);
    expect(await chart.locator('h3').innerText()).toContain(`payments fat · shop/${pod}`);
    await expect
      .poll(async () => Number(await chart.getByTestId('metrics-memory-chart').getAttribute('data-points')), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await screenshot(page, 'links-metrics-from-drawer');
  });

  it("opens a Deployment's logs (every pod) from the drawer's button", async () => {
    await page.getByTestId('nav-workloads').click();
    await page.getByTestId('tab-deployment').click();
    await page.getByTestId('filter-cluster').selectOption('pro-east');
    await page.getByTestId('filter-text').fill('orders-pro-b');
    const table = page.getByTestId('deployments-table');
    await expect.poll(async () => Number(await table.getAttribute('data-row-count')), { timeout: 30_000 }).toBe(1);
    await table.getByTestId('table-row').first().click();
    await page.getByTestId('detail-drawer').getByTestId('drawer-open-logs').click();
    expect(await activeLogTab().innerText()).toContain('deployment orders-pro-b');
    const replicas = Number(
      await kubectl(kubeconfig, 'pro-east', '-n', 'shop', 'get', 'deployment/orders-pro-b', '-o', 'jsonpath={.status.readyReplicas}'),
    );
    await expect
      .poll(async () => Number(await page.locator('[data-testid=log-sources]:visible').getAttribute('data-value')), { timeout: 30_000 })
      .toBe(replicas);
  });

  it('a crash-looping pod in Problems opens its previous instance from a little before it ended', async () => {
    await setImage(kubeconfig, 'fat', 'shop', 'catalog-fat', 'catalog', 'harbor-east.sandbox.local/shop/catalog:2.2.0');
    await page.getByTestId('nav-problems').click();
    const row = page
      .locator('[data-testid=problem-group][data-kind=CrashLoopBackOff] [data-testid=table-row][data-cluster=fat]')
      .filter({ hasText: 'catalog' });
    await expect.poll(() => row.count(), { timeout: 120_000 }).toBeGreaterThan(0);
    const pod = (await row.first().getAttribute('data-name'))!;
    const finished = await lastEnded(pod);
    expect(finished).toMatch(/^\d{4}-/);
    await screenshot(page, 'links-problems-logs');
    await row.first().getByTestId('problem-open-logs').click();
    await expect.poll(() => page.getByTestId('view-logs').count(), { timeout: 10_000 }).toBe(1);
    expect(await activeLogTab().innerText()).toMatch(new RegExp(`${pod} \\(previous\\) from`));
    await expect
      .poll(async () => Number(await page.locator('[data-testid=log-received]:visible').getAttribute('data-value')), { timeout: 30_000 })
      .toBeGreaterThan(0);
    // With timestamps on: every line is from the terminated instance, within two minutes before it ended.
    await page.locator('.log-tab:visible').getByRole('button', { name: 'Time' }).click();
    // The terminal redraws with timestamps asynchronously: wait for them, then read.
    await expect.poll(async () => (await logStamps()).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const stamps = await logStamps();
    const end = Date.parse(finished);
    // A restart may have happened since kubectl was asked: the instance read can be a newer one.
    expect(Math.min(...stamps)).toBeGreaterThanOrEqual(end - 120_000 - 1000);
    // The crash itself (stamped at the second it ended, before the startup lines around it) is there.
    await expect
      .poll(() => termText('log-term'), { timeout: 30_000 })
      .toMatch(/Application run failed[\s\S]*IllegalStateException: Missing required configuration key 'catalog\.datasource\.url'/);
    await screenshot(page, 'links-previous-logs-from-problems');
    await kubectl(kubeconfig, 'fat', '-n', 'shop', 'rollout', 'undo', 'deploy/catalog-fat');
  });

  it("the metrics top list opens an OOM-killed container's logs from a little before the kill", async () => {
    await setImage(kubeconfig, 'fat', 'shop', 'orders-fat', 'orders', 'harbor-east.sandbox.local/shop/orders:1.6.0');
    await page.getByTestId('nav-metrics').click();
    const item = page
      .getByTestId('metrics-top-restarts')
      .locator('li')
      .filter({ has: page.locator('[data-testid=metrics-top-row][data-cluster=fat][data-app=orders]') });
    await expect
      .poll(
        async () =>
          Number(
            await item
              .first()
              .getByTestId('metrics-top-row')
              .getAttribute('data-oom')
              .catch(() => '0'),
          ),
        { timeout: 120_000 },
      )
      .toBeGreaterThan(0);
    const pod = (await item.first().getByTestId('metrics-top-row').getAttribute('data-pod'))!;
    await screenshot(page, 'links-metrics-top-logs');
    expect(await item.first().getByTestId('metrics-top-logs').getAttribute('data-previous')).toBe('true');
    // Asked before the click: the instance the view reads is this one or a newer one.
    const finished = Date.parse(await lastEnded(pod));
    await item.first().getByTestId('metrics-top-logs').click();
    await expect.poll(() => page.getByTestId('view-logs').count(), { timeout: 10_000 }).toBe(1);
    expect(await activeLogTab().innerText()).toMatch(new RegExp(`${pod}/orders \\(previous\\) from`));
    await expect
      .poll(async () => Number(await page.locator('[data-testid=log-received]:visible').getAttribute('data-value')), { timeout: 30_000 })
      .toBeGreaterThan(0);
    await expect
      .poll(async () => await page.locator('[data-testid=log-sources]:visible').innerText(), { timeout: 15_000 })
      .toMatch(/0\/1 sources live/);
    await page.locator('.log-tab:visible').getByRole('button', { name: 'Time' }).click();
    // The terminal redraws with timestamps asynchronously: wait for them, then read.
    await expect.poll(async () => (await logStamps()).length, { timeout: 30_000 }).toBeGreaterThan(0);
    const stamps = await logStamps();
    // The killed instance's lines, none older than two minutes before the kill.
    expect(Math.min(...stamps)).toBeGreaterThanOrEqual(finished - 120_000 - 1000);
    await expect.poll(() => termText('log-term'), { timeout: 30_000 }).toContain('java.lang.OutOfMemoryError: Java heap space');
    await screenshot(page, 'links-oom-previous-logs');
    await kubectl(kubeconfig, 'fat', '-n', 'shop', 'rollout', 'undo', 'deploy/orders-fat');
  });

  it("the planner shows the plan's image in each region's Harbor: present, or missing in dc-west", async () => {
    await page.getByTestId('nav-releases').click();
    await page.getByTestId('rel-tab-planner').click();
    const sample = readFileSync(join(import.meta.dirname, '../../resources/plans/sandbox-orders-1.5.0.yaml'), 'utf8');
    await page.getByTestId('plan-yaml').fill(sample);
    const rowOf = (region: string) => page.locator(`[data-testid=plan-image-row][data-region=${region}]`);
    await expect.poll(() => rowOf('dc-west').getAttribute('data-state'), { timeout: 20_000 }).toBe('present');
    expect(await rowOf('dc-east').getAttribute('data-state')).toBe('present');
    expect(await page.getByTestId('plan-check-status').innerText()).toBe('valid');
    await page.getByTestId('plan-images').scrollIntoViewIfNeeded();
    await screenshot(page, 'links-planner-images-present');

    const gateway = sample
      .replace('app: orders', 'app: gateway')
      .replace('repository: shop/orders', 'repository: shop/gateway')
      .replace('tag: 1.5.0', 'tag: 5.1.1')
      .replace('name: orders-1.5.0', 'name: gateway-5.1.1');
    await page.getByTestId('plan-yaml').fill(gateway);
    await expect.poll(() => rowOf('dc-west').getAttribute('data-state'), { timeout: 20_000 }).toBe('missing');
    expect(await page.getByTestId('plan-check-status').innerText()).toBe('invalid');
    expect(await page.getByTestId('plan-issues').innerText()).toMatch(/shop\/gateway:5\.1\.1 is missing in region dc-west \(harbor-west\)/);
    await page.getByTestId('plan-images').scrollIntoViewIfNeeded();
    await screenshot(page, 'links-planner-images-missing');
  });

  it('the pod that cannot pull that image links from its Problems row to the image sync cell', async () => {
    await setImage(kubeconfig, 'pro-west', 'platform', 'gateway-pro', 'gateway', 'harbor-west.sandbox.local/shop/gateway:5.1.1');
    await page.getByTestId('nav-problems').click();
    const row = page.locator('[data-testid=problems-table-ImagePullBackOff] [data-testid=table-row][data-cluster="pro-west"]').first();
    await row.waitFor({ timeout: 60_000 });
    await screenshot(page, 'links-problems-pull-error');
    await row.locator('[data-testid=image-sync-link][data-pull-error=true]').click();
    await expect.poll(() => page.getByTestId('images-detail').getAttribute('data-state'), { timeout: 30_000 }).toBe('missing');
    expect(await page.getByTestId('images-detail').innerText()).toContain('shop/gateway:5.1.1');
    // The link opened the image, not the row's drawer.
    expect(await page.getByTestId('detail-drawer').count()).toBe(0);
    await kubectl(kubeconfig, 'pro-west', '-n', 'platform', 'rollout', 'undo', 'deployment/gateway-pro');
  });
});
