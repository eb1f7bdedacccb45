/**
 * The planner's image check against the sandbox: the real datacenter (snapshot of its clusters),
 * the real regional Harbors of the default scenario and the real ImageSyncService. The sample plan
 * (orders 1.5.0) is in both regions; gateway 5.1.1 was never pushed to harbor-west; orders 1.5.1
 * was re-built at the source after it replicated. With harbor-west down the check still passes,
 * with a warning saying it cannot tell.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatacenter, type Datacenter } from '../../src-sandbox/datacenter';
import { startScenarioHarbors, type ScenarioHarbors } from '../../src-sandbox/harbor';
import type { PlanCheck } from '../../src-shared/releases/contract';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { until } from '../testing/fake-kube';
import { ImageSyncService } from '../images/image-sync-service';
import { MemoryRegistryConfigStore } from '../images/registry-config';
import { ReleaseService } from './release-service';

let dc: Datacenter;
let harbors: ScenarioHarbors;
let images: ImageSyncService;
let clusters: ClusterService;
let releases: ReleaseService;
let dir: string;

beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 20 });
  harbors = await startScenarioHarbors(dc.scenario, { clockSpeed: 20, failRate: 0, stuckRate: 0, pushIntervalMs: 0 });
  const secrets = new Map<string, string>();
  images = new ImageSyncService({
    secrets: { get: (k) => secrets.get(k), put: (k, v) => void secrets.set(k, v) },
    config: new MemoryRegistryConfigStore(),
    retries: 0,
    timeoutMs: 2000,
  });
  await images.init();
  for (const r of harbors.registries) expect((await images.addRegistry(r)).ok).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'capstan-plan-images-'));
  clusters = new ClusterService(KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox'), {
    staleAfterMs: 2000,
    notifyIntervalMs: 50,
    idleCloseMs: 0,
  });
  releases = new ReleaseService({ dir, clusters, images, imageCheck: { cacheMs: 0 } });
  releases.subscribe(() => undefined);
  await until(() => clusters.ids().every((id) => clusters.get(id)?.state === 'live'), 20_000, 'clusters live');
  await releases.snapshots.refresh();
}, 60_000);

afterAll(async () => {
  await releases?.dispose();
  clusters?.dispose();
  images?.dispose();
  await harbors?.close();
  await dc?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const samplePlan = readFileSync(fileURLToPath(new URL('../../resources/plans/sandbox-orders-1.5.0.yaml', import.meta.url)), 'utf8');
const proPlan = (app: string, tag: string) =>
  samplePlan
    .replace(/^name: .*$/m, `name: ${app}-${tag}`)
    .replace(/^app: .*$/m, `app: ${app}`)
    .replace('repository: shop/orders', `repository: shop/${app}`)
    .replace('tag: 1.5.0', `tag: ${tag}`);
const byRegion = (c: PlanCheck) =>
  Object.fromEntries((c.images?.rows ?? []).map((r) => [r.region, { state: r.state, groups: r.groups.length, digest: r.digest }]));

describe('plan check asks the regional Harbors', () => {
  it('the sample plan: orders 1.5.0 is in dc-east and dc-west with the same digest', async () => {
    const c = await releases.check(samplePlan);
    expect(c.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(c.ok).toBe(true);
    const rows = byRegion(c);
    // FAT, UAT and PRO east pull from harbor-east.sandbox.local, PRO west from harbor-west.
    expect(rows['dc-east']).toMatchObject({ state: 'present', groups: 4 });
    expect(rows['dc-west']).toMatchObject({ state: 'present', groups: 1 });
    expect(rows['dc-east']!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(rows['dc-west']!.digest).toBe(rows['dc-east']!.digest);
    expect(c.images?.rows.find((r) => r.region === 'dc-west')?.groups).toEqual(['pro-west/shop/orders-pro']);
  });

  it('gateway 5.1.1, never pushed to harbor-west: missing in dc-west, an error', async () => {
    const c = await releases.check(proPlan('gateway', '5.1.1'));
    expect(c.ok).toBe(false);
    expect(byRegion(c)['dc-east']?.state).toBe('present');
    expect(byRegion(c)['dc-west']?.state).toBe('missing');
    expect(c.issues.find((i) => i.severity === 'error')?.message).toMatch(
      /shop\/gateway:5\.1\.1 is missing in region dc-west \(harbor-west\), which pro-west\/platform\/gateway-pro pulls from/,
    );
  });

  it('starting gateway 5.1.1 is refused too (the service checks the registries at start, not only the planner)', async () => {
    const yaml = proPlan('gateway', '5.1.1');
    const drift = await releases.drift(yaml);
    expect(drift.ok).toBe(true);
    const r = await releases.create(yaml, drift.ok ? drift.value.fingerprint : '');
    expect(!r.ok && r.error).toMatchObject({ code: 'plan-invalid' });
    expect(!r.ok && r.error.message).toMatch(/not started: shop\/gateway:5\.1\.1 is missing in region dc-west/);
  });

  it('orders 1.5.1, re-built at the source: the regions disagree on the digest', async () => {
    const c = await releases.check(proPlan('orders', '1.5.1'));
    expect(c.ok).toBe(false);
    expect(byRegion(c)['dc-west']?.state).toBe('digest-differs');
    expect(byRegion(c)['dc-west']?.digest).not.toBe(byRegion(c)['dc-east']?.digest);
    expect(c.issues.some((i) => /different digests per region/.test(i.message))).toBe(true);
  });

  it('harbor-west down: cannot tell for dc-west, a warning, and the plan stays valid', async () => {
    await harbors.harbors.find((h) => h.name === 'harbor-west')!.close();
    const c = await releases.check(samplePlan);
    expect(c.ok).toBe(true);
    expect(byRegion(c)['dc-east']?.state).toBe('present');
    expect(byRegion(c)['dc-west']?.state).toBe('unknown');
    const w = c.issues.find((i) => i.path === 'image');
    expect(w?.severity).toBe('warning');
    expect(w?.message).toMatch(/cannot tell whether shop\/orders:1\.5\.0 is in region dc-west/);
  });
});
