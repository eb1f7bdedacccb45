import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { screenshot } from './browser';
import { kubectl } from './kubectl';
import { openSandboxApp, type SandboxApp } from './sandbox-app';

/**
 * The foundation's vertical slice, through the real code paths: the renderer build in Chromium, the
 * WebSocket bridge, the main-process services and the sandbox's API servers, with kubectl as an
 * independent client changing the world underneath.
 */
describe('foundation: multi-cluster explorer in browser mode against the sandbox', () => {
  let app: SandboxApp;
  let datacenter: Datacenter;
  let page: Page;
  let kubeconfig: string;

  beforeAll(async () => {
    app = await openSandboxApp('foundation', { clockSpeed: 20 });
    ({ datacenter, page, kubeconfig } = app);
  });

  afterAll(async () => {
    await app?.close();
  });

  const card = (id: string) => page.locator(`[data-testid=cluster-card][data-cluster-id="${id}"]`);

  it('shows every sandbox cluster live in the overview, with counts that match kubectl', async () => {
    for (const name of ['fat', 'uat', 'pro-east', 'pro-west']) {
      await expect.poll(() => card(name).getAttribute('data-state'), { timeout: 60_000 }).toBe('live');
    }
    const pods = JSON.parse(await kubectl(kubeconfig, 'pro-west', 'get', 'pods', '-A', '-o', 'json')) as { items: unknown[] };
    await expect
      .poll(async () => Number(await card('pro-west').getByTestId('count-pods').getAttribute('data-value')), { timeout: 30_000 })
      .toBe(pods.items.length);
    expect(await card('pro-west').getByTestId('cluster-version').innerText()).toContain('1.35');
    await screenshot(page, 'foundation-overview-light');
    await page.getByTestId('theme-dark').click();
    await screenshot(page, 'foundation-overview-dark');
    await page.getByTestId('theme-light').click();
  });

  it('filters workloads across clusters by cluster, app and free text', async () => {
    await page.getByTestId('nav-workloads').click();
    await page.getByTestId('tab-deployment').click();
    const table = page.getByTestId('deployments-table');
    const all = JSON.parse(await kubectl(kubeconfig, 'pro-east', 'get', 'deployments', '-A', '-o', 'json')) as {
      items: { metadata: { name: string } }[];
    };
    await page.getByTestId('filter-cluster').selectOption('pro-east');
    await expect.poll(async () => Number(await table.getAttribute('data-row-count')), { timeout: 30_000 }).toBe(all.items.length);
    const names = await table.getByTestId('table-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name')));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(all.items.map((d) => d.metadata.name)).toContain(name);

    await page.getByTestId('filter-text').fill('orders');
    await expect
      .poll(async () => Number(await table.getAttribute('data-row-count')))
      .toBe(all.items.filter((d) => d.metadata.name.includes('orders')).length);
    await screenshot(page, 'foundation-workloads-filtered');
    await page.getByTestId('filter-reset').click();
  });

  it('shows a change made with kubectl (scale) live, and the object YAML in the drawer', async () => {
    await page.getByTestId('tab-pod').click();
    await page.getByTestId('filter-cluster').selectOption('fat');
    await page.getByTestId('filter-text').fill('catalog-fat');
    const table = page.getByTestId('pods-table');
    await expect.poll(async () => Number(await table.getAttribute('data-row-count')), { timeout: 30_000 }).toBe(1);

    await kubectl(kubeconfig, 'fat', 'scale', 'deployment/catalog-fat', '-n', 'shop', '--replicas=4');
    await expect.poll(async () => Number(await table.getAttribute('data-row-count')), { timeout: 30_000 }).toBe(4);
    const kubectlPods = (
      await kubectl(kubeconfig, 'fat', 'get', 'pods', '-n', 'shop', '-l', 'app.kubernetes.io/name=catalog', '-o', 'name')
    )
      .trim()
      .split('\n');
    expect(kubectlPods).toHaveLength(4);
    const shown = await table.getByTestId('table-row').evaluateAll((rows) => rows.map((r) => `pod/${r.getAttribute('data-name')}`).sort());
    expect(shown).toEqual([...kubectlPods].sort());

    await table.getByTestId('table-row').first().click();
    await page.keyboard.press('Enter');
    const drawer = page.getByTestId('detail-drawer');
    await expect.poll(() => drawer.getByTestId('drawer-yaml').getAttribute('data-status'), { timeout: 15_000 }).toBe('ok');
    expect(await drawer.getByTestId('drawer-yaml').innerText()).toContain('kind: Pod');
    await screenshot(page, 'foundation-pod-drawer');
    await page.keyboard.press('Escape');
    await kubectl(kubeconfig, 'fat', 'scale', 'deployment/catalog-fat', '-n', 'shop', '--replicas=1');
    await expect.poll(async () => Number(await table.getAttribute('data-row-count')), { timeout: 60_000 }).toBe(1);
  });

  it('shows a cluster going down and coming back, while the others stay live', async () => {
    await page.getByTestId('nav-overview').click();
    await datacenter.stopCluster('uat');
    await expect.poll(() => card('uat').getAttribute('data-state'), { timeout: 60_000 }).toMatch(/reconnecting|stale|error/);
    for (const name of ['fat', 'pro-east', 'pro-west']) expect(await card(name).getAttribute('data-state')).toBe('live');
    await screenshot(page, 'foundation-cluster-down');

    // A change while it is down must show up after it comes back: nothing lost.
    await datacenter.startCluster('uat');
    await expect.poll(() => card('uat').getAttribute('data-state'), { timeout: 90_000 }).toBe('live');
    const pods = JSON.parse(await kubectl(kubeconfig, 'uat', 'get', 'pods', '-A', '-o', 'json')) as { items: unknown[] };
    await expect
      .poll(async () => Number(await card('uat').getByTestId('count-pods').getAttribute('data-value')), { timeout: 30_000 })
      .toBe(pods.items.length);
    await screenshot(page, 'foundation-cluster-back');
  });

  it('lists problems across clusters', async () => {
    await page.getByTestId('nav-problems').click();
    await expect.poll(() => page.getByTestId('problem-group').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await screenshot(page, 'foundation-problems');
  });
});
