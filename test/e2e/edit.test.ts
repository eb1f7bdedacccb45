import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot } from './browser';
import { kubectl, kubectlCreate } from './kubectl';
import { openSandboxApp, type SandboxApp } from './sandbox-app';

/** Edit, dry run, apply, conflict and rebase, invalid fields, delete with its cascade, create: Chromium against the sandbox, kubectl as referee. */
describe('edit, apply, delete, create', () => {
  let app: SandboxApp;
  let page: Page;
  let kubeconfig: string;
  let dir: string;
  const create = (context: string, manifest: object) => kubectlCreate(kubeconfig, context, dir, manifest);
  const cmValue = async () => (await kubectl(kubeconfig, 'fat', 'get', 'cm', 'e2e-edit', '-n', 'default', '-o', 'jsonpath={.data.level}')).trim();
  const openObject = async (kind: string, name: string) => {
    await page.getByTestId('nav-resources').click();
    await page.getByTestId('resource-kind').selectOption({ label: kind });
    await page.getByTestId('resource-filter-cluster').selectOption('fat');
    await page.getByTestId('resource-filter-text').fill(name);
    await page.locator(`[data-testid=table-row][data-name="${name}"]`).click({ timeout: 30_000 });
    await page.getByTestId('drawer-yaml').waitFor({ timeout: 30_000 });
  };
  const editor = () => page.getByTestId('yaml-editor');
  const replaceInEditor = async (from: string, to: string) => {
    const text = await editor().getByTestId('edit-text').inputValue();
    expect(text).toContain(from);
    await editor().getByTestId('edit-text').fill(text.replace(from, to));
  };

  beforeAll(async () => {
    app = await openSandboxApp('edit', { clockSpeed: 5 });
    ({ page, kubeconfig } = app);
    dir = mkdtempSync(join(tmpdir(), 'capstan-e2e-edit-'));
    await create('fat', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'e2e-edit', namespace: 'default' }, data: { level: 'info' } });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('edits with a diff and a dry run that changes nothing, then applies', async () => {
    await openObject('ConfigMap', 'e2e-edit');
    await page.getByTestId('edit-open').click();
    await replaceInEditor('level: info', 'level: debug');
    await editor().getByTestId('edit-tab-diff').click();
    expect(Number(await editor().getByTestId('edit-diff').getAttribute('data-changed'))).toBe(2);
    await editor().getByTestId('edit-dry-run').click();
    await expect.poll(() => editor().getByTestId('edit-result').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('dry-run');
    expect(await cmValue()).toBe('info');
    await screenshot(page, 'edit-dry-run');
    await editor().getByTestId('edit-apply').click();
    await expect.poll(cmValue, { timeout: 30_000 }).toBe('debug');
  });

  it('reports a conflict when someone else changed it, and applies after a rebase', async () => {
    await page.getByTestId('edit-open').click();
    await replaceInEditor('level: debug', 'level: warn');
    const file = join(dir, 'patch.json');
    writeFileSync(file, JSON.stringify({ data: { other: 'x' } }));
    await kubectl(kubeconfig, 'fat', 'patch', 'cm', 'e2e-edit', '-n', 'default', '--type', 'merge', '--patch-file', file);
    await editor().getByTestId('edit-apply').click();
    await expect.poll(() => editor().getByTestId('edit-result').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('conflict');
    expect(await cmValue()).toBe('debug');
    await screenshot(page, 'edit-conflict');
    await editor().getByTestId('edit-rebase').click();
    await editor().getByTestId('edit-apply').click();
    await expect.poll(cmValue, { timeout: 30_000 }).toBe('warn');
  });

  it('places a server validation error at its line', async () => {
    const name = (await kubectl(kubeconfig, 'fat', 'get', 'deploy', '-n', 'shop', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
    await page.keyboard.press('Escape');
    await openObject('Deployment (apps)', name);
    await page.getByTestId('edit-open').click();
    const text = await editor().getByTestId('edit-text').inputValue();
    const replicasLine = text.split('\n').findIndex((l) => /^\s+replicas: \d+$/.test(l)) + 1;
    await editor().getByTestId('edit-text').fill(text.replace(/(\n\s+replicas: )\d+/, '$1-1'));
    await editor().getByTestId('edit-dry-run').click();
    await expect.poll(() => editor().getByTestId('edit-result').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('invalid');
    const err = editor().getByTestId('edit-field-error').first();
    expect(await err.innerText()).toContain('spec.replicas');
    expect(Number(await err.getAttribute('data-line'))).toBe(replicasLine);
    await screenshot(page, 'edit-invalid');
    await editor().getByTestId('edit-cancel').click();
  });

  it('deletes a Deployment after saying what the cascade removes', async () => {
    const labels = { 'app.kubernetes.io/name': 'e2e-gone' };
    await create('fat', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'e2e-gone', namespace: 'default' }, spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } });
    await expect.poll(async () => (await kubectl(kubeconfig, 'fat', 'get', 'pods', '-n', 'default', '-l', 'app.kubernetes.io/name=e2e-gone', '-o', 'name')).trim().split('\n').filter(Boolean).length, { timeout: 30_000 }).toBe(2);
    await page.keyboard.press('Escape');
    await openObject('Deployment (apps)', 'e2e-gone');
    await page.getByTestId('delete-open').click();
    const dialog = page.getByTestId('delete-dialog');
    await expect.poll(() => dialog.getAttribute('data-dependents'), { timeout: 30_000 }).toBe('3');
    expect(await dialog.innerText()).toMatch(/1 ReplicaSet, 2 Pods/);
    await screenshot(page, 'edit-delete-cascade');
    await dialog.getByTestId('delete-confirm').click();
    await expect.poll(async () => (await kubectl(kubeconfig, 'fat', 'get', 'deploy', '-n', 'default', '-o', 'name')).includes('e2e-gone'), { timeout: 30_000 }).toBe(false);
    await expect.poll(async () => (await kubectl(kubeconfig, 'fat', 'get', 'pods', '-n', 'default', '-l', 'app.kubernetes.io/name=e2e-gone', '-o', 'name')).trim(), { timeout: 60_000 }).toBe('');
  });

  it('creates an object from YAML', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('resource-kind').selectOption({ label: 'ConfigMap' });
    await page.getByTestId('create-open').click();
    const panel = page.getByTestId('create-panel');
    await panel.getByTestId('create-cluster').selectOption('uat');
    await panel.getByTestId('edit-text').fill('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e2e-new\n  namespace: default\ndata:\n  hello: world\n');
    await panel.getByTestId('edit-apply').click();
    await expect.poll(async () => (await kubectl(kubeconfig, 'uat', 'get', 'cm', 'e2e-new', '-n', 'default', '-o', 'jsonpath={.data.hello}')).trim(), { timeout: 30_000 }).toBe('world');
    await expect.poll(() => page.getByTestId('drawer-yaml').innerText(), { timeout: 30_000 }).toContain('hello: world');
  });
});
