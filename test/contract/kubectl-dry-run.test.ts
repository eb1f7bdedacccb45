/**
 * Server-side dry run (`dryRun=All`) on the sandbox, with kubectl as the client: create, replace
 * and delete answer as for real (errors and conflicts included) and nothing changes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from './kube-sandbox-helpers';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb?.close();
});

describe('dryRun=All', () => {
  it('creates, replaces and deletes nothing, and still reports what would go wrong', async () => {
    const ctx = ['--context', 'fat'];
    const file = join(sb.kubeconfig, '..', 'cm.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry', namespace: 'default' }, data: { a: '1' } }));
    const created = await sb.kubectl([...ctx, 'create', '-f', file, '--dry-run=server', '-o', 'json']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout).metadata.name).toBe('dry');
    expect((await sb.kubectl([...ctx, 'get', 'cm', 'dry', '-n', 'default'])).stderr).toMatch(/NotFound/);

    expect((await sb.kubectl([...ctx, 'create', '-f', file])).code).toBe(0);
    const rv = (await sb.kubectl([...ctx, 'get', 'cm', 'dry', '-n', 'default', '-o', 'jsonpath={.metadata.resourceVersion}'])).stdout;
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry', namespace: 'default', resourceVersion: rv }, data: { a: '2' } }));
    expect((await sb.kubectl([...ctx, 'replace', '-f', file, '--dry-run=server'])).code).toBe(0);
    expect((await sb.kubectl([...ctx, 'get', 'cm', 'dry', '-n', 'default', '-o', 'jsonpath={.data.a}'])).stdout).toBe('1');
    expect((await sb.kubectl([...ctx, 'get', 'cm', 'dry', '-n', 'default', '-o', 'jsonpath={.metadata.resourceVersion}'])).stdout).toBe(rv);
    // A stale resourceVersion is a conflict in a dry run too.
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dry', namespace: 'default', resourceVersion: '1' }, data: { a: '3' } }));
    expect((await sb.kubectl([...ctx, 'replace', '-f', file, '--dry-run=server'])).stderr).toMatch(/has been modified/);

    expect((await sb.kubectl([...ctx, 'delete', 'cm', 'dry', '-n', 'default', '--dry-run=server'])).code).toBe(0);
    expect((await sb.kubectl([...ctx, 'get', 'cm', 'dry', '-n', 'default', '-o', 'name'])).stdout.trim()).toBe('configmap/dry');
  });
});
