/**
 * Image sync against two real registries (Debian docker-registry 2.8 on loopback), 300
 * repositories × 5 tags each, the same images in both (a synced pair of regions):
 *  - first full matrix (catalog, tags lists, one manifest HEAD per tag) against skopeo doing the
 *    same reads (`skopeo list-tags` per repository, `skopeo inspect --raw` per tag, 8 at a time);
 *  - a steady-state refresh when nothing changed: requests per repository per registry;
 *  - requests per second per registry while a view is open (the matrix watch, paced);
 *  - the first matrix and a steady refresh again through a proxy adding 50 ms per request.
 * `npm run bench -- images-registries`; IMAGES_BENCH_REPOS, IMAGES_BENCH_WINDOW_S shrink it.
 */
import { ImageSyncService } from '../src-main/images/image-sync-service';
import type { MatrixEvent } from '../src-shared/images/contract';
import { startLatencyProxy } from '../test/fixtures/oci/latency-proxy';
import { grid, pushImages } from '../test/fixtures/oci/push';
import { skopeo, startRegistry, type RealRegistry } from '../test/fixtures/oci/registry';

const secrets = { get: () => undefined, put: () => undefined };

async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function skopeoReads(registries: RealRegistry[], repos: string[]) {
  const t0 = performance.now();
  let calls = 0;
  for (const reg of registries) {
    const tagsOf = new Map<string, string[]>();
    await pool(repos, 8, async (repo) => {
      calls++;
      tagsOf.set(
        repo,
        (JSON.parse(await skopeo('list-tags', '--tls-verify=false', `docker://${reg.host}/${repo}`)) as { Tags: string[] }).Tags,
      );
    });
    const refs = repos.flatMap((repo) => (tagsOf.get(repo) ?? []).map((t) => `${reg.host}/${repo}:${t}`));
    await pool(refs, 8, async (ref) => {
      calls++;
      await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${ref}`);
    });
  }
  return { ms: Math.round(performance.now() - t0), processes: calls };
}

async function firstAndSteady(urls: string[], repoCount: number) {
  const svc = new ImageSyncService({ secrets, concurrency: 8, minRefreshIntervalMs: 0, refreshBudgetMs: 120_000, timeoutMs: 30_000 });
  await svc.init();
  for (const [i, url] of urls.entries()) {
    const r = await svc.addRegistry({
      name: `registry-${i}`,
      kind: 'oci',
      url,
      region: i === 0 ? 'east' : 'west',
      include: ['bench/*'],
      ...(i === 0 ? { source: true } : {}),
    });
    if (!r.ok) throw new Error(r.error.message);
  }
  let t0 = performance.now();
  const m = await svc.getMatrix({ limit: 20_000 }, { refresh: true });
  const firstMs = Math.round(performance.now() - t0);
  if (!m.ok) throw new Error(m.error.message);
  const first = {
    ms: firstMs,
    requests: svc.lastRefreshRequests,
    rows: m.value.rows.length,
    synced: m.value.rows.filter((r) => r.cells.every((c) => c.state === 'synced')).length,
    errors: m.value.errors.length,
  };
  t0 = performance.now();
  await svc.refresh({ force: true });
  const steadyMs = Math.round(performance.now() - t0);
  const steady = {
    ms: steadyMs,
    requests: svc.lastRefreshRequests,
    perRepositoryPerRegistry: +(svc.lastRefreshRequests / (repoCount * urls.length)).toFixed(3),
  };
  return { svc, first, steady };
}

export async function run(opts: { repositories?: number; tags?: number } = {}) {
  const repoCount = Number(process.env.IMAGES_BENCH_REPOS) || opts.repositories || 300;
  const tagCount = opts.tags ?? 5;
  const windowS = Number(process.env.IMAGES_BENCH_WINDOW_S) || 150;
  const registries = await Promise.all([startRegistry(), startRegistry()]);
  const proxies: { url: string; close(): Promise<void> }[] = [];
  try {
    const images = grid(repoCount, tagCount, 'bench/app');
    let t0 = performance.now();
    await Promise.all(registries.map((r) => pushImages(r.url, images, undefined, 8)));
    const seedMs = Math.round(performance.now() - t0);
    const repos = [...new Set(images.map((i) => i.repository))];

    const reference = await skopeoReads(registries, repos);

    const { svc, first, steady } = await firstAndSteady(
      registries.map((r) => r.url),
      repoCount,
    );
    const inFlight = svc.maxInFlight();

    // A view open for `windowS` (starting right after a refresh, as when the view is reopened):
    // the matrix watch refreshes on its 5 s timer, each registry paced to its request budget.
    const ac = new AbortController();
    const events: MatrixEvent[] = [];
    const before = svc.requestsMade();
    t0 = performance.now();
    svc.watchMatrix({ limit: 1 }, 5_000, (e) => events.push(e), ac.signal);
    await new Promise((r) => setTimeout(r, windowS * 1000));
    ac.abort();
    const windowMs = performance.now() - t0;
    const after = svc.requestsMade();
    const perRegistry = Object.fromEntries(
      Object.entries(after).map(([id, n]) => [id, +((n - (before[id] ?? 0)) / (windowMs / 1000)).toFixed(2)]),
    );
    svc.dispose();

    // The same with 50 ms added to every request.
    const slow = await Promise.all(registries.map((r) => startLatencyProxy(r.url, 50)));
    proxies.push(...slow);
    const latency = await firstAndSteady(
      slow.map((p) => p.url),
      repoCount,
    );
    latency.svc.dispose();

    return {
      shape: { registries: registries.length, repositories: repoCount, tagsPerRepository: tagCount, images: repoCount * tagCount },
      seedMs,
      firstFullMatrix: { ...first, maxInFlightPerRegistry: inFlight },
      reference: {
        client: 'skopeo list-tags per repository + skopeo inspect --raw per tag, 8 processes at a time',
        ...reference,
        ratio: +(first.ms / reference.ms).toFixed(3),
        target: '≤ 0.5',
      },
      steadyRefresh: { ...steady, target: '≤ 1.2 per repository per registry' },
      viewOpen: { windowS: Math.round(windowMs / 1000), requestsPerSecondPerRegistry: perRegistry, target: '≤ 5' },
      latency50ms: { firstFullMatrix: latency.first, steadyRefresh: latency.steady, budgetMs: 20_000 },
    };
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
    await Promise.all(registries.map((r) => r.stop()));
  }
}
