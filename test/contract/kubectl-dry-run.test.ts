/**
 * Server-side dry run, refereed by the real kubectl: every write with dryRun=All answers what would
 * be stored and changes nothing (no stored version, no watch event).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../src-sandbox/kube/store';
import type { TestSandbox } from './kube-sandbox-helpers';
import { startTestSandbox } from './kube-sandbox-helpers';

describe('kubectl --dry-run=server and diff leave the cluster unchanged', { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  let dir: string;
  const events: ChangeEvent[] = [];
  const ctx = ['--context', 'fat', '-n', 'shop'];
  const run = (args: string[]) => sb.kubectl([...ctx, ...args]);
  const ok = (args: string[]) => sb.kubectlOk([...ctx, ...args]);
  const deployment = () => JSON.parse(JSON.stringify(sb.dc.cluster('fat').store.get('deployments', 'shop', 'payments-fat')!.obj));
  /** Watch events that would show a user's write to one object (controllers keep updating status meanwhile). */
  const eventsFor = (resource: string, name: string) =>
    events.filter((e) => {
      if (e.resource !== resource || e.object.obj.metadata.name !== name) return false;
      if (e.type !== 'MODIFIED' || !e.previous) return true;
      const [a, b] = [e.previous.obj, e.object.obj];
      return (
        JSON.stringify([a.spec, a.metadata.labels, a.metadata.deletionTimestamp]) !==
        JSON.stringify([b.spec, b.metadata.labels, b.metadata.deletionTimestamp])
      );
    });

  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 20 });
    dir = mkdtempSync(join(tmpdir(), 'capstan-dry-run-'));
    sb.dc.cluster('fat').store.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sb?.close();
  });

  it('scale --dry-run=server answers the new count and keeps the old one', async () => {
    const before = deployment();
    expect(await ok(['scale', 'deploy/payments-fat', '--replicas=7', '--dry-run=server'])).toContain(
      'deployment.apps/payments-fat scaled (server dry run)',
    );
    expect(deployment().spec.replicas).toBe(before.spec.replicas);
    expect(deployment().metadata.generation).toBe(before.metadata.generation);
    expect(eventsFor('deployments', 'payments-fat')).toHaveLength(0);
  });

  it('label --dry-run=server prints the labelled object and stores nothing', async () => {
    const out = JSON.parse(await ok(['label', 'deploy/payments-fat', 'tier=gold', '--dry-run=server', '-o', 'json']));
    expect(out.metadata.labels.tier).toBe('gold');
    expect(deployment().metadata.labels.tier).toBeUndefined();
    expect(eventsFor('deployments', 'payments-fat')).toHaveLength(0);
  });

  it('create --dry-run=server returns a defaulted object without a resourceVersion; get finds nothing', async () => {
    const file = join(dir, 'dry.json');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'dry', namespace: 'shop' },
        spec: {
          selector: { matchLabels: { app: 'dry' } },
          template: { metadata: { labels: { app: 'dry' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
        },
      }),
    );
    const out = JSON.parse(await ok(['create', '-f', file, '--dry-run=server', '-o', 'json']));
    expect(out.spec.replicas).toBe(1);
    expect(out.spec.strategy.rollingUpdate.maxSurge).toBe('25%');
    expect(out.metadata.uid).toBeTruthy();
    expect(out.metadata.resourceVersion).toBeUndefined();
    const get = await run(['get', 'deploy', 'dry']);
    expect(get.code).not.toBe(0);
    expect(get.stderr).toContain('deployments.apps "dry" not found');
    expect(eventsFor('deployments', 'dry')).toHaveLength(0);
  });

  it('delete --dry-run=server keeps the Deployment, its ReplicaSets and pods; delete pod too', async () => {
    const pods = sb.dc.cluster('fat').store.count('pods');
    expect(await ok(['delete', 'deploy/payments-fat', '--dry-run=server'])).toContain(
      'deployment.apps "payments-fat" deleted (server dry run)',
    );
    const pod = JSON.parse(await ok(['get', 'pods', '-l', 'app.kubernetes.io/instance=payments-fat', '-o', 'json'])).items[0].metadata.name;
    expect(await ok(['delete', 'pod', pod, '--dry-run=server'])).toContain(`pod "${pod}" deleted (server dry run)`);
    expect(deployment().metadata.deletionTimestamp).toBeUndefined();
    expect(sb.dc.cluster('fat').store.get('pods', 'shop', pod)!.obj.metadata.deletionTimestamp).toBeUndefined();
    expect(sb.dc.cluster('fat').store.count('pods')).toBe(pods);
    expect(eventsFor('deployments', 'payments-fat')).toHaveLength(0);
    expect(eventsFor('pods', pod).filter((e) => e.type === 'DELETED' || e.object.obj.metadata.deletionTimestamp)).toHaveLength(0);
  });

  it('diff -f shows the change (exit 1) without applying it', async () => {
    const d = deployment();
    const current = d.spec.template.spec.containers[0].image as string;
    const file = join(dir, 'payments.json');
    const changed = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'payments-fat', namespace: 'shop', labels: d.metadata.labels },
      spec: {
        ...d.spec,
        template: {
          ...d.spec.template,
          spec: { ...d.spec.template.spec, containers: [{ ...d.spec.template.spec.containers[0], image: `${current}-next` }] },
        },
      },
    };
    writeFileSync(file, JSON.stringify(changed));
    const r = await sb.kubectl(['--context', 'fat', 'diff', '-f', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`+        image: ${current}-next`);
    expect(deployment().spec.template.spec.containers[0].image).toBe(current);
    expect(eventsFor('deployments', 'payments-fat')).toHaveLength(0);
  });

  it('rejects a dryRun value other than All with 400', async () => {
    const r = await sb.request('fat', 'DELETE', '/apis/apps/v1/namespaces/shop/deployments/payments-fat?dryRun=Some');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'dryRun: Unsupported value: "Some": supported values: "All"',
    });
    expect(deployment().metadata.deletionTimestamp).toBeUndefined();
  });
});
