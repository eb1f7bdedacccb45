import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { ClusterApiServer } from './api-server';
import { createSandboxCert } from './tls-cert';

const tls = createSandboxCert();
const NOW = '2026-01-01T00:00:00Z';
const pod = (ns: string, name: string, labels: Record<string, string> = {}, phase = 'Running'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: { containers: [{ name: 'c', image: 'i' }], nodeName: 'n1' },
  status: { phase },
});

interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
}

describe('ClusterApiServer', () => {
  let store: ObjectStore;
  let server: ClusterApiServer;

  const call = (path: string, init: { method?: string; body?: unknown; contentType?: string; token?: string | null } = {}) =>
    new Promise<Reply>((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (init.token !== null) headers.Authorization = `Bearer ${init.token ?? 'secret'}`;
      if (init.body !== undefined) headers['Content-Type'] = init.contentType ?? 'application/json';
      const req = request(`${server.url}${path}`, { method: init.method ?? 'GET', headers, ca: tls.certPem }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, text, body: text.startsWith('{') ? JSON.parse(text) : text }));
      });
      req.on('error', reject);
      req.end(init.body === undefined ? undefined : JSON.stringify(init.body));
    });

  /** Opens a watch and collects its lines until it ends (or `stop()` is called). */
  const watch = (path: string) => {
    const lines: string[] = [];
    let status = 0;
    let stop = () => {};
    const ended = new Promise<void>((resolve, reject) => {
      const req = request(`${server.url}${path}`, { headers: { Authorization: 'Bearer secret' }, ca: tls.certPem }, (res) => {
        status = res.statusCode!;
        let buf = '';
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          const parts = buf.split('\n');
          buf = parts.pop()!;
          lines.push(...parts);
        });
        res.on('end', () => {
          if (buf) lines.push(buf);
          resolve();
        });
        res.on('error', () => resolve());
        res.on('aborted', () => resolve());
      });
      req.on('error', (e) => (lines.length ? resolve() : reject(e)));
      stop = () => req.destroy();
      req.end();
    });
    return {
      lines,
      ended,
      get status() {
        return status;
      },
      stop: () => stop(),
      events: () => lines.filter(Boolean).map((l) => JSON.parse(l)),
    };
  };
  const until = async (fn: () => boolean, ms = 3000) => {
    const end = Date.now() + ms;
    while (!fn()) {
      if (Date.now() > end) throw new Error('timeout');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  beforeAll(async () => {
    store = new ObjectStore(50);
    for (let i = 0; i < 12; i++)
      store.create(
        'pods',
        pod(
          i % 2 ? 'shop' : 'platform',
          `p-${String(i).padStart(2, '0')}`,
          { app: i % 3 ? 'orders' : 'cart' },
          i === 5 ? 'Pending' : 'Running',
        ),
        NOW,
      );
    store.create(
      'deployments',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'orders', namespace: 'shop' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'orders' } },
          template: { metadata: { labels: { app: 'orders' } }, spec: { containers: [{ name: 'orders', image: 'orders:1' }] } },
        },
        status: {},
      },
      NOW,
    );
    server = new ClusterApiServer(store, { name: 't', token: 'secret', port: 0, bookmarkIntervalMs: 50, nowIso: () => NOW, tls });
    await server.start();
  });
  afterAll(() => server.stop());

  it('rejects a missing or wrong token with a 401 Status', async () => {
    for (const token of [null, 'wrong']) {
      const r = await call('/api/v1/pods', { token });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
    expect((await call('/healthz', { token: null })).text).toBe('ok');
  });

  it('pages with limit/continue, keeping the first page resourceVersion', async () => {
    const names: string[] = [];
    let cont = '';
    let rv = '';
    do {
      const r = await call(`/api/v1/pods?limit=5${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      expect(r.body.kind).toBe('PodList');
      names.push(...r.body.items.map((p: KubeObject) => p.metadata.name));
      rv ||= r.body.metadata.resourceVersion;
      expect(r.body.metadata.resourceVersion).toBe(rv);
      cont = r.body.metadata.continue ?? '';
    } while (cont);
    expect(names).toHaveLength(12);
    expect(new Set(names).size).toBe(12);
    expect((await call('/api/v1/pods?continue=garbage')).status).toBe(400);
  });

  it('filters by namespace, labelSelector and fieldSelector', async () => {
    const shop = await call('/api/v1/namespaces/shop/pods?labelSelector=app%20in%20(cart)');
    expect(shop.body.items.map((p: KubeObject) => p.metadata.name)).toEqual(['p-03', 'p-09']);
    const pending = await call('/api/v1/pods?fieldSelector=status.phase%3DPending,spec.nodeName%3Dn1');
    expect(pending.body.items.map((p: KubeObject) => p.metadata.name)).toEqual(['p-05']);
    const bad = await call('/api/v1/pods?fieldSelector=spec.bogus%3Dx');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('field label not supported: spec.bogus');
  });

  it('watch from a resourceVersion streams later changes; rv=0 starts with ADDED for all', async () => {
    const rv = store.resourceVersion;
    const w = watch(`/api/v1/namespaces/shop/pods?watch=true&resourceVersion=${rv}`);
    await until(() => w.status === 200);
    store.create('pods', pod('shop', 'new-1'), NOW);
    store.create('pods', pod('platform', 'other-ns'), NOW);
    store.delete('pods', 'shop', 'new-1');
    await until(() => w.lines.length >= 2);
    w.stop();
    expect(w.events().map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'new-1'],
      ['DELETED', 'new-1'],
    ]);
    const all = watch('/api/v1/watch/namespaces/shop/pods?resourceVersion=0');
    await until(() => all.lines.length >= 6);
    all.stop();
    expect(all.events().every((e) => e.type === 'ADDED')).toBe(true);
  });

  it('answers a too-old resourceVersion with HTTP 410 Expired', async () => {
    for (let i = 0; i < 80; i++)
      store.create('events', { apiVersion: 'v1', kind: 'Event', metadata: { name: `e${i}`, namespace: 'shop' } }, NOW);
    const r = await call('/api/v1/pods?watch=true&resourceVersion=1001');
    expect(r.status).toBe(410);
    expect(r.body).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(r.body.message).toMatch(/^too old resource version: 1001 \(\d+\)$/);
  });

  it('answers a resourceVersion from the future with 504 ResourceVersionTooLarge', async () => {
    const r = await call(`/api/v1/pods?watch=true&resourceVersion=${store.resourceVersion + 100}`);
    expect(r.status).toBe(504);
    expect(r.body).toMatchObject({ reason: 'Timeout', details: { causes: [{ reason: 'ResourceVersionTooLarge' }] } });
  });

  it('sends BOOKMARKs and ends the stream after timeoutSeconds', async () => {
    const started = Date.now();
    const w = watch(`/api/v1/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=${store.resourceVersion}`);
    await w.ended;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const bookmarks = w.events().filter((e) => e.type === 'BOOKMARK');
    expect(bookmarks.length).toBeGreaterThan(3);
    expect(bookmarks[0].object).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(store.resourceVersion) } });
  });

  it('injects faults: in-stream 410, garbage lines, truncation, HTTP status', async () => {
    const at = store.resourceVersion;
    server.fault = { kind: 'expire-watch' };
    const w = watch(`/api/v1/pods?watch=true&resourceVersion=${at}`);
    await until(() => w.status === 200);
    store.create('pods', pod('shop', 'f-1'), NOW);
    await w.ended;
    expect(w.events()).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);

    server.fault = { kind: 'garbage-watch-line' };
    const g = watch(`/api/v1/pods?watch=true&resourceVersion=${at}`);
    await until(() => g.lines.length >= 2);
    g.stop();
    expect(g.lines[0]).toBe('this is not json {');

    server.fault = { kind: 'truncate-watch' };
    const t = watch(`/api/v1/pods?watch=true&resourceVersion=${at}`);
    await t.ended;
    expect(() => JSON.parse(t.lines.join(''))).toThrow();

    server.fault = { kind: 'http-status', status: 403, paths: /\/pods$/ };
    expect((await call('/api/v1/pods')).body).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect((await call('/api/v1/nodes')).status).toBe(200);
    server.fault = null;
  });

  it('patches deployments (merge, strategic, json), bumps generation, and guards PUT with resourceVersion', async () => {
    const base = '/apis/apps/v1/namespaces/shop/deployments/orders';
    const sm = await call(base, {
      method: 'PATCH',
      contentType: 'application/strategic-merge-patch+json',
      body: { spec: { template: { spec: { containers: [{ name: 'orders', image: 'orders:2' }] } } } },
    });
    expect(sm.status).toBe(200);
    expect(sm.body.spec.template.spec.containers[0].image).toBe('orders:2');
    expect(sm.body.metadata.generation).toBe(2);
    const mp = await call(base, {
      method: 'PATCH',
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { x: 'y' } } },
    });
    expect(mp.body.metadata.labels).toEqual({ x: 'y' });
    expect(mp.body.metadata.generation).toBe(2);
    const jp = await call(base, {
      method: 'PATCH',
      contentType: 'application/json-patch+json',
      body: [{ op: 'replace', path: '/spec/replicas', value: 4 }],
    });
    expect(jp.body.spec.replicas).toBe(4);
    const stale = { ...jp.body, metadata: { ...jp.body.metadata, resourceVersion: sm.body.metadata.resourceVersion } };
    expect((await call(base, { method: 'PUT', body: stale })).body).toMatchObject({ code: 409, reason: 'Conflict' });
    const bad = await call(base, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { spec: { replicas: -1 } } });
    expect(bad.body).toMatchObject({ code: 422, reason: 'Invalid' });
    expect((await call(base, { method: 'POST', body: {} })).status).toBe(405);
    expect((await call('/apis/apps/v1/namespaces/shop/deployments/nope')).body).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'deployments.apps "nope" not found',
    });
  });

  it('deletes a collection by label selector; with dryRun=All it answers the same list and keeps them', async () => {
    const path = '/api/v1/namespaces/shop/pods?labelSelector=app%3Dcart&gracePeriodSeconds=0';
    const names = [...store.list('pods', 'shop')]
      .map(([, s]) => s.obj)
      .filter((p) => p.metadata.labels?.app === 'cart')
      .map((p) => p.metadata.name);
    expect(names.length).toBeGreaterThan(0);
    const rv = store.resourceVersion;
    const dry = await call(`${path}&dryRun=All`, { method: 'DELETE' });
    expect(dry.status).toBe(200);
    expect(dry.body.kind).toBe('PodList');
    expect(dry.body.items.map((p: KubeObject) => p.metadata.name)).toEqual(names);
    expect(store.resourceVersion).toBe(rv);
    const real = await call(path, { method: 'DELETE' });
    expect(real.body.items.map((p: KubeObject) => p.metadata.name)).toEqual(names);
    for (const n of names) expect(store.get('pods', 'shop', n)).toBeUndefined();
    expect([...store.list('pods', 'shop')].length).toBeGreaterThan(0);
  });

  it('serves the autoscaling/v1 Scale subresource', async () => {
    const path = '/apis/apps/v1/namespaces/shop/deployments/orders/scale';
    const s = await call(path);
    expect(s.body).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      spec: { replicas: 4 },
      status: { selector: 'app=orders' },
    });
    const p = await call(path, { method: 'PATCH', contentType: 'application/merge-patch+json', body: { spec: { replicas: 6 } } });
    expect(p.body.spec.replicas).toBe(6);
    const u = await call(path, { method: 'PUT', body: { ...p.body, spec: { replicas: 1 } } });
    expect(u.body.spec.replicas).toBe(1);
    expect(store.get('deployments', 'shop', 'orders')!.obj.spec.replicas).toBe(1);
  });

  it('stops (dropping watches) and starts again on the same port with the same state', async () => {
    const port = server.port;
    const rv = store.resourceVersion;
    const w = watch(`/api/v1/pods?watch=true&resourceVersion=${rv}`);
    await until(() => w.status === 200);
    await server.stop();
    await w.ended;
    store.create('pods', pod('shop', 'while-down'), NOW);
    await expect(call('/api/v1/pods')).rejects.toThrow();
    await server.start();
    expect(server.port).toBe(port);
    const resumed = watch(`/api/v1/pods?watch=true&resourceVersion=${rv}`);
    await until(() => resumed.lines.length >= 1);
    resumed.stop();
    expect(resumed.events()[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'while-down' } } });
  });
});
