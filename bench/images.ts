/**
 * Image sync figures: 1,000 repositories × 20 tags × 3 regions (three sandbox Harbors in this
 * process, seeded alike), read by ImageSyncService with bounded concurrency (8 per registry):
 *  - first refresh: time to a full matrix, requests made, most requests in flight per registry;
 *  - second refresh: conditional requests (ETag / If-None-Match, unchanged repositories skipped by
 *    their update time), as a fraction of the first;
 *  - after CI pushes 10 new tags: the refresh that picks them up;
 *  - computing the 60,000-cell matrix from the snapshots, without network.
 * The reference is what a plain OCI client would do for the same answer (tags/list per repository
 * and one manifest HEAD per tag and region), counted, not run.
 */
import { harborRegistryInputs, startHarborRegions } from '../src-sandbox/harbor';
import { ImageSyncService } from '../src-main/images/image-sync-service';

export async function run(opts: { repositories?: number; tags?: number } = {}) {
  const repoCount = opts.repositories ?? 1_000;
  const tagCount = opts.tags ?? 20;
  const regions = ['east', 'west', 'north'];
  const repositories: Record<string, string[]> = {};
  for (let r = 0; r < repoCount; r++) repositories[`app${r}`] = Array.from({ length: tagCount }, (_, t) => `1.${t}`);
  const seedStart = performance.now();
  const { harbors, source, close } = await startHarborRegions({
    regions,
    seedEverywhere: true,
    projects: [{ name: 'library', repositories }],
    failRate: 0,
    stuckRate: 0,
    clockSpeed: 1_000,
  });
  const seedMs = Math.round(performance.now() - seedStart);
  const vault = new Map<string, string>();
  const svc = new ImageSyncService({
    secrets: { get: (k) => vault.get(k), put: (k, v) => void vault.set(k, v) },
    concurrency: 8,
    minRefreshIntervalMs: 600_000,
    refreshBudgetMs: 120_000,
  });
  try {
    for (const input of harborRegistryInputs(harbors)) {
      const r = await svc.addRegistry(input);
      if (!r.ok) throw new Error(r.error.message);
    }
    const served = () => harbors.reduce((n, h) => n + h.stats.requests, 0);
    const measure = async () => {
      const before = served();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await svc.refresh();
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      return {
        ms: Math.round(ms),
        requests: svc.lastRefreshRequests,
        servedRequests: served() - before,
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      };
    };

    const first = await measure();
    const inFlight = svc.maxInFlight();
    const second = await measure();
    for (let i = 0; i < 10; i++) source.push(`library/app${i * 97}`, `2.0.${i}`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // replication at clock ×1000
    const afterPush = await measure();

    const t0 = performance.now();
    const m = await svc.getMatrix({ limit: 20_000 });
    const computeMs = Math.round(performance.now() - t0);
    if (!m.ok) throw new Error(m.error.message);
    const rows = m.value.rows.length;
    const truncated = m.value.truncated;
    const cells = m.value.rows.reduce((n, r) => n + r.cells.length, 0);
    const synced = m.value.rows.reduce((n, r) => n + r.cells.filter((c) => c.state === 'synced').length, 0);

    const ociReference = regions.length * (repoCount * Math.ceil(tagCount / 100) + repoCount * tagCount);
    return {
      shape: { repositories: repoCount, tags: tagCount, regions: regions.length, images: repoCount * tagCount },
      seedMs,
      fullMatrix: { ...first, maxInFlightPerRegistry: inFlight, concurrencyLimit: 8 },
      secondRefresh: {
        ...second,
        fractionOfFirstRequests: +(second.requests / first.requests).toFixed(4),
        fractionOfFirstTime: +(second.ms / first.ms).toFixed(3),
      },
      afterTenPushes: afterPush,
      matrix: { rows, truncated, cells, synced, computeMs },
      reference: {
        client: 'plain OCI: tags/list per repository + manifest HEAD per tag and region (counted)',
        requests: ociReference,
        ratioFirst: +(first.requests / ociReference).toFixed(4),
        ratioSecond: +(second.requests / ociReference).toFixed(5),
      },
      rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
      note: 'Harbors and the service share this process: cpuMs includes the sandbox serving the requests.',
    };
  } finally {
    svc.dispose();
    await close();
  }
}
