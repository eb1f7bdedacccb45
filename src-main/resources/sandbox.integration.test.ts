/**
 * Integration: ResourceService against the sandbox datacenter, with the real kubectl as referee:
 * discovery lists the kinds kubectl knows, a Services table has the rows and the cells
 * `kubectl get svc -A` prints, a change arrives as a diff, a Secret's detail holds keys and no
 * values, and revealing one key gives what kubectl decodes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceDiff, ResourceRow } from '../../src-shared/resources/contract';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { until } from '../testing/fake-kube';
import { resourceHandlers } from './handlers';
import { ResourceService } from './resource-service';

const run = promisify(execFile);
let dc: Datacenter;
let dir: string;
let kubeconfig: string;
const kubectl = async (context: string, ...args: string[]) =>
  (await run('kubectl', ['--kubeconfig', kubeconfig, '--context', context, ...args], { timeout: 60_000 })).stdout;
/** `kubectl create -f` sends JSON (the sandbox does not read protobuf bodies, which `kubectl create <kind>` sends). */
const kubectlCreate = async (context: string, manifest: object) => {
  const file = join(dir, `manifest-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(manifest));
  return kubectl(context, 'create', '-f', file);
};

beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 10, bookmarkIntervalMs: 200 });
  dir = mkdtempSync(join(tmpdir(), 'capstan-resources-'));
  kubeconfig = join(dir, 'kubeconfig');
  dc.writeKubeconfig(kubeconfig);
});
afterAll(async () => {
  await dc?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('resources against the sandbox', () => {
  it('lists kinds, mirrors a table as kubectl prints it, follows changes, hides secret values', async () => {
    const kc = KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox');
    const clusters = new ClusterService(kc, { staleAfterMs: 1000, notifyIntervalMs: 50, idleCloseMs: 0 });
    const resources = new ResourceService(clusters, { flushIntervalMs: 50 });
    const handlers = resourceHandlers(resources, clusters);
    const names = dc.clusters.map((c) => c.name);
    const ctx = (await kubectl(names[0]!, 'config', 'get-contexts', '-o', 'name')).split('\n').filter(Boolean);
    const context = (cluster: string) => ctx.find((c) => c.includes(cluster)) ?? cluster;

    const kinds = await resources.kinds();
    expect(kinds.errors).toEqual([]);
    const kindNames = kinds.kinds.map((k) => k.kind);
    for (const k of [
      'Service',
      'ConfigMap',
      'Secret',
      'StatefulSet',
      'DaemonSet',
      'Job',
      'CronJob',
      'Node',
      'Event',
      'PodDisruptionBudget',
    ])
      expect(kindNames).toContain(k);
    const apiResources = await kubectl(context(names[0]!), 'api-resources', '--verbs=list,watch', '-o', 'name');
    // Every type kubectl can list and watch is offered (kubectl names them resource.group).
    for (const r of apiResources.split('\n').filter(Boolean)) {
      const [resource, ...group] = r.split('.');
      expect(
        kinds.kinds.some((k) => k.resource === resource && k.group === group.join('.')),
        r,
      ).toBe(true);
    }

    const columns = new Map<string, { name: string; priority: number }[]>();
    const mirror = new Map<string, Map<string, ResourceRow>>();
    const synced = new Set<string>();
    const stop = resources.subscribe({ group: '', version: 'v1', resource: 'services' }, undefined, (diffs: ResourceDiff[]) => {
      for (const d of diffs) {
        if (d.reset || !mirror.has(d.clusterId)) mirror.set(d.clusterId, new Map());
        if (d.columns) columns.set(d.clusterId, d.columns);
        for (const u of d.upserts) mirror.get(d.clusterId)!.set(u.uid, u);
        for (const uid of d.deletes) mirror.get(d.clusterId)!.delete(uid);
        if (d.synced) synced.add(d.clusterId);
      }
    });
    await until(() => names.every((n) => synced.has(n) && columns.has(n)), 30_000, 'every cluster synced');
    for (const n of names.slice(0, 2)) {
      const printed = (await kubectl(context(n), 'get', 'svc', '-A', '--no-headers')).split('\n').filter(Boolean);
      await until(() => mirror.get(n)!.size === printed.length, 10_000, `${n}: as many services as kubectl prints`);
      const header = (await kubectl(context(n), 'get', 'svc', '-A')).split('\n')[0]!.split(/\s{2,}/);
      // kubectl -A adds NAMESPACE in front of the server's columns.
      const shown = columns.get(n)!.flatMap((c, i) => (c.priority === 0 ? [i] : []));
      expect(['NAMESPACE', ...shown.map((i) => columns.get(n)![i]!.name.toUpperCase())]).toEqual(header.map((h) => h.trim()));
      for (const line of printed) {
        const [ns, name, ...cells] = line.split(/\s+/);
        const row = [...mirror.get(n)!.values()].find((r) => r.namespace === ns && r.name === name);
        expect(row, `${n} ${ns}/${name}`).toBeDefined();
        // Age is printed relative to now and may tick between the two reads: compare the rest.
        expect(shown.slice(1, -1).map((i) => String(row!.cells[i]))).toEqual(cells.slice(0, -1));
      }
    }

    // A change arrives as a diff.
    const target = names[0]!;
    await kubectlCreate(context(target), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'capstan-probe', namespace: 'default' },
      spec: { ports: [{ port: 8080, protocol: 'TCP' }] },
    });
    await until(() => [...mirror.get(target)!.values()].some((r) => r.name === 'capstan-probe'), 10_000, 'created service arrives');
    await kubectl(context(target), 'delete', 'service', 'capstan-probe', '-n', 'default');
    await until(() => ![...mirror.get(target)!.values()].some((r) => r.name === 'capstan-probe'), 10_000, 'deleted service goes');
    stop();

    // Secrets: keys only in the detail, one value on a confirmed reveal.
    await kubectlCreate(context(target), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'capstan-db', namespace: 'default' },
      type: 'Opaque',
      stringData: { password: 's3cr3t-value', user: 'app' },
    });
    const detail = await handlers['resources.detail'](
      { clusterId: target, type: { group: '', version: 'v1', resource: 'secrets' }, namespace: 'default', name: 'capstan-db' },
      { senderId: 't', signal: new AbortController().signal },
    );
    expect(detail.ok).toBe(true);
    if (!detail.ok) return;
    expect(detail.value.secretKeys).toEqual(['password', 'user']);
    expect(detail.value.yaml).not.toContain('s3cr3t');
    expect(detail.value.yaml).not.toContain(Buffer.from('s3cr3t-value').toString('base64'));
    const revealed = await handlers['resources.revealSecretKey'](
      { clusterId: target, namespace: 'default', name: 'capstan-db', key: 'password', confirmed: true },
      { senderId: 't', signal: new AbortController().signal },
    );
    const referee = Buffer.from(
      await kubectl(context(target), 'get', 'secret', 'capstan-db', '-n', 'default', '-o', 'jsonpath={.data.password}'),
      'base64',
    ).toString('utf8');
    expect(revealed).toEqual({ ok: true, value: { value: referee, binary: false } });

    // A Deployment's detail: its selected pods are the ones kubectl lists with its selector.
    const deployments = (await kubectl(context(target), 'get', 'deploy', '-A', '--no-headers')).split('\n').filter(Boolean);
    const [dns, dname] = deployments[0]!.split(/\s+/);
    const dd = await handlers['resources.detail'](
      { clusterId: target, type: { group: 'apps', version: 'v1', resource: 'deployments' }, namespace: dns!, name: dname! },
      { senderId: 't', signal: new AbortController().signal },
    );
    expect(dd.ok).toBe(true);
    if (dd.ok) {
      const selector = await kubectl(context(target), 'get', 'deploy', dname!, '-n', dns!, '-o', 'jsonpath={.spec.selector.matchLabels}');
      const labels = Object.entries(JSON.parse(selector) as Record<string, string>)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      const pods = (await kubectl(context(target), 'get', 'pods', '-n', dns!, '-l', labels, '-o', 'name'))
        .split('\n')
        .filter(Boolean)
        .map((p) => p.replace('pod/', ''));
      expect(
        dd.value.related
          .filter((r) => r.relation === 'selected pod')
          .map((r) => r.name)
          .sort(),
      ).toEqual(pods.sort());
    }

    resources.dispose();
    clusters.dispose();
    kc.dispose();
  });
});
