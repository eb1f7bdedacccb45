import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser';
import { kubectl, kubectlCreate } from './kubectl';
import { openSandboxApp, type SandboxApp } from './sandbox-app';

/**
 * Every kind, every cluster, in Chromium against the sandbox with kubectl as referee: a kind's table
 * has kubectl's rows across clusters and its columns, the drawer shows YAML, events and related
 * objects, a Secret shows keys and reveals one value only after a confirmation.
 */
describe('resources: every kind across clusters', () => {
  let app: SandboxApp;
  let page: Page;
  let kubeconfig: string;
  let dir: string;
  const rowCount = () => page.getByTestId('resources-table').getAttribute('data-row-count').then(Number);
  const create = (context: string, manifest: object) => kubectlCreate(kubeconfig, context, dir, manifest);

  beforeAll(async () => {
    app = await openSandboxApp('resources', { clockSpeed: 20 });
    ({ page, kubeconfig } = app);
    dir = mkdtempSync(join(tmpdir(), 'capstan-e2e-res-'));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists Services of every cluster with the columns kubectl prints, and follows a change', async () => {
    await page.getByTestId('nav-resources').click();
    await page.getByTestId('resource-kind').selectOption({ label: 'Service' });
    let total = 0;
    for (const c of ['fat', 'uat', 'pro-east', 'pro-west'])
      total += (await kubectl(kubeconfig, c, 'get', 'svc', '-A', '--no-headers')).trim().split('\n').filter(Boolean).length;
    await expect.poll(rowCount, { timeout: 60_000 }).toBe(total);
    const header = (await kubectl(kubeconfig, 'fat', 'get', 'svc', '-A'))
      .split('\n')[0]!
      .split(/\s{2,}/)
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h !== 'namespace');
    const shown = (await page.getByTestId('resources-table').getByRole('columnheader').allInnerTexts()).map((h) =>
      h
        .replace(/[▲▼↑↓]/g, '')
        .trim()
        .toLowerCase(),
    );
    expect(shown).toEqual(['cluster', 'namespace', ...header]);

    await create('uat', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'e2e-probe', namespace: 'default' },
      spec: { ports: [{ port: 8080, protocol: 'TCP' }] },
    });
    await page.getByTestId('resource-filter-text').fill('e2e-probe');
    await expect.poll(rowCount, { timeout: 30_000 }).toBe(1);
    const row = page.locator('[data-testid=table-row][data-name="e2e-probe"]');
    const ip = (await kubectl(kubeconfig, 'uat', 'get', 'svc', 'e2e-probe', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}')).trim();
    await expect.poll(() => row.innerText()).toContain(ip);
    await screenshot(page, 'resources-services');
    await kubectl(kubeconfig, 'uat', 'delete', 'svc', 'e2e-probe', '-n', 'default');
    await expect.poll(() => page.getByTestId('resource-count').innerText(), { timeout: 30_000 }).toMatch(/^Showing 0 of/);
    await page.getByTestId('resource-filter-reset').click();
  });

  it('opens a StatefulSet with its YAML, events and selected pods; goes to a related pod', async () => {
    const [ns, name] = ['default', 'e2e-cache'];
    const labels = { 'app.kubernetes.io/name': 'e2e-cache' };
    await create('fat', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name, namespace: ns },
      spec: {
        serviceName: name,
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'cache', image: 'redis:7' }] } },
      },
    });
    await expect
      .poll(
        async () =>
          (await kubectl(kubeconfig, 'fat', 'get', 'pods', '-n', ns, '-l', 'app.kubernetes.io/name=e2e-cache', '-o', 'name'))
            .trim()
            .split('\n')
            .filter(Boolean).length,
        { timeout: 30_000 },
      )
      .toBe(2);
    await page.getByTestId('resource-kind').selectOption({ label: 'StatefulSet (apps)' });
    await page.getByTestId('resource-filter-cluster').selectOption('fat');
    await page.getByTestId('resource-filter-text').fill(name);
    await page.locator(`[data-testid=table-row][data-name="${name}"][data-namespace="${ns}"]`).click();
    const drawer = page.getByTestId('detail-drawer');
    await expect.poll(() => drawer.getByTestId('drawer-yaml').innerText(), { timeout: 30_000 }).toContain(`kind: StatefulSet`);
    const selector = JSON.parse(
      await kubectl(kubeconfig, 'fat', 'get', 'sts', name, '-n', ns, '-o', 'jsonpath={.spec.selector.matchLabels}'),
    ) as Record<string, string>;
    const pods = (
      await kubectl(
        kubeconfig,
        'fat',
        'get',
        'pods',
        '-n',
        ns,
        '-l',
        Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
        '-o',
        'name',
      )
    )
      .trim()
      .split('\n')
      .map((p) => p.replace('pod/', ''));
    const related = await drawer.locator('[data-relation="selected pod"]').allInnerTexts();
    expect(related.map((t) => t.split(/\s+/)[3]).sort()).toEqual(pods.sort());
    const events = (
      await kubectl(
        kubeconfig,
        'fat',
        'get',
        'events',
        '-n',
        ns,
        '--field-selector',
        `involvedObject.name=${name},involvedObject.kind=StatefulSet`,
        '--no-headers',
      )
    )
      .trim()
      .split('\n')
      .filter(Boolean);
    expect(await drawer.getByTestId('drawer-events').locator('li').count()).toBe(events.length);
    await screenshot(page, 'resources-statefulset-drawer');
    await drawer.locator('[data-relation="selected pod"]').first().getByTestId('related-link').click();
    await expect.poll(() => drawer.getByTestId('drawer-yaml').innerText(), { timeout: 30_000 }).toContain('kind: Pod');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('detail-drawer').count()).toBe(0);
    await page.getByTestId('resource-filter-reset').click();
  });

  it('shows a Secret as keys, reveals one value only after confirming, never in the YAML', async () => {
    await create('pro-east', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'e2e-db', namespace: 'default' },
      type: 'Opaque',
      stringData: { password: 'hunter2-e2e', user: 'app' },
    });
    await page.getByTestId('resource-kind').selectOption({ label: 'Secret' });
    await page.getByTestId('resource-filter-text').fill('e2e-db');
    await expect.poll(rowCount, { timeout: 30_000 }).toBe(1);
    await page.locator('[data-testid=table-row][data-name="e2e-db"]').click();
    const drawer = page.getByTestId('detail-drawer');
    await expect.poll(() => drawer.getByTestId('secret-key').count(), { timeout: 30_000 }).toBe(2);
    expect(await drawer.innerText()).not.toContain('hunter2-e2e');
    expect(await drawer.getByTestId('drawer-yaml').innerText()).not.toContain(Buffer.from('hunter2-e2e').toString('base64'));
    const key = drawer.locator('[data-testid=secret-key][data-key=password]');
    await key.getByTestId('secret-reveal').click();
    expect(await drawer.innerText()).not.toContain('hunter2-e2e');
    await key.getByTestId('secret-confirm').click();
    await expect.poll(() => key.getByTestId('secret-value').innerText()).toBe('hunter2-e2e');
    await screenshot(page, 'resources-secret-revealed');
    // Nothing of it in the store or in persisted preferences.
    expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain('hunter2');
    await key.getByTestId('secret-hide').click();
    expect(await drawer.innerText()).not.toContain('hunter2-e2e');
  });

  it('lists a cluster-scoped kind (Nodes) as kubectl does', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('resource-filter-reset').click();
    await page.getByTestId('resource-kind').selectOption({ label: 'Node' });
    let total = 0;
    for (const c of ['fat', 'uat', 'pro-east', 'pro-west'])
      total += (await kubectl(kubeconfig, c, 'get', 'nodes', '--no-headers')).trim().split('\n').filter(Boolean).length;
    await expect.poll(rowCount, { timeout: 60_000 }).toBe(total);
    const shown = await page.getByTestId('resources-table').getByRole('columnheader').allInnerTexts();
    expect(shown.map((h) => h.trim().toLowerCase())).not.toContain('namespace');
    await screenshot(page, 'resources-nodes');
  });
});
