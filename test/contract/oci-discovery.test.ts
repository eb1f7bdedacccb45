import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncMatrix } from '../../src-shared/images/contract';
import { ImageSyncService, type ImageSyncOptions } from '../../src-main/images/image-sync-service';
import { OciClient } from '../../src-main/images/oci-client';
import { startLatencyProxy } from '../fixtures/oci/latency-proxy';
import { grid, pushImage, pushImages, type Authorize } from '../fixtures/oci/push';
import { htpasswdLines, skopeo, skopeoDigest, startRegistry, tempDir, type RealRegistry } from '../fixtures/oci/registry';
import { startTokenService, type TokenService } from '../fixtures/oci/token-service';

/**
 * Discovery and truthful matrices against three real registries (Debian docker-registry 2.8):
 * east anonymous, west behind htpasswd Basic auth, north behind token auth whose token service
 * refuses the catalog to the account Capstan uses (as many production registries do).
 */

let tmp: ReturnType<typeof tempDir>;
let east: RealRegistry;
let west: RealRegistry;
/** north as clients see it: the token service's front door (realm on the registry's origin). */
let north: { url: string; host: string };
let northBackend: RealRegistry;
let tokens: TokenService;
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const westAuth: Authorize = () => ({ Authorization: basic('ci', 'ci-pw') });
const northAuth: Authorize = async (repository) => {
  const r = await fetch(`${tokens.realm}?service=${tokens.service}&scope=repository:${repository}:pull,push`, {
    headers: { Authorization: basic('ci', 'ci-pw') },
  });
  return { Authorization: `Bearer ${((await r.json()) as { token: string }).token}` };
};

beforeAll(async () => {
  tmp = tempDir('capstan-discovery-');
  tokens = await startTokenService(tmp.dir, { ci: 'ci-pw', reader: 'reader-pw' }, (account, type, _name, actions) => {
    if (account === 'ci') return actions;
    if (account === 'reader' && type === 'repository') return actions.filter((a) => a === 'pull');
    return []; // anonymous: nothing; reader: no catalog
  });
  [east, west, northBackend] = await Promise.all([
    startRegistry(),
    htpasswdLines({ ci: 'ci-pw', reader: 'reader-pw' }).then((htpasswd) => startRegistry({ auth: { htpasswd } })),
    startRegistry({ auth: { token: tokens } }),
  ]);
  tokens.proxyTo(northBackend.url);
  north = tokens;
}, 60_000);
afterAll(async () => {
  await Promise.all([east?.stop(), west?.stop(), northBackend?.stop(), tokens?.close()]);
  tmp?.cleanup();
});

function service(extra: Partial<ImageSyncOptions> = {}) {
  const vault = new Map<string, string>();
  return new ImageSyncService({
    secrets: { get: (k) => vault.get(k), put: (k, v) => void vault.set(k, v), delete: (k) => void vault.delete(k) },
    minRefreshIntervalMs: 0,
    retries: 0,
    timeoutMs: 5_000,
    ...extra,
  });
}
/** An OCI registry added with the token service's reader account (`secret` is its password). */
const asReader = (name: string, url: string, region: string, secret = 'reader-pw') =>
  ({ name, kind: 'oci', url, region, username: 'reader', secret }) as const;
/** Rows sorted by name; cells in the matrix's region order (registries in the order added). */
const cells = (m: SyncMatrix) =>
  m.rows.map((r) => `${r.repository}:${r.tag} ${r.cells.map((c) => `${c.region}=${c.state}`).join(' ')}`).sort();
async function matrix(svc: ImageSyncService): Promise<SyncMatrix> {
  const m = await svc.getMatrix(undefined, { refresh: true });
  if (!m.ok) throw new Error(m.error.message);
  return m.value;
}

describe('discovery against real registries', () => {
  it('pages /v2/_catalog with n and Link; the repositories are the ones pushed', async () => {
    await pushImages(east.url, grid(5, 1, 'paged/r'));
    const c = new OciClient({ registryName: 'east', url: east.url });
    const all = await c.listCatalog(2);
    if (!all.ok) throw new Error(all.error.message);
    expect(all.value.repositories.filter((r) => r.startsWith('paged/'))).toEqual([
      'paged/r0',
      'paged/r1',
      'paged/r2',
      'paged/r3',
      'paged/r4',
    ]);
    expect(all.value.pages).toBeGreaterThanOrEqual(3); // distribution honours n for the catalog
    // skopeo, the referee, finds each discovered repository with the tag pushed.
    expect(JSON.parse(await skopeo('list-tags', '--tls-verify=false', `docker://${east.host}/paged/r3`)).Tags).toEqual(['1.0']);
    c.close();
  });

  it('a registry added with no repository list reads its catalog: nothing is "missing"; a narrower registry marks the rest "not followed"', async () => {
    const images = [...grid(4, 2, 'shop/app'), { repository: 'tools/ci', tag: '1', seed: 'tools-ci-1' }];
    await Promise.all([
      pushImages(east.url, images),
      pushImages(
        west.url,
        images.filter((i) => i.repository !== 'tools/ci'),
        westAuth,
      ),
    ]);
    const svc = service();
    await svc.init();
    await svc.addRegistry({ name: 'east', kind: 'oci', url: east.url, region: 'east', include: ['shop/*', 'tools/*'] });
    // west follows the shop only; credentials over plain http are warned about.
    const added = await svc.addRegistry({ ...asReader('west', west.url, 'west'), include: ['shop/*'] });
    expect(added.ok && added.value.warnings?.[0]).toContain('plain http');
    const m = await matrix(svc);
    expect(m.rows).toHaveLength(9);
    expect(
      m.rows.every((r) =>
        r.cells.every((c) => c.state === 'synced' || (r.repository === 'tools/ci' && c.region === 'west' && c.state === 'not-followed')),
      ),
    ).toBe(true);
    expect(m.rows.find((r) => r.repository === 'tools/ci')?.sources).toEqual(['catalog']);
    expect(m.summary.map((s) => [s.region, s.state, s.outOfSync, s.notFollowed])).toEqual([
      ['east', 'in-sync', 0, 0],
      ['west', 'in-sync', 0, 1],
    ]);
    const cov = svc.coverage().find((c) => c.registryId === 'west')!;
    expect(cov).toMatchObject({ mode: 'catalog', repositoryCount: 4, tagCount: 8 });

    // Edit in place: west now follows tools/* too, so tools/ci becomes missing there (it is).
    const edited = await svc.updateRegistry({ registryId: 'west', include: ['shop/*', 'tools/*'] });
    expect(edited.ok && edited.value.include).toEqual(['shop/*', 'tools/*']);
    expect(cells(await matrix(svc))).toContain('tools/ci:1 east=synced west=missing');
    svc.dispose();
  });

  it("where the catalog is refused: the named repositories, the clusters' images and the plans' targets, each row saying which", async () => {
    await Promise.all([
      pushImages(
        north.url,
        [
          { repository: 'team/named', tag: '1', seed: 'named-1' },
          { repository: 'team/running', tag: '2', seed: 'running-2' },
          { repository: 'team/planned', tag: '3', seed: 'planned-3' },
          { repository: 'team/other', tag: '4', seed: 'other-4' },
        ],
        northAuth,
      ),
      pushImages(east.url, [
        { repository: 'team/named', tag: '1', seed: 'named-1' },
        { repository: 'team/other', tag: '4', seed: 'other-4' },
      ]),
    ]);
    const svc = service();
    await svc.init();
    await svc.addRegistry({ name: 'east', kind: 'oci', url: east.url, region: 'east', include: ['team/*'] });
    await svc.addRegistry({ ...asReader('north', north.url, 'north'), repositories: ['team/named'] });
    svc.setContextImages([`${north.host}/team/running:2`, 'elsewhere.example/team/foreign:1'], ['team/planned:3']);
    const m = await matrix(svc);
    expect(m.errors).toEqual([]);
    expect(cells(m)).toEqual([
      'team/named:1 east=synced north=synced',
      'team/other:4 east=synced north=not-followed',
      'team/planned:3 east=missing north=synced',
      'team/running:2 east=missing north=synced',
    ]);
    const src = Object.fromEntries(m.rows.map((r) => [r.repository, r.sources]));
    expect(src).toMatchObject({
      'team/named': ['catalog', 'named'],
      'team/running': ['cluster'],
      'team/planned': ['plan'],
      'team/other': ['catalog'],
    });
    const cov = svc.coverage().find((c) => c.registryId === 'north')!;
    expect(cov.mode).toBe('listed');
    expect(cov.note).toContain('catalog was refused');
    // The token service saw the catalog request from the reader account (refused by scope, not by password).
    expect(tokens.requests.some((r) => r.account === 'reader' && r.scope === 'registry:catalog:*')).toBe(true);
    svc.dispose();
  });

  it('wrong password or a stopped registry: that region is unknown (since when), never in sync', async () => {
    await pushImages(east.url, [{ repository: 'down/app', tag: '1', seed: 'down-1' }]);
    const spare = await startRegistry();
    await pushImages(spare.url, [{ repository: 'down/app', tag: '1', seed: 'down-1' }]);
    let clock = Date.UTC(2026, 0, 1, 2, 41);
    const svc = service({ now: () => clock });
    await svc.init();
    await svc.addRegistry({ name: 'east', kind: 'oci', url: east.url, region: 'east', include: ['down/*'] });
    await svc.addRegistry({ ...asReader('west', west.url, 'west', 'wrong'), include: ['down/*'] });
    await svc.addRegistry({ name: 'south', kind: 'oci', url: spare.url, region: 'south', include: ['down/*'] });
    let m = await matrix(svc);
    expect(m.summary.find((s) => s.region === 'west')).toMatchObject({
      state: 'unknown',
      unknown: 1,
      outOfSync: 0,
      unreadableSince: clock,
      error: { code: 'registry-unauthorized' },
    });
    expect(m.summary.find((s) => s.region === 'south')).toMatchObject({ state: 'in-sync' });
    const h = await svc.testRegistry('west');
    expect(h.ok && h.value.credentialsOk).toBe(false);

    await spare.stop();
    const downAt = (clock += 60_000);
    m = await matrix(svc);
    clock += 60_000;
    m = await matrix(svc);
    expect(m.summary.find((s) => s.region === 'south')).toMatchObject({ state: 'unknown', unreadableSince: downAt });
    expect(cells(m)).toEqual(['down/app:1 east=synced west=unknown south=unknown']);
    svc.dispose();
  });

  it('a 1–1 tie goes to the source region, whichever digest sorts first; with the source down nobody is declared synced', async () => {
    const ci = await pushImage(east.url, { repository: 'tie/app', tag: '1', seed: 'tie-ci-build' });
    const stray = await pushImage(west.url, { repository: 'tie/app', tag: '1', seed: 'tie-stray-build' }, westAuth);
    expect(await skopeoDigest(`${east.host}/tie/app:1`)).toBe(ci);
    const svc = service({ revalidateAfterMs: 0, revalidateFraction: 100 });
    await svc.init();
    await svc.addRegistry({ name: 'east', kind: 'oci', url: east.url, region: 'east', include: ['tie/*'], source: true });
    await svc.addRegistry({ ...asReader('west', west.url, 'west'), include: ['tie/*'] });
    let m = await matrix(svc);
    expect(m.sourceRegion).toBe('east');
    expect(m.rows[0]).toMatchObject({
      digest: ci,
      sourceRegion: 'east',
      cells: [{ state: 'synced' }, { state: 'mismatch', digest: stray }],
    });
    const planner = await svc.checkImagePresent('tie/app:1', undefined, ['east', 'west']);
    expect(planner.ok && planner.value).toMatchObject({
      digest: ci,
      allPresent: false,
      regions: [
        { mismatch: false },
        { mismatch: true, error: { message: 'west holds another digest than the source region east: copy the image from east again.' } },
      ],
    });

    // The user makes west the source: the blame follows, regardless of which digest sorts first.
    await svc.updateRegistry({ registryId: 'west', source: true });
    m = await matrix(svc);
    expect(m.rows[0]).toMatchObject({ digest: stray, cells: [{ state: 'mismatch' }, { state: 'synced' }] });

    // The source unreachable: east is not flipped to synced, it is unknown.
    await svc.updateRegistry({ registryId: 'west', url: 'http://127.0.0.1:1' });
    m = await matrix(svc);
    expect(m.rows[0]!.cells.map((c) => c.state)).toEqual(['unknown', 'unknown']);
    expect(m.summary.map((s) => s.state)).toEqual(['unknown', 'unknown']);
    svc.dispose();
  });
});

describe('auth states against a real token-auth registry', () => {
  it('reached directly, its realm is plain http on another host: credentials are withheld and the state says so', async () => {
    const svc = service();
    await svc.init();
    await svc.addRegistry({ ...asReader('north-direct', northBackend.url, 'north'), repositories: ['team/named'] });
    const seen = tokens.requests.length;
    const h = await svc.testRegistry('north-direct');
    expect(h.ok && h.value).toMatchObject({
      reachable: true,
      authState: `credentials not sent: token service is plain http on another host (${tokens.host})`,
    });
    expect(h.ok && h.value.credentialsOk).toBeUndefined();
    const m = await matrix(svc);
    expect(m.summary[0]).toMatchObject({ state: 'unknown', error: { code: 'registry-unauthorized' } });
    expect(m.summary[0]!.error!.message).toContain('credentials not sent: token service is plain http on another host');
    // The token service never saw the reader's password.
    expect(tokens.requests.slice(seen).every((r) => r.account === undefined)).toBe(true);
    svc.dispose();
  });
});

describe('cost proportional to change', () => {
  it('steady state: one tags list per repository (+ the catalog); a new tag costs one HEAD; pacing keeps a view under 5 requests/s', async () => {
    const repos = 20;
    await pushImages(east.url, grid(repos, 3, 'cost/app'));
    const svc = service();
    await svc.init();
    await svc.addRegistry({ name: 'east', kind: 'oci', url: east.url, region: 'east', include: ['cost/*'] });
    await matrix(svc);
    expect(svc.lastRefreshRequests).toBe(1 + repos + repos * 3); // catalog, lists, one HEAD per tag
    await matrix(svc);
    expect(svc.lastRefreshRequests).toBe(1 + repos);
    expect(svc.lastRefreshRequests / repos).toBeLessThanOrEqual(1.2);
    await pushImage(east.url, { repository: 'cost/app7', tag: '9.9', seed: 'new' });
    const m = await matrix(svc);
    expect(svc.lastRefreshRequests).toBe(1 + repos + 1);
    expect(m.rows.some((r) => r.repository === 'cost/app7' && r.tag === '9.9')).toBe(true);
    svc.dispose();
  });

  it('a view refreshing on its timer stays under 5 requests/s per registry: the next unforced read waits for its share', async () => {
    let clock = 1_000_000;
    const svc = service({ now: () => clock });
    await svc.init();
    await svc.addRegistry({ name: 'east', kind: 'oci', url: east.url, region: 'east', include: ['cost/*'] });
    await svc.refresh({ force: true });
    const first = svc.lastRefreshRequests;
    await svc.refresh({ force: true });
    const steady = svc.lastRefreshRequests;
    clock += 100;
    await svc.refresh({ force: false });
    expect(svc.lastRefreshRequests).toBe(0); // too soon: steady/5 s must pass
    clock += Math.ceil((steady / 5) * 1000);
    await svc.refresh({ force: false });
    expect(svc.lastRefreshRequests).toBe(steady);
    expect(first).toBeGreaterThan(steady);
    svc.dispose();
  });

  it('with 50 ms added latency: the first matrix and a steady refresh stay within the 20 s budget', async () => {
    const repos = 30;
    await pushImages(east.url, grid(repos, 5, 'slow/app'));
    const proxy = await startLatencyProxy(east.url, 50);
    try {
      const svc = service({ refreshBudgetMs: 20_000, timeoutMs: 15_000 });
      await svc.init();
      await svc.addRegistry({ name: 'east-slow', kind: 'oci', url: proxy.url, region: 'east', include: ['slow/*'] });
      let t0 = performance.now();
      let m = await matrix(svc);
      const firstMs = performance.now() - t0;
      expect(m.errors).toEqual([]);
      expect(m.rows).toHaveLength(repos * 5);
      t0 = performance.now();
      m = await matrix(svc);
      const steadyMs = performance.now() - t0;
      expect(m.errors).toEqual([]);
      expect(svc.lastRefreshRequests).toBe(1 + repos);
      // Bounded concurrency (8) overlaps the round trips: far below one after another (31 × 50 ms).
      expect(steadyMs).toBeLessThan(20_000);
      expect(firstMs).toBeLessThan(20_000);
      expect(Math.max(...Object.values(svc.maxInFlight()))).toBeLessThanOrEqual(8);
      svc.dispose();
    } finally {
      await proxy.close();
    }
  });
});
