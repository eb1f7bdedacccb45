/**
 * A tiny fake Kubernetes API server for unit tests (plain http on 127.0.0.1): one or more
 * collections with list (limit/continue), watch (resourceVersion, bookmarks, 410 for too-old
 * versions) and fault injection. Not the sandbox: just enough wire protocol for our own tests.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { KubeObject } from '../../src-shared/k8s/types';

interface Watcher {
  res: http.ServerResponse;
  path: string;
}

export interface FakeKubeOptions {
  token?: string;
  port?: number;
}

export class FakeKube {
  server!: http.Server;
  port = 0;
  rv = 100;
  /** path (e.g. /api/v1/pods) → key → object */
  readonly collections = new Map<string, Map<string, KubeObject>>();
  /** History of events for watch resume: [rv, path, type, object] */
  private history: { rv: number; path: string; type: string; object: KubeObject }[] = [];
  /** Events older than this RV are "compacted": a watch from before it gets 410. */
  compactedRv = 0;
  private watchers = new Set<Watcher>();
  private sockets = new Set<Socket>();
  /** Fault hooks: return true when handled. */
  hook: ((req: http.IncomingMessage, res: http.ServerResponse, url: URL) => boolean) | undefined;
  requests: string[] = [];
  /** Form of a 410 on watch: HTTP status or an in-stream ERROR event. */
  expiredForm: 'http' | 'event' = 'event';

  constructor(private readonly opts: FakeKubeOptions = {}) {}

  async start(port = this.opts.port ?? 0): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  kubeconfig(context = 'fake', token = this.opts.token ?? 'test-token'): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      `current-context: ${context}`,
      'clusters:',
      `- name: ${context}`,
      '  cluster:',
      `    server: ${this.url}`,
      'users:',
      `- name: ${context}`,
      '  user:',
      `    token: ${token}`,
      'contexts:',
      `- name: ${context}`,
      '  context:',
      `    cluster: ${context}`,
      `    user: ${context}`,
      '',
    ].join('\n');
  }

  /** Kill: close the listener and every socket (watches end abruptly). */
  async kill(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Restart on the same port (state kept, like an API server backed by the same etcd). */
  async restart(): Promise<void> {
    await this.start(this.port);
  }

  coll(path: string): Map<string, KubeObject> {
    let c = this.collections.get(path);
    if (!c) this.collections.set(path, (c = new Map()));
    return c;
  }

  private record(path: string, type: string, object: KubeObject): void {
    this.history.push({ rv: this.rv, path, type, object });
    for (const w of this.watchers) if (w.path === path) w.res.write(JSON.stringify({ type, object }) + '\n');
  }

  upsert(path: string, obj: KubeObject): KubeObject {
    const c = this.coll(path);
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const existed = c.has(key);
    const o = this.stamped(obj);
    c.set(key, o);
    this.record(path, existed ? 'MODIFIED' : 'ADDED', o);
    return o;
  }

  /** The object as stored: the next resourceVersion, and a uid if it had none. */
  private stamped(obj: KubeObject): KubeObject {
    this.rv++;
    return {
      ...obj,
      metadata: {
        ...obj.metadata,
        resourceVersion: String(this.rv),
        uid: obj.metadata.uid ?? `uid-${obj.metadata.namespace ?? ''}-${obj.metadata.name}`,
      },
    };
  }

  remove(path: string, namespace: string | undefined, name: string): void {
    const c = this.coll(path);
    const key = `${namespace ?? ''}/${name}`;
    const o = c.get(key);
    if (!o) return;
    c.delete(key);
    this.rv++;
    this.record(path, 'DELETED', { ...o, metadata: { ...o.metadata, resourceVersion: String(this.rv) } });
  }

  /** Change state silently (no watch events), e.g. while "down". */
  silentUpsert(path: string, obj: KubeObject): void {
    const o = this.stamped(obj);
    this.coll(path).set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, o);
    this.history.push({ rv: this.rv, path, type: 'ADDED', object: o });
  }
  silentRemove(path: string, namespace: string | undefined, name: string): void {
    const c = this.coll(path);
    const o = c.get(`${namespace ?? ''}/${name}`);
    if (!o) return;
    c.delete(`${namespace ?? ''}/${name}`);
    this.rv++;
    this.history.push({
      rv: this.rv,
      path,
      type: 'DELETED',
      object: { ...o, metadata: { ...o.metadata, resourceVersion: String(this.rv) } },
    });
  }

  /** Forget history up to now: watches from an older RV get 410. */
  compact(): void {
    this.compactedRv = this.rv;
    this.history = [];
  }

  bookmark(path: string): void {
    this.rv++;
    for (const w of this.watchers)
      if (w.path === path)
        w.res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: String(this.rv) } } }) + '\n');
  }

  /** Write raw bytes to every open watch of `path`. */
  raw(path: string, text: string): void {
    for (const w of this.watchers) if (w.path === path) w.res.write(text);
  }

  endWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  watchCount(path?: string): number {
    return [...this.watchers].filter((w) => !path || w.path === path).length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push(url.pathname + url.search);
    if (this.hook?.(req, res, url)) return;
    const token = this.opts.token ?? 'test-token';
    if (req.headers.authorization !== `Bearer ${token}`) return this.status(res, 401, 'Unauthorized', 'Unauthorized');
    if (url.pathname === '/version') return this.json(res, 200, { major: '1', minor: '35', gitVersion: 'v1.35.0-fake' });
    const path = url.pathname;
    if (url.searchParams.get('watch') === 'true') return this.watch(path, url, res);
    const c = this.coll(path);
    const all = [...c.values()].sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
    const limit = Number(url.searchParams.get('limit') ?? 0);
    const start = Number(url.searchParams.get('continue') ?? 0);
    const items = limit ? all.slice(start, start + limit) : all;
    const next = limit && start + limit < all.length ? String(start + limit) : undefined;
    this.json(res, 200, {
      kind: 'List',
      apiVersion: 'v1',
      metadata: { resourceVersion: String(this.rv), ...(next ? { continue: next } : {}) },
      items,
    });
  }

  private watch(path: string, url: URL, res: http.ServerResponse): void {
    const from = Number(url.searchParams.get('resourceVersion') ?? this.rv);
    if (from < this.compactedRv) {
      if (this.expiredForm === 'http') return this.status(res, 410, 'Expired', `too old resource version: ${from} (${this.compactedRv})`);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: `too old resource version: ${from}`,
            reason: 'Expired',
            code: 410,
          },
        }) + '\n',
      );
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    for (const h of this.history) if (h.path === path && h.rv > from) res.write(JSON.stringify({ type: h.type, object: h.object }) + '\n');
    const w: Watcher = { res, path };
    this.watchers.add(w);
    res.on('close', () => this.watchers.delete(w));
    const t = Number(url.searchParams.get('timeoutSeconds') ?? 0);
    if (t) setTimeout(() => res.end(), t * 1000).unref();
  }

  json(res: http.ServerResponse, code: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }

  status(res: http.ServerResponse, code: number, reason: string, message: string): void {
    this.json(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });
  }
}

export const pod = (namespace: string, name: string, extra: Record<string, unknown> = {}): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, creationTimestamp: '2026-01-01T00:00:00Z', labels: { 'app.kubernetes.io/name': name.split('-')[0] } },
    spec: { containers: [{ name: 'main', image: 'registry/app:1' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'main', ready: true, restartCount: 0, image: 'registry/app:1', state: { running: {} } }],
    },
    ...extra,
  }) as KubeObject;

/** Wait until `pred` is true (polling), or throw after `ms`. */
export async function until(pred: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
