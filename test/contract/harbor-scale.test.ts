import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageSyncService } from '../../src-main/images/image-sync-service';
import { harborRegistryInputs, startHarborRegions, type SandboxHarbor } from '../../src-sandbox/harbor';

/**
 * Matrix at scale against three sandbox Harbors: time to a full matrix with bounded concurrency,
 * number of requests, and the cost of a repeated refresh. The figure is 1,000 repositories
 * × 20 tags × 3 regions: run with CAPSTAN_BENCH=1 for that; by default a fifth of it.
 */

const full = process.env.CAPSTAN_BENCH === '1';
const repoCount = full ? 1_000 : 200;
const tagCount = 20;
let harbors: SandboxHarbor[];
let close: () => Promise<void>;

beforeAll(async () => {
  const repositories: Record<string, string[]> = {};
  for (let r = 0; r < repoCount; r++) repositories[`app${r}`] = Array.from({ length: tagCount }, (_, t) => `1.${t}`);
  const started = await startHarborRegions({
    regions: ['east', 'west', 'north'],
    seedEverywhere: true,
    projects: [{ name: 'library', repositories }],
  });
  harbors = started.harbors;
  close = started.close;
});
afterAll(async () => close?.());

describe(`matrix at scale (${repoCount} repositories × ${tagCount} tags × 3 regions)`, () => {
  it('bounded concurrency; a repeated refresh costs a small fraction of the first', async () => {
    const vault = new Map<string, string>();
    const svc = new ImageSyncService({ secrets: { get: (k) => vault.get(k), put: (k, v) => void vault.set(k, v) }, concurrency: 8 });
    for (const input of harborRegistryInputs(harbors)) expect((await svc.addRegistry(input)).ok).toBe(true);
    let t0 = performance.now();
    await svc.refresh();
    const first = { ms: Math.round(performance.now() - t0), requests: svc.lastRefreshRequests };
    t0 = performance.now();
    await svc.refresh();
    const second = { ms: Math.round(performance.now() - t0), requests: svc.lastRefreshRequests };
    const m = await svc.getMatrix({ limit: 20_000 });
    if (!m.ok) throw new Error(m.error.message);
    expect(m.value.rows).toHaveLength(repoCount * tagCount);
    expect(m.value.rows.every((r) => r.cells.every((c) => c.state === 'synced'))).toBe(true);
    // Per region: projects + repository pages + one artifacts page per repository + policies + executions.
    const perRegion = 1 + Math.ceil(repoCount / 100) + repoCount + 2;
    expect(first.requests).toBe(3 * perRegion);
    expect(second.requests).toBe(3 * (1 + Math.ceil(repoCount / 100) + 2));
    expect(second.requests).toBeLessThan(first.requests / 20);
    const inFlight = Object.values(svc.maxInFlight());
    expect(inFlight).toHaveLength(3);
    for (const n of inFlight) expect(n).toBeLessThanOrEqual(8);
    expect(Math.max(...inFlight)).toBeGreaterThan(1);
    svc.dispose();
    console.log(
      JSON.stringify({
        bench: 'images.matrix',
        repositories: repoCount,
        tags: tagCount,
        regions: 3,
        first,
        second,
        maxInFlight: inFlight,
        ratio: +(second.requests / first.requests).toFixed(4),
      }),
    );
  });
});
