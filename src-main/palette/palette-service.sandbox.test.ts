/**
 * The palette's names stay live against the sandbox, kubectl as the one making changes: an
 * object created with kubectl (a ConfigMap from a palette reflector, a Deployment and its pods
 * from the workloads layer's watches) is found within seconds of its creation, and a deleted one
 * is gone, with no relisting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { ResourceService } from '../resources/resource-service';
import { until } from '../testing/fake-kube';
import { kubectl as kubectlAt, kubectlCreate as kubectlCreateAt } from '../../test/e2e/kubectl';
import { nginxDeployment } from '../../src-shared/testing/fixtures';
import { PaletteService } from './palette-service';

let dc: Datacenter;
let dir: string;
let kubeconfig: string;
let clusters: ClusterService;
let resources: ResourceService;
let palette: PaletteService;
const kubectl = (context: string, ...args: string[]) => kubectlAt(kubeconfig, context, ...args);
const kubectlCreate = (context: string, manifest: object) => kubectlCreateAt(kubeconfig, context, dir, manifest);

beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 10, bookmarkIntervalMs: 200 });
  dir = mkdtempSync(join(tmpdir(), 'capstan-palette-'));
  kubeconfig = join(dir, 'kubeconfig');
  dc.writeKubeconfig(kubeconfig);
  const kc = KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox');
  clusters = new ClusterService(kc, { staleAfterMs: 1000, notifyIntervalMs: 50, idleCloseMs: 0 });
  resources = new ResourceService(clusters, { flushIntervalMs: 50 });
  palette = new PaletteService(clusters, (id) => resources.discover(id), { rebuildMs: 100 });
});
afterAll(async () => {
  palette?.dispose();
  resources?.dispose();
  clusters?.dispose();
  await dc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const found = (query: string, kind: string) => palette.search(query, 200).hits.filter((h) => h.kind === kind);

describe('palette names, live', () => {
  it('finds objects kubectl creates within seconds, and forgets deleted ones', async () => {
    const cluster = dc.clusters[1]!.name;
    const context =
      (await kubectl(dc.clusters[0]!.name, 'config', 'get-contexts', '-o', 'name')).split('\n').find((c) => c.includes(cluster)) ?? cluster;
    await until(() => palette.search('kube-root-ca').pending === 0, 60_000, 'every cluster indexed');
    expect(found('kube-root-ca.crt', 'ConfigMap').length).toBeGreaterThan(0);

    // A ConfigMap: a palette reflector's watch event.
    const t0 = Date.now();
    await kubectlCreate(context, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'palette-live-cm', namespace: 'default' },
      data: { a: 'b' },
    });
    await until(() => found('palette-live-cm', 'ConfigMap').length === 1, 10_000, 'the new ConfigMap in the palette');
    const cmMs = Date.now() - t0;
    expect(found('palette-live-cm', 'ConfigMap')[0]).toMatchObject({ clusterId: cluster, namespace: 'default', name: 'palette-live-cm' });

    // A Deployment and its pods: the workloads layer's watches.
    await kubectlCreate(context, nginxDeployment('palette-live-web', 'default', 2));
    await until(() => found('palette-live-web', 'Deployment').length === 1, 10_000, 'the new Deployment in the palette');
    await until(() => found('palette-live-web', 'Pod').length === 2, 20_000, "the new Deployment's pods in the palette");
    const pods = (
      await kubectl(
        context,
        'get',
        'pods',
        '-n',
        'default',
        '-l',
        'app.kubernetes.io/name=palette-live-web',
        '-o',
        'jsonpath={.items[*].metadata.name}',
      )
    )
      .trim()
      .split(' ')
      .sort();
    expect(
      found('palette-live-web', 'Pod')
        .map((h) => h.name)
        .sort(),
    ).toEqual(pods);

    await kubectl(context, 'delete', 'configmap', 'palette-live-cm', '-n', 'default');
    await until(() => found('palette-live-cm', 'ConfigMap').length === 0, 10_000, 'the deleted ConfigMap gone from the palette');
    console.log(`palette: a ConfigMap created with kubectl was findable after ${cmMs} ms (kubectl's own time included)`);
  });

  it('stops its feeds after a while without searches and keeps the names meanwhile', async () => {
    const idle = new PaletteService(clusters, (id) => resources.discover(id), { rebuildMs: 100, idleMs: 500 });
    try {
      await until(
        () => idle.search('kube-root-ca').pending === 0 && idle.search('kube-root-ca.crt').hits.length > 0,
        60_000,
        'every cluster indexed',
      );
      const before = idle.search('kube-root-ca.crt', 200).hits.length;
      await until(() => idle.liveClusters === 0, 10_000, 'the feeds stopped');
      // The next search starts the feeds again; while they list, the names are still there.
      expect(idle.search('kube-root-ca.crt', 200).hits.length).toBe(before);
      expect(idle.liveClusters).toBe(dc.clusters.length);
      await until(() => idle.search('kube-root-ca').pending === 0, 60_000, 'listed again');
      expect(idle.search('kube-root-ca.crt', 200).hits.length).toBe(before);
    } finally {
      idle.dispose();
    }
  });
});
