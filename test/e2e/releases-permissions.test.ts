/**
 * Permissions first, in Chromium against the sandbox: the user lacks `patch deployments` in
 * namespace shop of cluster pro-east. The planner shows it before Start (the exact permission,
 * where, why, and a Role to ask for), Start stays disabled, and nothing of the Deployment moved.
 * Taken away after the planner's check, the start dialog names it (asked again when it opens) and
 * a start confirmed after that is refused in the dialog, nothing written. A local-only release
 * says that teammates cannot see it, and nothing of it is in the cluster.
 */
import type { Page } from 'playwright-core';
import type { RequestSeen } from '../../src-sandbox/datacenter';
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

const PRO_PLAN = `${planHead('payments', '3.3.0', 2)}defaults: { batchPattern: 50%, minOnline: 0 }
gates: { health: { readyWithin: 2m } }
stages:
  - { name: pro, groups: [{ group: pro, datacenter: pro-east }, { group: pro, datacenter: pro-west }] }
`;

describe('releases: the start dialog asks the permissions again; local only says so', () => {
  let app: SandboxApp;
  let page: Page;
  const paymentsPro = (path: string) =>
    kubectl(app.kubeconfig, 'pro-east', '-n', 'shop', 'get', 'deploy', 'payments-pro', '-o', `jsonpath={${path}}`);
  const denyPatch = () =>
    app.datacenter.denyAccess('pro-east', [{ verbs: ['patch'], resources: ['deployments'], groups: ['apps'], namespaces: ['shop'] }]);

  beforeAll(async () => {
    app = await openSandboxApp('rel-perm-start', { clockSpeed: 3 });
    page = app.page;
    await openReleases(page, { boardRows: 6 });
  }, 90_000);

  afterAll(async () => {
    await app?.close();
  });

  /** Planner: the plan checked valid, saved, drift checked and signed: Start is enabled. */
  async function readyToStart(yaml: string) {
    await page.getByTestId('rel-tab-planner').click();
    await page.getByTestId('plan-yaml').fill(yaml);
    await expect.poll(() => page.getByTestId('plan-check-status').innerText(), { timeout: 20_000 }).toBe('valid');
    await page.getByTestId('plan-save').click();
    await page.getByTestId('plan-drift').click();
    await page.getByTestId('drift-signoff').check();
    expect(await page.getByTestId('plan-start').isDisabled()).toBe(false);
  }

  it('a permission taken away after the check: the start dialog names it and where, Start is refused in the dialog, nothing is written', async () => {
    await readyToStart(PRO_PLAN);
    // Every request that could change something (dry runs and access reviews change nothing).
    const writes: string[] = [];
    const stops = ['pro-east', 'pro-west'].map((c) =>
      app.datacenter.cluster(c).onRequest((r: RequestSeen) => {
        if (r.method !== 'GET' && r.query.get('dryRun') !== 'All' && !/selfsubject(access)?reviews$/.test(r.path))
          writes.push(`${c} ${r.method} ${r.path}`);
      }),
    );
    const generation = await paymentsPro('.metadata.generation');
    const named =
      'Missing permission in cluster pro-east: patch deployments.apps in namespace shop (Capstan moves each Deployment batch by batch).';
    try {
      // Taken away after the planner said valid: the dialog asks again when it opens.
      denyPatch();
      await page.getByTestId('plan-start').click();
      const refused = page.getByTestId('start-permissions-refused');
      await refused.waitFor({ timeout: 20_000 });
      expect((await refused.innerText()).replace(/\s+/g, ' ')).toBe(
        `The release would be refused before anything was written: ${named} Ask a cluster admin of pro-east for a Role in shop that allows it, bound to you (the planner's check offers that Role), or release with someone who has it.`,
      );
      expect(await page.getByTestId('confirm-ok').isDisabled()).toBe(true);
      // The dry run of pro-east's first write is refused too, in the API server's words.
      expect(await page.getByTestId('write-refused').innerText()).toMatch(
        /pro-east\/shop\/payments-pro: the API server refused it: .*cannot patch resource "deployments" in API group "apps" in the namespace "shop"/,
      );
      await screenshot(page, 'releases-start-permission-refused');
      // Blocked, the keyboard stays in the dialog (on Cancel): Esc closes it.
      expect(await page.getByTestId('confirm-cancel').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      await page.keyboard.press('Escape');
      await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });

      // Given back, the dialog is clean; taken away again before Enter: the start is refused in the dialog.
      app.datacenter.denyAccess('pro-east', []);
      await page.getByTestId('plan-start').click();
      await page.getByTestId('start-preview').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('start-permissions-refused').count()).toBe(0);
      expect(await page.getByTestId('confirm-ok').isDisabled()).toBe(false);
      denyPatch();
      await page.keyboard.press('Enter');
      const startRefused = page.getByTestId('start-refused');
      await startRefused.waitFor({ timeout: 20_000 });
      expect((await startRefused.innerText()).replace(/\s+/g, ' ')).toContain(
        `The release was refused before anything was written: ${named}`,
      );
      expect(await page.getByTestId('confirm-ok').isDisabled()).toBe(true);
      await screenshot(page, 'releases-start-refused');
      await page.keyboard.press('Escape');
      await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
      expect(writes).toEqual([]);
    } finally {
      for (const stop of stops) stop();
      app.datacenter.denyAccess('pro-east', []);
    }
    // kubectl: the Deployment never moved, and the user really lacked the permission only there.
    expect(await paymentsPro('.metadata.generation')).toBe(generation);
    expect(await paymentsPro('.spec.template.spec.containers[0].image')).toMatch(/payments:3\.2\.1$/);
  }, 90_000);

  it('a local-only release says that teammates cannot see it; kubectl finds no Lease or record of it', async () => {
    await readyToStart(`${planHead('orders', '1.5.0', 1)}defaults: { batchPattern: 50%, minOnline: 0 }
gates: { health: { readyWithin: 2m } }
stages:
  - { name: uat, groups: [{ group: uat }] }
`);
    await page.getByTestId('plan-local-only').check();
    await page.getByTestId('plan-start').click();
    await page.getByTestId('start-preview').waitFor({ timeout: 20_000 });
    await page.keyboard.press('Enter');
    const owner = page.getByTestId('exec-owner');
    await owner.waitFor({ timeout: 20_000 });
    expect(await owner.getAttribute('data-kind')).toBe('local');
    expect((await owner.innerText()).replace(/\s+/g, ' ')).toBe(
      'Local only: this release runs and is recorded on this machine alone. Teammates cannot see it or take it over.',
    );
    expect(await page.getByTestId('exec-list-owner').first().innerText()).toBe('local only');
    await screenshot(page, 'releases-local-only');
    // kubectl: no Lease and no record of any release in the cluster it runs in.
    for (const kind of ['lease', 'configmap'])
      expect(await kubectl(app.kubeconfig, 'uat', 'get', kind, '-A', '-l', 'capstan.io/release-execution', '-o', 'name')).toBe('');
  }, 90_000);
});
