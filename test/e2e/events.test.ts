import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser';
import { kubectl } from './kubectl';
import { openSandboxApp, type SandboxApp } from './sandbox-app';

interface KEvent {
  type: string;
  reason: string;
  count?: number;
  involvedObject: { kind: string; name: string; namespace?: string };
}

/** Events across clusters in Chromium against the sandbox, kubectl get events as referee. */
describe('events: every cluster, Warnings first, grouped', () => {
  let app: SandboxApp;
  let page: Page;
  let kubeconfig: string;
  const clusters = ['fat', 'uat', 'pro-east', 'pro-west'];
  const allEvents = async () => {
    const out: (KEvent & { cluster: string })[] = [];
    for (const c of clusters) {
      const list = JSON.parse(await kubectl(kubeconfig, c, 'get', 'events', '-A', '-o', 'json')) as { items: KEvent[] };
      out.push(...list.items.map((e) => ({ ...e, cluster: c })));
    }
    return out;
  };

  beforeAll(async () => {
    // Clock at normal speed: events do not churn while the test compares with kubectl.
    app = await openSandboxApp('events', { clockSpeed: 1 });
    ({ page, kubeconfig } = app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('holds every event kubectl lists, Warnings first, filters by reason and groups repeats', async () => {
    // The sandbox's crash-looping pod reports BackOff Warnings once it has crashed: wait for one.
    await expect.poll(async () => (await allEvents()).some((e) => e.type === 'Warning'), { timeout: 90_000 }).toBe(true);
    await page.getByTestId('nav-events').click();
    const table = page.getByTestId('events-table');
    await page.getByTestId('events-grouped').uncheck();
    // Ungrouped, every Event object is a row: as many as kubectl lists over the clusters (compared when both agree twice in a row).
    await expect
      .poll(
        async () => {
          const before = (await allEvents()).length;
          const shown = Number(await table.getAttribute('data-row-count'));
          return shown === before ? 'same' : `${shown} vs ${before}`;
        },
        { timeout: 60_000 },
      )
      .toBe('same');
    const events = await allEvents();
    const warnings = events.filter((e) => e.type === 'Warning');
    expect(warnings.length).toBeGreaterThan(0);
    const types = await table.getByTestId('table-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-type')));
    // Warnings first (the first screen of rows).
    const firstNormal = types.indexOf('Normal');
    expect(types.slice(0, firstNormal < 0 ? types.length : firstNormal).every((t) => t === 'Warning')).toBe(true);
    expect(firstNormal === -1 || firstNormal >= Math.min(warnings.length, types.length)).toBe(true);

    // Grouped: one row per object+type+reason, its count the sum of kubectl's counts.
    await page.getByTestId('events-grouped').check();
    const w = warnings[0]!;
    await page.getByTestId('events-filter-reason').selectOption(w.reason);
    await page.getByTestId('events-filter-object').fill(w.involvedObject.name);
    await page.getByTestId('events-filter-cluster').selectOption(w.cluster);
    const same = events.filter(
      (e) =>
        e.cluster === w.cluster &&
        e.reason === w.reason &&
        e.type === w.type &&
        e.involvedObject.name === w.involvedObject.name &&
        e.involvedObject.kind === w.involvedObject.kind,
    );
    const sum = same.reduce((n, e) => n + (e.count ?? 1), 0);
    const row = table.getByTestId('table-row').first();
    await expect.poll(async () => Number(await row.getAttribute('data-count')), { timeout: 30_000 }).toBeGreaterThanOrEqual(sum);
    expect(await row.getAttribute('data-reason')).toBe(w.reason);
    await screenshot(page, 'events-filtered');

    // The row opens its object's drawer, whose own events include this reason.
    await page.getByTestId('theme-dark').click();
    await row.click();
    const drawer = page.getByTestId('detail-drawer');
    await expect.poll(() => drawer.getByTestId('drawer-yaml').innerText(), { timeout: 30_000 }).toContain(`name: ${w.involvedObject.name}`);
    await expect.poll(() => drawer.getByTestId('drawer-events').innerText()).toContain(w.reason);
    await screenshot(page, 'events-drawer-dark');
    await page.keyboard.press('Escape');
    await page.getByTestId('theme-light').click();
    await page.getByTestId('events-filter-reset').click();
    await screenshot(page, 'events-all');
  });
});
