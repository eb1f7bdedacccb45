/**
 * Permissions first, in Chromium against the sandbox: the user lacks `patch deployments` in
 * namespace shop of cluster pro-east. The planner shows it before Start (the exact permission,
 * where, why, and a Role to ask for), Start stays disabled, and nothing of the Deployment moved.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser';
import { kubectl } from './kubectl';
import { openReleases, planHead } from './releases-page';
import { openSandboxApp, type SandboxApp } from './sandbox-app';

describe('releases: missing permissions shown in the planner', () => {
  let app: SandboxApp;
  let page: Page;

  beforeAll(async () => {
    app = await openSandboxApp('rel-perm', { clockSpeed: 3 }, (_server, dc) =>
      dc.denyAccess('pro-east', [{ verbs: ['patch'], resources: ['deployments'], groups: ['apps'], namespaces: ['shop'] }]),
    );
    page = app.page;
    await openReleases(page, { boardRows: 6 });
  }, 90_000);

  afterAll(async () => {
    await app?.close();
  });

  it('names the missing permission with cluster, namespace, verb and resource, offers the Role, and keeps Start disabled', async () => {
    await page.getByTestId('rel-tab-planner').click();
    await page.getByTestId('plan-yaml').fill(`${planHead('payments', '3.3.0', 2)}defaults: { batchPattern: 50%, minOnline: 0 }
gates: { health: { readyWithin: 2m } }
stages:
  - { name: pro, groups: [{ group: pro, datacenter: pro-east }, { group: pro, datacenter: pro-west }] }
`);
    const row = page.getByTestId('plan-permission-missing');
    await row.first().waitFor({ timeout: 20_000 });
    expect(await row.count()).toBe(1);
    expect((await row.innerText()).replace(/\s+/g, ' ')).toBe('pro-east shop patch deployments.apps moves each Deployment batch by batch');
    expect(await page.getByTestId('plan-check-status').innerText()).toBe('invalid');
    expect(await page.getByTestId('plan-issues').innerText()).toContain(
      'Missing permission in cluster pro-east: patch deployments.apps in namespace shop (Capstan moves each Deployment batch by batch).',
    );
    const snippet = await page.getByTestId('plan-permission-snippet').innerText();
    expect(snippet).toContain('Role to ask for in pro-east / shop');
    expect(snippet).toMatch(/kind: RoleBinding[\s\S]*kind: ServiceAccount\s+name: capstan\s+namespace: sandbox/);
    expect(await page.getByTestId('plan-start').isDisabled()).toBe(true);
    expect(await page.getByTestId('plan-start').getAttribute('title')).toContain('fix the errors the check lists');
    await page.getByTestId('plan-permissions').scrollIntoViewIfNeeded();
    await screenshot(page, 'releases-permission-missing');
    // The referee: the user really lacks it there, and only there.
    expect(
      await kubectl(app.kubeconfig, 'pro-east', 'auth', 'can-i', 'patch', 'deployments.apps', '-n', 'shop').catch(
        (e: { stdout?: string }) => e.stdout ?? 'error',
      ),
    ).toMatch(/^no/);
    expect(await kubectl(app.kubeconfig, 'pro-west', 'auth', 'can-i', 'patch', 'deployments.apps', '-n', 'shop')).toMatch(/^yes/);
  }, 60_000);
});
