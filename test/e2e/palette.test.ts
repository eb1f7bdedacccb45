import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser';
import { kubectl, kubectlCreate } from './kubectl';
import { openSandboxApp, type SandboxApp } from './sandbox-app';

/** The command palette in Chromium against the sandbox: objects of any kind in any cluster, views, actions, recent items, keyboard only. */
describe('command palette', () => {
  let app: SandboxApp;
  let page: Page;
  let kubeconfig: string;

  beforeAll(async () => {
    app = await openSandboxApp('palette', { clockSpeed: 5 });
    ({ page, kubeconfig } = app);
  });
  afterAll(async () => {
    await app?.close();
  });

  const items = () =>
    page.getByTestId('palette-item').evaluateAll((li) => li.map((l) => `${l.getAttribute('data-group')}:${l.getAttribute('data-label')}`));
  /** Moves the choice to `item` with the arrow keys, one press at a time, looking where it is after each (hits may still arrive). */
  const choose = async (item: string) => {
    await expect
      .poll(
        async () => {
          const list = await items();
          const chosen = await page
            .getByTestId('palette-item')
            .evaluateAll((li) => li.findIndex((l) => l.getAttribute('aria-selected') === 'true'));
          const want = list.indexOf(item);
          if (want < 0 || want === chosen) return list[chosen];
          await page.keyboard.press(want > chosen ? 'ArrowDown' : 'ArrowUp');
          return list[chosen];
        },
        { timeout: 30_000, interval: 50 },
      )
      .toBe(item);
  };

  it('finds a ConfigMap in every cluster that has it, by name, and opens it with the keyboard', async () => {
    await page.getByTestId('nav-overview').waitFor();
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').waitFor();
    // kube-root-ca.crt exists in every namespace of every cluster: kubectl counts them.
    let expected = 0;
    for (const c of ['fat', 'uat', 'pro-east', 'pro-west'])
      expected += (
        await kubectl(kubeconfig, c, 'get', 'configmaps', '-A', '--field-selector', 'metadata.name=kube-root-ca.crt', '-o', 'name')
      )
        .trim()
        .split('\n')
        .filter(Boolean).length;
    await page.keyboard.type('kube-root-ca');
    await expect
      .poll(async () => (await items()).filter((i) => i === 'ConfigMap:kube-root-ca.crt').length, { timeout: 60_000 })
      .toBe(Math.min(expected, 30));
    await screenshot(page, 'palette-objects');

    // A pod by part of its name: kubectl's first pod of pro-west.
    const pod = (await kubectl(kubeconfig, 'pro-west', 'get', 'pods', '-n', 'shop', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
    await page.getByTestId('palette-input').fill(pod);
    await expect.poll(async () => (await items())[0], { timeout: 30_000 }).toBe(`Pod:${pod}`);
    await page.keyboard.press('Enter');
    const drawer = page.getByTestId('detail-drawer');
    await expect.poll(() => drawer.getByTestId('drawer-yaml').innerText(), { timeout: 30_000 }).toContain(`name: ${pod}`);
    expect(await page.locator('[data-view]').getAttribute('data-view')).toBe('resources');
    await page.keyboard.press('Escape');

    // The same pod's logs, straight from the palette.
    await page.keyboard.press('Control+k');
    await page.keyboard.type(pod);
    await expect.poll(async () => (await items()).includes(`Action:Logs of ${pod}`), { timeout: 30_000 }).toBe(true);
    await choose(`Action:Logs of ${pod}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-view]').getAttribute('data-view')).toBe('logs');
    await expect.poll(() => page.locator('[data-testid=tab-logs]').last().innerText()).toContain(`pro-west · ${pod}`);
  });

  it('finds an object kubectl created a moment ago (the index is live)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-e2e-palette-'));
    try {
      await page.keyboard.press('Control+k');
      const input = page.getByTestId('palette-input');
      await input.fill('e2e-palette-fresh');
      await kubectlCreate(kubeconfig, 'uat', dir, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'e2e-palette-fresh', namespace: 'default' },
        data: { a: 'b' },
      });
      // Typing again asks again; the name must be there within seconds, not at the next relist.
      await expect
        .poll(
          async () => {
            await input.fill('e2e-palette-fres');
            await input.fill('e2e-palette-fresh');
            return (await items()).includes('ConfigMap:e2e-palette-fresh');
          },
          { timeout: 10_000 },
        )
        .toBe(true);
      await page.keyboard.press('Escape');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs views and actions, and offers recent items first', async () => {
    await page.keyboard.press('Control+k');
    await page.keyboard.type('go to events');
    await expect.poll(async () => (await items())[0]).toBe('View:Go to Events');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-view]').getAttribute('data-view')).toBe('events');

    await page.keyboard.press('Control+k');
    await page.keyboard.type('show kind statefulset');
    await expect.poll(async () => (await items())[0]).toBe('Kind:Show kind: StatefulSet (apps)');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('resource-kind').inputValue()).toBe('apps/v1/statefulsets');

    await page.keyboard.press('Control+k');
    // A recent kind is listed once the palette has the cluster's kinds again (asked for as it opens).
    await expect
      .poll(async () => (await items()).slice(0, 3))
      .toEqual(['Recent:Show kind: StatefulSet (apps)', 'Recent:Go to Events', expect.stringMatching(/^Recent:/)]);
    await screenshot(page, 'palette-recent');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('palette').count()).toBe(0);
  });
});
