import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nginxDeployment } from '../../src-shared/testing/fixtures';
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
  const cmValue = async () =>
    (await kubectl(kubeconfig, 'fat', 'get', 'cm', 'e2e-edit', '-n', 'default', '-o', 'jsonpath={.data.level}')).trim();
  const openObject = async (kind: string, name: string) => {
    await page.getByTestId('nav-resources').click();
    await page.getByTestId('resource-kind').selectOption({ label: kind });
    await page.getByTestId('resource-filter-cluster').selectOption('fat');
    await page.getByTestId('resource-filter-text').fill(name);
    await page.locator(`[data-testid=table-row][data-name="${name}"]`).click({ timeout: 30_000 });
    await page.getByTestId('drawer-yaml').waitFor({ timeout: 30_000 });
  };
  const editor = () => page.getByTestId('yaml-editor');
  type WithView = { editorView: { state: { doc: { toString(): string; length: number } }; dispatch(t: unknown): void } };
  /** The text CodeMirror holds, and a change made through it (as typing would: the editor's update listener fires). */
  const editorText = (scope = editor()) =>
    scope.getByTestId('edit-text').evaluate((el) => (el as unknown as WithView).editorView.state.doc.toString());
  const setEditorText = (text: string, scope = editor()) =>
    scope.getByTestId('edit-text').evaluate((el, t) => {
      const v = (el as unknown as WithView).editorView;
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: t } });
    }, text);
  const replaceInEditor = async (from: string, to: string) => {
    const text = await editorText();
    expect(text).toContain(from);
    await setEditorText(text.replace(from, to));
  };
  const patchCm = async (patch: object) => {
    const file = join(dir, 'patch.json');
    writeFileSync(file, JSON.stringify(patch));
    await kubectl(kubeconfig, 'fat', 'patch', 'cm', 'e2e-edit', '-n', 'default', '--type', 'merge', '--patch-file', file);
  };
  const cmData = async () =>
    (
      JSON.parse(await kubectl(kubeconfig, 'fat', 'get', 'cm', 'e2e-edit', '-n', 'default', '-o', 'json')) as {
        data: Record<string, string>;
      }
    ).data;

  beforeAll(async () => {
    app = await openSandboxApp('edit', { clockSpeed: 5 });
    ({ page, kubeconfig } = app);
    dir = mkdtempSync(join(tmpdir(), 'capstan-e2e-edit-'));
    await create('fat', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'e2e-edit', namespace: 'default' },
      data: { level: 'info' },
    });
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

  it('rebases on a 409: my change replayed on the version kubectl wrote meanwhile, both visible to kubectl', async () => {
    await page.getByTestId('edit-open').click();
    await replaceInEditor('level: debug', 'level: warn');
    // While the user edits, someone else changes another part of the object.
    await patchCm({ data: { other: 'x' }, metadata: { labels: { team: 'blue' } } });
    await editor().getByTestId('edit-apply').click();
    await expect.poll(() => editor().getByTestId('edit-result').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('conflict');
    expect(await cmValue()).toBe('debug');
    await screenshot(page, 'edit-conflict');
    await editor().getByTestId('edit-rebase').click();
    await expect.poll(() => editor().getByTestId('edit-rebased').getAttribute('data-conflicts')).toBe('0');
    // The diff (CodeMirror's merge view) is against the new live version: only my line changed.
    expect(Number(await editor().getByTestId('edit-diff').getAttribute('data-changed'))).toBe(2);
    await editor().getByTestId('edit-diff').locator('.cm-mergeView').waitFor();
    await screenshot(page, 'edit-rebased-diff');
    await editor().getByTestId('edit-tab-edit').click();
    const merged = await editorText();
    expect(merged).toContain('level: warn');
    expect(merged).toContain('other: x');
    expect(merged).toContain('team: blue');
    await editor().getByTestId('edit-apply').click();
    await expect.poll(cmValue, { timeout: 30_000 }).toBe('warn');
    expect(await cmData()).toEqual({ level: 'warn', other: 'x' });
    expect(
      (await kubectl(kubeconfig, 'fat', 'get', 'cm', 'e2e-edit', '-n', 'default', '-o', 'jsonpath={.metadata.labels.team}')).trim(),
    ).toBe('blue');
  });

  it('shows a conflict when both changed the same line, and applies the side the user keeps', async () => {
    await expect.poll(() => page.getByTestId('drawer-yaml').innerText(), { timeout: 30_000 }).toContain('other: x');
    await page.getByTestId('edit-open').click();
    await replaceInEditor('level: warn', 'level: error');
    await patchCm({ data: { level: 'trace' }, metadata: { labels: { owner: 'ops' } } });
    await editor().getByTestId('edit-apply').click();
    await expect.poll(() => editor().getByTestId('edit-result').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('conflict');
    await editor().getByTestId('edit-rebase').click();
    await expect.poll(() => editor().getAttribute('data-conflicts')).toBe('1');
    expect(await editor().getByTestId('edit-apply').isDisabled()).toBe(true);
    // The conflict is marked at its line in the editor.
    const text = await editorText();
    const line = text.split('\n').indexOf('<<<<<<< your edit') + 1;
    expect(await editor().locator(`[data-error-line="${line}"]`).count()).toBe(1);
    await screenshot(page, 'edit-rebase-conflict');
    await editor().getByTestId('conflict-keep-mine').click();
    await expect.poll(() => editor().getAttribute('data-conflicts')).toBe('0');
    await editor().getByTestId('edit-apply').click();
    await expect.poll(cmValue, { timeout: 30_000 }).toBe('error');
    expect(await cmData()).toEqual({ level: 'error', other: 'x' });
    expect(
      (await kubectl(kubeconfig, 'fat', 'get', 'cm', 'e2e-edit', '-n', 'default', '-o', 'jsonpath={.metadata.labels.owner}')).trim(),
    ).toBe('ops');
  });

  it('places a server validation error at its line', async () => {
    const name = (await kubectl(kubeconfig, 'fat', 'get', 'deploy', '-n', 'shop', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
    await page.keyboard.press('Escape');
    await openObject('Deployment (apps)', name);
    await page.getByTestId('edit-open').click();
    const text = await editorText();
    const replicasLine = text.split('\n').findIndex((l) => /^\s+replicas: \d+$/.test(l)) + 1;
    await setEditorText(text.replace(/(\n\s+replicas: )\d+/, '$1-1'));
    await editor().getByTestId('edit-dry-run').click();
    await expect.poll(() => editor().getByTestId('edit-result').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('invalid');
    const err = editor().getByTestId('edit-field-error').first();
    expect(await err.innerText()).toContain('spec.replicas');
    expect(Number(await err.getAttribute('data-line'))).toBe(replicasLine);
    // ...and in the editor, on that line.
    expect(await editor().locator(`[data-error-line="${replicasLine}"]`).getAttribute('title')).toContain('spec.replicas');
    await screenshot(page, 'edit-invalid');
    await editor().getByTestId('edit-cancel').click();
  });

  it('deletes a Deployment after saying what the cascade removes', async () => {
    await create('fat', nginxDeployment('e2e-gone', 'default', 2));
    await expect
      .poll(
        async () =>
          (await kubectl(kubeconfig, 'fat', 'get', 'pods', '-n', 'default', '-l', 'app.kubernetes.io/name=e2e-gone', '-o', 'name'))
            .trim()
            .split('\n')
            .filter(Boolean).length,
        { timeout: 30_000 },
      )
      .toBe(2);
    await page.keyboard.press('Escape');
    await openObject('Deployment (apps)', 'e2e-gone');
    await page.getByTestId('delete-open').click();
    const dialog = page.getByTestId('delete-dialog');
    await expect.poll(() => dialog.getAttribute('data-dependents'), { timeout: 30_000 }).toBe('3');
    expect(await dialog.innerText()).toMatch(/1 ReplicaSet, 2 Pods/);
    await screenshot(page, 'edit-delete-cascade');
    await dialog.getByTestId('delete-confirm').click();
    await expect
      .poll(async () => (await kubectl(kubeconfig, 'fat', 'get', 'deploy', '-n', 'default', '-o', 'name')).includes('e2e-gone'), {
        timeout: 30_000,
      })
      .toBe(false);
    await expect
      .poll(
        async () =>
          (await kubectl(kubeconfig, 'fat', 'get', 'pods', '-n', 'default', '-l', 'app.kubernetes.io/name=e2e-gone', '-o', 'name')).trim(),
        { timeout: 60_000 },
      )
      .toBe('');
  });

  it('creates an object from YAML', async () => {
    await page.keyboard.press('Escape');
    await page.getByTestId('resource-kind').selectOption({ label: 'ConfigMap' });
    await page.getByTestId('create-open').click();
    const panel = page.getByTestId('create-panel');
    await panel.getByTestId('create-cluster').selectOption('uat');
    await setEditorText(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e2e-new\n  namespace: default\ndata:\n  hello: world\n',
      panel,
    );
    await panel.getByTestId('edit-apply').click();
    await expect
      .poll(
        async () => (await kubectl(kubeconfig, 'uat', 'get', 'cm', 'e2e-new', '-n', 'default', '-o', 'jsonpath={.data.hello}')).trim(),
        { timeout: 30_000 },
      )
      .toBe('world');
    await expect.poll(() => page.getByTestId('drawer-yaml').innerText(), { timeout: 30_000 }).toContain('hello: world');
  });
});
