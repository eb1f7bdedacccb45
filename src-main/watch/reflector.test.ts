import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../../src-shared/k8s/types';
import { ClusterConnection } from '../clusters/cluster-connection';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { FakeKube, pod, until } from '../testing/fake-kube';
import type { ReflectorTransport } from './reflector';
import { Reflector } from './reflector';

const PODS = '/api/v1/pods';
let kube: FakeKube;
let conn: ClusterConnection;
const reflectors: Reflector<KubeObject>[] = [];

beforeAll(async () => {
  kube = await new FakeKube().start();
  conn = new ClusterConnection(KubeconfigService.fromString(kube.kubeconfig('k')).entry('k')!);
});
afterAll(async () => {
  conn.dispose();
  await kube.kill();
});
afterEach(async () => {
  for (const r of reflectors.splice(0)) r.stop();
  await new Promise((r) => setTimeout(r, 50)); // requests already on the wire reach the server now, not in the next test
  kube.hook = undefined;
  kube.collections.clear();
  kube.compact();
  kube.endWatches();
  kube.requests = [];
  kube.expiredForm = 'event';
});

/** A reflector plus a mirror built only from its events: proves nothing is lost or duplicated. */
function mirrored(pageSize = 500) {
  const logs: string[] = [];
  const r = new Reflector<KubeObject>({
    transport: conn,
    path: PODS,
    resource: 'pods',
    pageSize,
    backoff: { initialMs: 20, maxMs: 100 },
    log: (m) => logs.push(m),
  });
  reflectors.push(r);
  const mirror = new Map<string, KubeObject>();
  const stats = { upserts: 0, deletes: 0, duplicateDeletes: 0 };
  r.onDidChange((events) => {
    for (const e of events) {
      const uid = e.object.metadata.uid!;
      if (e.type === 'upsert') {
        stats.upserts++;
        mirror.set(uid, e.object);
      } else {
        stats.deletes++;
        if (!mirror.delete(uid)) stats.duplicateDeletes++;
      }
    }
  });
  return { r, mirror, stats, logs };
}

const serverState = () => [...kube.coll(PODS).values()].map((o) => `${o.metadata.uid}@${o.metadata.resourceVersion}`).sort();
const mirrorState = (m: Map<string, KubeObject>) => [...m.values()].map((o) => `${o.metadata.uid}@${o.metadata.resourceVersion}`).sort();
const inSync = (m: Map<string, KubeObject>) => JSON.stringify(mirrorState(m)) === JSON.stringify(serverState());
const watchRequests = () => kube.requests.filter((q) => q.includes('watch=true'));

describe('Reflector', () => {
  it('lists in pages, then watches from the list resourceVersion with bookmarks and a random 5–10 min timeout', async () => {
    for (let i = 0; i < 5; i++) kube.upsert(PODS, pod('ns', `p${i}`));
    const { r, mirror } = mirrored(2);
    r.start();
    await until(() => r.status().phase === 'watching', 5000, 'watching');
    const lists = kube.requests.filter((q) => q.includes('limit=2'));
    expect(lists).toHaveLength(3);
    expect(lists[1]).toContain('continue=2');
    const w = watchRequests()[0]!;
    expect(w).toContain('allowWatchBookmarks=true');
    expect(w).toContain(`resourceVersion=${kube.rv}`);
    const t = Number(/timeoutSeconds=(\d+)/.exec(w)![1]);
    expect(t).toBeGreaterThanOrEqual(300);
    expect(t).toBeLessThanOrEqual(600);
    expect(mirror.size).toBe(5);

    kube.upsert(PODS, pod('ns', 'p5'));
    kube.upsert(PODS, { ...pod('ns', 'p0'), status: { phase: 'Failed' } } as KubeObject);
    kube.remove(PODS, 'ns', 'p1');
    await until(() => inSync(mirror), 5000, 'watch events applied');
    expect(r.size).toBe(5);
  });

  it('resumes from the last BOOKMARK resourceVersion when the watch closes', async () => {
    kube.upsert(PODS, pod('ns', 'a'));
    const { r } = mirrored();
    r.start();
    await until(() => kube.watchCount(PODS) === 1, 5000, 'watch open');
    kube.bookmark(PODS);
    const bookmarkRv = kube.rv;
    await until(() => r.status().resourceVersion === String(bookmarkRv), 5000, 'bookmark applied');
    kube.endWatches();
    await until(() => watchRequests().length === 2, 5000, 're-watch');
    expect(watchRequests()[1]).toContain(`resourceVersion=${bookmarkRv}`);
    expect(kube.requests.filter((q) => q.includes('limit=')).length).toBe(1); // no relist
  });

  for (const form of ['event', 'http'] as const) {
    it(`relists on 410 (${form === 'event' ? 'in-stream ERROR event' : 'HTTP status'}) and emits the exact difference`, async () => {
      kube.expiredForm = form;
      kube.upsert(PODS, pod('ns', 'keep'));
      kube.upsert(PODS, pod('ns', 'gone'));
      const { r, mirror, stats } = mirrored();
      r.start();
      await until(() => kube.watchCount(PODS) === 1, 5000, 'watch open');
      // While nobody watches, the history is compacted: our RV becomes too old.
      kube.endWatches();
      kube.hook = (_req, res, url) => {
        // Hold re-watches until the changes below are made.
        if (url.searchParams.get('watch') === 'true' && !released) {
          res.writeHead(503);
          res.end();
          return true;
        }
        return false;
      };
      let released = false;
      kube.silentRemove(PODS, 'ns', 'gone');
      kube.silentUpsert(PODS, pod('ns', 'new'));
      kube.compact();
      released = true;
      await until(() => kube.requests.filter((q) => q.includes('limit=')).length === 2, 5000, 'relist');
      await until(() => inSync(mirror), 5000, 'resynced');
      expect(stats.duplicateDeletes).toBe(0);
      expect([...mirror.values()].map((o) => o.metadata.name).sort()).toEqual(['keep', 'new']);
      expect(stats.upserts).toBe(3); // keep, gone (initial) + new; keep unchanged is not re-sent
      expect(stats.deletes).toBe(1);
    });
  }

  it('restarts the watch from the last good resourceVersion after a truncated or non-JSON line', async () => {
    kube.upsert(PODS, pod('ns', 'a'));
    const { r, mirror, logs } = mirrored();
    r.start();
    await until(() => kube.watchCount(PODS) === 1, 5000, 'watch open');
    kube.upsert(PODS, pod('ns', 'b'));
    await until(() => mirror.size === 2, 5000, 'b');
    const goodRv = kube.rv;
    kube.raw(PODS, 'this is not json\n');
    await until(() => watchRequests().length === 2, 5000, 're-watch after garbage');
    expect(watchRequests()[1], JSON.stringify(kube.requests)).toContain(`resourceVersion=${goodRv}`);
    await until(() => kube.watchCount(PODS) === 1, 5000, 'watch open again');
    kube.raw(PODS, '{"type":"ADDED","object":{"metadata":{"name":"tru');
    kube.endWatches();
    await until(() => watchRequests().length === 3, 5000, 're-watch after truncation');
    expect(watchRequests()[2]).toContain(`resourceVersion=${goodRv}`);
    kube.upsert(PODS, pod('ns', 'c'));
    await until(() => inSync(mirror), 5000, 'in sync');
    expect(logs.some((l) => l.includes('not JSON'))).toBe(true);
    expect(logs.some((l) => l.includes('truncated'))).toBe(true);
    expect(kube.requests.filter((q) => q.includes('limit=')).length).toBe(1);
  });

  it('resumes a silent watch (dead connection) from the last resourceVersion without backoff or relist', async () => {
    kube.upsert(PODS, pod('ns', 'quiet'));
    const r = new Reflector<KubeObject>({ transport: conn, path: PODS, resource: 'pods', watchIdleMs: 150, backoff: { initialMs: 5000 } });
    reflectors.push(r);
    const phases: string[] = [];
    r.onDidChangeStatus((st) => phases.push(st.phase));
    r.start();
    await until(() => watchRequests().length >= 3, 5000, 'two idle resumes');
    expect(watchRequests()[2]).toContain(`resourceVersion=${kube.rv}`);
    expect(phases).not.toContain('backoff');
    expect(kube.requests.filter((q) => q.includes('limit=')).length).toBe(1);
  });

  it('caps the line length', async () => {
    const r = new Reflector<KubeObject>({ transport: conn, path: PODS, resource: 'pods', maxLineBytes: 1024, backoff: { initialMs: 20 } });
    reflectors.push(r);
    r.start();
    await until(() => kube.watchCount(PODS) === 1, 5000, 'watch open');
    kube.raw(PODS, 'x'.repeat(4096));
    await until(() => watchRequests().length === 2, 5000, 're-watch after an oversized line');
  });

  it('resyncs with nothing lost or duplicated when the API server is killed and restarted mid-watch', async () => {
    for (let i = 0; i < 20; i++) kube.upsert(PODS, pod('ns', `p${i}`));
    const { r, mirror, stats } = mirrored(7);
    r.start();
    await until(() => r.status().phase === 'watching', 5000, 'watching');
    kube.upsert(PODS, pod('ns', 'live-change'));
    await until(() => inSync(mirror), 5000, 'in sync before the outage');

    await kube.kill();
    // Changes during the outage, including deletions the reflector never sees as events.
    for (let i = 0; i < 5; i++) kube.silentRemove(PODS, 'ns', `p${i}`);
    for (let i = 0; i < 3; i++) kube.silentUpsert(PODS, pod('ns', `outage${i}`));
    kube.silentUpsert(PODS, { ...pod('ns', 'p10'), status: { phase: 'Failed' } } as KubeObject);
    kube.compact(); // the restarted server no longer has the old history: forces a relist
    await until(() => r.status().phase === 'backoff', 5000, 'backoff while down');
    await kube.restart();
    await until(() => inSync(mirror), 10_000, 'resynced after restart');
    expect(stats.duplicateDeletes).toBe(0);
    expect(mirror.size).toBe(kube.coll(PODS).size);
    expect(r.status().synced).toBe(true);
    await until(() => r.status().phase === 'watching', 5000, 'watching again');
  });

  it('resumes without relisting when the restarted server still has the history', async () => {
    kube.upsert(PODS, pod('ns', 'x'));
    const { r, mirror } = mirrored();
    r.start();
    await until(() => r.status().phase === 'watching', 5000, 'watching');
    await kube.kill();
    kube.silentUpsert(PODS, pod('ns', 'y'));
    kube.silentRemove(PODS, 'ns', 'x');
    await kube.restart();
    await until(() => inSync(mirror), 10_000, 'caught up from history');
    expect(kube.requests.filter((q) => q.includes('limit=')).length).toBe(1);
  });
});

describe('Reflector backoff (fake clock)', () => {
  afterEach(() => vi.useRealTimers());

  it('backs off 800 ms doubling with jitter to 30 s, never a tight loop, and resets after 2 min healthy', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const attempts: number[] = [];
    const transport: ReflectorTransport = {
      getJson: async () => ({ ok: false, error: { code: 'cluster-unreachable', message: 'down' } }),
      // Lists and watches both stream; the cluster is down for all of them.
      openStream: async () => {
        attempts.push(Date.now());
        return { ok: false, error: { code: 'cluster-unreachable', message: 'down' } };
      },
    };
    const r = new Reflector<KubeObject>({ transport, path: PODS, resource: 'pods', random: () => 0.5 });
    r.start();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    r.stop();
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    // jitter 0.25 * random 0.5 = +12.5%
    expect(gaps.slice(0, 7)).toEqual([900, 1800, 3600, 7200, 14400, 28800, 30000]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(900);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
    expect(attempts.length).toBeLessThan(30); // ten minutes, never a tight loop
    expect(r.status().phase).toBe('stopped');
  });

  it('jitter stays within bounds and the delay resets after 2 min healthy', async () => {
    const { Backoff, CLIENT_GO_JITTER } = await import('../../src-shared/base/backoff');
    const b = new Backoff({ random: () => 1, jitter: CLIENT_GO_JITTER });
    expect(b.next(0)).toBe(1000); // 800 * 1.25
    expect(b.next(0)).toBe(2000);
    expect(b.next(0)).toBe(4000);
    b.healthy(10_000);
    expect(b.next(60_000)).toBe(8000); // healthy for 50 s only: keeps growing
    b.healthy(100_000);
    expect(b.next(100_000 + 120_000)).toBe(1000); // healthy 2 min: reset
    const capped = new Backoff({ random: () => 1, jitter: CLIENT_GO_JITTER });
    for (let i = 0; i < 20; i++) expect(capped.next(0)).toBeLessThanOrEqual(30_000);
  });
});
