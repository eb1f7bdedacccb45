/**
 * The planner's image check against the sandbox: the default scenario's datacenter
 * and its two regional Harbors in this process, the real ImageSyncService and ReleaseService.
 * The planner checks as the person types, so what matters is what one check costs:
 *  - offline check alone (parse, validate, preview against the snapshot): the reference;
 *  - with the registries asked every time (no cache): time and requests per check;
 *  - with the default cache (15 s): what typing costs;
 *  - harbor-west refusing connections, and harbor-west answering after 10 s (the 3 s budget).
 * Medians over `rounds` checks of the sample plan (orders 1.5.0 through FAT, UAT, PRO east and west).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClusterService } from '../src-main/clusters/cluster-service';
import { KubeconfigService } from '../src-main/clusters/kubeconfig-service';
import { ImageSyncService } from '../src-main/images/image-sync-service';
import { MemoryRegistryConfigStore } from '../src-main/images/registry-config';
import { ReleaseService } from '../src-main/releases/release-service';
import { startDatacenter } from '../src-sandbox/datacenter';
import { startScenarioHarbors } from '../src-sandbox/harbor';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const round1 = (x: number) => Math.round(x * 10) / 10;

export async function run(opts: { rounds?: number } = {}) {
  const rounds = opts.rounds ?? 30;
  const dc = await startDatacenter({ clockSpeed: 1 });
  const harbors = await startScenarioHarbors(dc.scenario, { failRate: 0, stuckRate: 0, pushIntervalMs: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'capstan-bench-plan-images-'));
  const secrets = new Map<string, string>();
  const images = new ImageSyncService({
    secrets: { get: (k) => secrets.get(k), put: (k, v) => void secrets.set(k, v) },
    config: new MemoryRegistryConfigStore(),
  });
  const clusters = new ClusterService(KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox'), { idleCloseMs: 0 });
  const services: ReleaseService[] = [];
  const release = (withImages: boolean, cacheMs?: number) => {
    const s = new ReleaseService({
      dir,
      clusters,
      ...(withImages ? { images, imageCheck: cacheMs !== undefined ? { cacheMs } : {} } : {}),
    });
    services.push(s);
    return s;
  };
  try {
    await images.init();
    for (const r of harbors.registries) await images.addRegistry(r);
    const offline = release(false);
    offline.subscribe(() => undefined);
    const end = Date.now() + 30_000;
    while (!clusters.ids().every((id) => clusters.get(id)?.state === 'live')) {
      if (Date.now() > end) throw new Error('sandbox clusters did not come up');
      await new Promise((r) => setTimeout(r, 100));
    }
    await offline.snapshots.refresh();
    const yaml = readFileSync(resolve(import.meta.dirname, '../resources/plans/sandbox-orders-1.5.0.yaml'), 'utf8');
    const served = () => harbors.harbors.reduce((n, h) => n + h.stats.requests, 0);

    const measure = async (s: ReleaseService, n = rounds) => {
      const times: number[] = [];
      const before = served();
      let last;
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        last = await s.check(yaml);
        times.push(performance.now() - t0);
      }
      const states = Object.fromEntries((last?.images?.rows ?? []).map((r) => [r.region ?? r.datacenters.join(), r.state]));
      return {
        medianMs: round1(median(times)),
        maxMs: round1(Math.max(...times)),
        requestsPerCheck: round1((served() - before) / n),
        ok: last?.ok,
        pending: last?.images?.pending ?? false,
        states,
      };
    };

    const offlineOnly = await measure(offline);
    const uncached = await measure(release(true, 0));
    const cached = await measure(release(true));
    const west = harbors.harbors.find((h) => h.name === 'harbor-west')!;
    west.setFaults({ delayMs: 10_000 });
    const slowWest = await measure(release(true, 0), 3);
    west.setFaults({});
    await west.close();
    const westDown = await measure(release(true, 0), 5);
    return {
      plan: 'sandbox-orders-1.5.0 (5 groups, 2 regions)',
      rounds,
      offlineOnly,
      registriesAskedEveryCheck: { ...uncached, vsOffline: round1(uncached.medianMs / Math.max(0.1, offlineOnly.medianMs)) },
      cached15s: { ...cached, vsOffline: round1(cached.medianMs / Math.max(0.1, offlineOnly.medianMs)) },
      harborWestSlow10s: slowWest,
      harborWestDown: westDown,
    };
  } finally {
    for (const s of services) await s.dispose();
    clusters.dispose();
    images.dispose();
    await harbors.close().catch(() => undefined);
    await dc.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
