/**
 * Reflector: keeps an exact local copy of one Kubernetes collection, following client-go:
 *   paged list (limit 500, continue) → watch ?watch=true&resourceVersion=RV&allowWatchBookmarks=true
 *   &timeoutSeconds=<random 300–600>; resume from the last RV (BOOKMARKs advance it); relist on 410
 *   (HTTP status or in-stream ERROR); backoff 800 ms doubling with jitter to 30 s, reset after 2 min
 *   healthy. A truncated, oversized or non-JSON line restarts the watch from the last good RV.
 * On relist it diffs against what it had and emits exactly the upserts and deletes needed.
 *
 *   const r = new Reflector<Pod>({ transport: conn, path: '/api/v1/pods', resource: 'pods' });
 *   r.onDidChange((events) => ...); r.onDidChangeStatus((s) => ...); r.start(); ... r.stop();
 */
import type { Readable } from 'node:stream';
import type { KubeObject, ListMeta, Status, WatchEvent } from '../../src-shared/k8s/types';
import { isStatus } from '../../src-shared/k8s/types';
import type { AppError, Result } from '../../src-shared/result';
import { Backoff, CLIENT_GO_JITTER, type BackoffPolicy } from '../../src-shared/base/backoff';
import type { Clock } from './clock';
import { sleep, systemClock } from './clock';
import { LineFramer } from '../base/line-framer';
import { ListParser } from './list-parser';
import type { PackMode } from './object-store';
import { ObjectStore } from './object-store';

/** What a reflector needs from a connection (ClusterConnection implements it). */
/** Options of one request to an API server (ClusterConnection implements the transport). */
export interface RequestOptions {
  method?: string;
  signal?: AbortSignal;
  verb?: string;
  resource?: string;
  body?: unknown;
  contentType?: string;
  maxBytes?: number;
  /** Idle timeout; streams default to none (the caller owns the deadline). */
  idleTimeoutMs?: number;
  /** Accept header instead of application/json (e.g. the server's Table output). */
  accept?: string;
}

export interface ReflectorTransport {
  getJson<T>(path: string, o?: RequestOptions): Promise<Result<T>>;
  openStream(path: string, o?: RequestOptions): Promise<Result<Readable>>;
}

export type ReflectorEvent<T> = { type: 'upsert'; object: T } | { type: 'delete'; object: T };

export type ReflectorPhase = 'idle' | 'listing' | 'watching' | 'backoff' | 'stopped';
export interface ReflectorStatus {
  phase: ReflectorPhase;
  /** True once the first list completed (stays true through reconnects: data is kept). */
  synced: boolean;
  /** Last error, cleared when a watch is healthy again. */
  error?: AppError;
  /** Epoch ms when `phase` was entered. */
  since: number;
  resourceVersion?: string;
}

export interface ReflectorOptions<T extends KubeObject = KubeObject> {
  transport: ReflectorTransport;
  /** Collection path, e.g. /api/v1/pods or /apis/apps/v1/deployments (may carry a query). */
  path: string;
  /** Plural resource name for messages, e.g. 'pods'. */
  resource: string;
  pageSize?: number; // 500
  clock?: Clock;
  random?: () => number;
  /**
   * A watch that receives nothing (no event, no bookmark) for this long is closed and resumed from
   * the last resourceVersion. Catches dead connections (VPN drop) that TCP would only notice after
   * minutes. Default 90 s (API servers send bookmarks about every minute; the sandbox every 15 s).
   */
  watchIdleMs?: number;
  /** Max bytes of one watch line or list item. Default 8 MB (etcd caps objects at 1.5 MB). */
  maxLineBytes?: number;
  log?: (message: string) => void;
  /** Backoff tuning (tests). Default: 800 ms doubling to 30 s, reset after 2 min healthy. */
  backoff?: BackoffPolicy & { resetAfterMs?: number };
  /** Applied to every object on arrival, before it is stored (client-go's SetTransform), e.g. to
   * drop managedFields and save memory. Must return an object with the same key. */
  transform?: (o: T) => T;
  /** Keep stored objects as JSON strings, or compressed, to save memory (see ObjectStore). Default false. */
  pack?: PackMode;
  /** Key for the local store. Default metadata.uid, else namespace/name. */
  keyOf?: (o: KubeObject) => string;
  /** Accept header for list and watch (e.g. the server's Table output). */
  accept?: string;
  /** The list's array field ('items'; a Table's is 'rows'). */
  itemsKey?: string;
  /** Turns a list item or a watch event's object into the stored object (a Table row into an object), before transform. */
  unwrap?: (raw: unknown) => T | undefined;
  /** Each list page's envelope (everything but its items), e.g. a Table's column definitions. */
  onListEnvelope?: (envelope: Record<string, unknown>) => void;
}

const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;
/** A list page whose bytes stop arriving for this long is abandoned (and retried with backoff). */
const LIST_IDLE_MS = 30_000;
/** Upserts per emit while a page streams in. */
const EMIT_BATCH = 100;

const defaultKey = (o: KubeObject) => o.metadata?.uid || `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

type WatchOutcome = { kind: 'closed'; events: number } | { kind: 'relist' } | { kind: 'error'; error: AppError; relist?: boolean };

export class Reflector<T extends KubeObject> {
  private readonly store: ObjectStore<T>;
  private rv: string | undefined;
  private state: ReflectorStatus;
  private readonly backoff: Backoff;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly keyOf: (o: KubeObject) => string;
  private abort: AbortController | undefined;
  private running = false;
  private readonly changeListeners = new Set<(events: ReflectorEvent<T>[]) => void>();
  private readonly statusListeners = new Set<(s: ReflectorStatus) => void>();
  private lastListAt = -Infinity;

  constructor(private readonly o: ReflectorOptions<T>) {
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? Math.random;
    this.backoff = new Backoff({ jitter: CLIENT_GO_JITTER, random: this.random, ...o.backoff });
    this.keyOf = o.keyOf ?? defaultKey;
    this.store = new ObjectStore<T>(o.pack ?? false, this.clock);
    this.state = { phase: 'idle', synced: false, since: this.clock.now() };
  }

  onDidChange(l: (events: ReflectorEvent<T>[]) => void): () => void {
    this.changeListeners.add(l);
    return () => this.changeListeners.delete(l);
  }
  onDidChangeStatus(l: (s: ReflectorStatus) => void): () => void {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
  }

  status(): ReflectorStatus {
    return { ...this.state, resourceVersion: this.rv };
  }
  /** Every stored object (decoded: costly for large packed stores). */
  items(): T[] {
    return this.store.values();
  }
  get size(): number {
    return this.store.size;
  }
  get(key: string): T | undefined {
    return this.store.get(key);
  }
  findByName(namespace: string, name: string): T | undefined {
    return this.store.findByName(namespace, name);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    void this.loop(this.abort.signal);
  }

  stop(): void {
    this.running = false;
    this.abort?.abort();
    this.setStatus({ phase: 'stopped' });
  }

  /** Stop for good and release the store's background work. */
  dispose(): void {
    this.stop();
    this.store.dispose();
    this.changeListeners.clear();
    this.statusListeners.clear();
  }

  /** Objects still waiting for background compression (diagnostics, tests). */
  get pendingCompression(): number {
    return this.store.pendingCompression;
  }

  /** Drop the backoff wait and retry now (user pressed reconnect). Keeps data. */
  restart(): void {
    this.stop();
    this.start();
  }

  private setStatus(patch: Partial<ReflectorStatus>): void {
    const phaseChanged = patch.phase !== undefined && patch.phase !== this.state.phase;
    this.state = { ...this.state, ...patch, since: phaseChanged ? this.clock.now() : this.state.since, resourceVersion: this.rv };
    for (const l of [...this.statusListeners]) l(this.state);
  }

  private emit(events: ReflectorEvent<T>[]): void {
    if (events.length === 0) return;
    for (const l of [...this.changeListeners]) l(events);
  }

  private log(m: string): void {
    this.o.log?.(`[reflector ${this.o.resource}] ${m}`);
  }

  private async loop(signal: AbortSignal): Promise<void> {
    let needList = this.rv === undefined;
    while (!signal.aborted) {
      if (needList) {
        this.setStatus({ phase: 'listing' });
        const listed = await this.list(signal);
        if (signal.aborted) return;
        if (!listed.ok) {
          await this.waitBackoff(listed.error, signal);
          continue;
        }
        needList = false;
        this.setStatus({ synced: true });
      }
      const startedAt = this.clock.now();
      const outcome = await this.watch(signal);
      if (signal.aborted) return;
      if (outcome.kind === 'closed') {
        // Normal end (server timeout). An immediately-closing watch must not become a tight loop.
        if (outcome.events === 0 && this.clock.now() - startedAt < 1000) {
          await this.waitBackoff(undefined, signal);
        }
        continue;
      }
      if (outcome.kind === 'relist' || (outcome.kind === 'error' && outcome.relist)) {
        needList = true;
        this.log('resource version expired: relisting');
        // A relist right after a relist means the server keeps expiring us: back off.
        if (this.clock.now() - this.lastListAt < 10_000)
          await this.waitBackoff(outcome.kind === 'error' ? outcome.error : undefined, signal);
        continue;
      }
      await this.waitBackoff(outcome.error, signal);
    }
  }

  private async waitBackoff(error: AppError | undefined, signal: AbortSignal): Promise<void> {
    const delay = this.backoff.next(this.clock.now());
    this.setStatus({ phase: 'backoff', error: error ?? this.state.error });
    if (error) this.log(`${error.code}: retrying in ${delay} ms`);
    await sleep(this.clock, delay, signal);
  }

  private sep(): string {
    return this.o.path.includes('?') ? '&' : '?';
  }

  /**
   * Paged list. Each page is streamed and applied item by item as it arrives (only changed objects
   * are emitted as upserts, in small batches), so that a page is never buffered whole and only a
   * few parsed objects are alive at once; at the end, objects not seen in the list are deleted.
   * The result is the exact set difference against what we had.
   */
  private async list(signal: AbortSignal): Promise<Result<void>> {
    const limit = this.o.pageSize ?? 500;
    let seen = new Set<string>();
    let cont: string | undefined;
    let rv: string | undefined;
    let restartedOnExpiry = false;
    do {
      const q = `${this.sep()}limit=${limit}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
      const r = await this.listPage(this.o.path + q, signal, seen);
      if (signal.aborted) return { ok: true, value: undefined };
      if (!r.ok) {
        if (r.error.status === 410 && cont && !restartedOnExpiry) {
          // The continue token expired mid-list: start the list over, once.
          restartedOnExpiry = true;
          seen = new Set();
          cont = undefined;
          continue;
        }
        return r;
      }
      cont = r.value.continue || undefined;
      rv = r.value.resourceVersion ?? rv;
    } while (cont && !signal.aborted);
    if (signal.aborted) return { ok: true, value: undefined };
    const deletes: ReflectorEvent<T>[] = [];
    for (const k of [...this.store.keys()]) {
      if (seen.has(k)) continue;
      deletes.push({ type: 'delete', object: this.store.get(k)! });
      this.store.delete(k);
    }
    this.rv = rv;
    this.lastListAt = this.clock.now();
    this.emit(deletes);
    return { ok: true, value: undefined };
  }

  /** One list page, streamed: items are stored and emitted as they arrive; returns the page's ListMeta. */
  private async listPage(url: string, signal: AbortSignal, seen: Set<string>): Promise<Result<ListMeta>> {
    const r = await this.o.transport.openStream(url, {
      verb: 'list',
      resource: this.o.resource,
      signal,
      idleTimeoutMs: LIST_IDLE_MS,
      accept: this.o.accept,
    });
    if (!r.ok) return r;
    const stream = r.value;
    const parser = new ListParser({ maxItemBytes: this.o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, itemsKey: this.o.itemsKey });
    const invalid = (why: string): Result<ListMeta> => ({
      ok: false,
      error: {
        code: 'response-invalid',
        message: `The API server's list of ${this.o.resource} ${why}. Capstan retries automatically; if it persists, check proxies between you and the cluster.`,
      },
    });
    const tf = this.o.transform;
    let events: ReflectorEvent<T>[] = [];
    const apply = (texts: string[]): Result<ListMeta> | undefined => {
      for (const text of texts) {
        let raw: T | undefined;
        try {
          raw = JSON.parse(text) as T;
        } catch {
          return invalid('contains an item that is not JSON');
        }
        if (this.o.unwrap) raw = this.o.unwrap(raw);
        if (!raw || typeof raw !== 'object' || !raw.metadata) continue;
        const it = tf ? tf(raw) : raw;
        const k = this.keyOf(it);
        seen.add(k);
        const oldRv = this.store.rvOf(k);
        if (oldRv === undefined || oldRv !== (it.metadata.resourceVersion ?? '')) {
          this.store.set(k, it);
          events.push({ type: 'upsert', object: it });
        }
      }
      // Small batches: listeners see the page progressively and parsed objects die young.
      if (events.length >= EMIT_BATCH) this.emit(events.splice(0));
      return undefined;
    };
    return new Promise<Result<ListMeta>>((resolve) => {
      let settled = false;
      const finish = (res: Result<ListMeta>, destroy: boolean) => {
        if (settled) return;
        settled = true;
        if (destroy) stream.destroy();
        this.emit(events);
        events = [];
        resolve(res);
      };
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        const texts = parser.push(chunk);
        if (texts === 'too-long') return finish(invalid('contains an item larger than the allowed maximum'), true);
        if (texts === 'invalid' || texts === 'truncated') return finish(invalid('is not a valid list'), true);
        const bad = apply(texts);
        if (bad) finish(bad, true);
      });
      stream.on('end', () => {
        const meta = parser.end();
        if (meta === 'truncated') finish(invalid('ended before it was complete'), false);
        else if (typeof meta === 'string') finish(invalid('is not a valid list'), false);
        else {
          if (parser.envelopeObject) this.o.onListEnvelope?.(parser.envelopeObject);
          finish({ ok: true, value: meta }, false);
        }
      });
      const lost = (): Result<ListMeta> =>
        signal.aborted
          ? { ok: false, error: { code: 'unavailable', message: 'Request cancelled.' } }
          : {
              ok: false,
              error: {
                code: 'cluster-unreachable',
                message: `The connection to the API server was lost while listing ${this.o.resource}. Capstan reconnects automatically.`,
              },
            };
      stream.on('error', () => finish(lost(), true));
      stream.on('close', () => finish(lost(), false));
    });
  }

  private async watch(signal: AbortSignal): Promise<WatchOutcome> {
    const timeoutSeconds = 300 + Math.floor(this.random() * 301);
    const q = `${this.sep()}watch=true&allowWatchBookmarks=true&timeoutSeconds=${timeoutSeconds}${this.rv ? `&resourceVersion=${encodeURIComponent(this.rv)}` : ''}`;
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    // Client-side deadline: the server should close at timeoutSeconds; a dead socket must not hang us.
    const deadline = this.clock.setTimeout(() => ac.abort(), (timeoutSeconds + 30) * 1000);
    try {
      const r = await this.o.transport.openStream(this.o.path + q, {
        verb: 'watch',
        resource: this.o.resource,
        signal: ac.signal,
        accept: this.o.accept,
      });
      if (!r.ok) {
        if (r.error.status === 410 || isTooLargeRv(r.error)) return { kind: 'relist' };
        return { kind: 'error', error: r.error };
      }
      this.setStatus({ phase: 'watching', error: undefined });
      this.backoff.healthy(this.clock.now());
      return await this.consume(r.value, ac.signal);
    } finally {
      this.clock.clearTimeout(deadline);
      signal.removeEventListener('abort', onAbort);
      ac.abort();
    }
  }

  private consume(stream: Readable, signal: AbortSignal): Promise<WatchOutcome> {
    const framer = new LineFramer(this.o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    let events = 0;
    return new Promise<WatchOutcome>((resolve) => {
      let done = false;
      const finish = (o: WatchOutcome) => {
        if (done) return;
        done = true;
        this.clock.clearTimeout(idleTimer);
        stream.destroy();
        resolve(o);
      };
      const invalid = (why: string): WatchOutcome => {
        this.log(`${why}; restarting the watch from resourceVersion ${this.rv ?? '(none)'}`);
        return {
          kind: 'error',
          error: {
            code: 'response-invalid',
            message: `The watch of ${this.o.resource} received ${why}. Capstan resumed it from the last good point.`,
          },
        };
      };
      signal.addEventListener('abort', () => finish({ kind: 'closed', events }), { once: true });
      // Idle watchdog: resume quietly (a normal close, no backoff) if nothing arrives for a while.
      const idleMs = this.o.watchIdleMs ?? 90_000;
      let idleTimer: unknown;
      const arm = () => {
        this.clock.clearTimeout(idleTimer);
        idleTimer = this.clock.setTimeout(() => {
          this.log(`no data for ${Math.round(idleMs / 1000)} s: resuming the watch`);
          finish({ kind: 'closed', events: Math.max(events, 1) });
        }, idleMs);
      };
      arm();
      stream.on('close', () => this.clock.clearTimeout(idleTimer));
      stream.on('data', (chunk: Buffer) => {
        if (done) return;
        arm();
        const lines = framer.push(chunk);
        // A hostile or broken stream must not grow memory: a line over the maximum ends the watch.
        if (framer.overflowing || lines.some((l) => l.truncatedBytes > 0)) return finish(invalid('a line longer than the allowed maximum'));
        const batch: ReflectorEvent<T>[] = [];
        for (const { text: line } of lines) {
          if (!line.trim()) continue;
          let ev: WatchEvent<T>;
          try {
            ev = JSON.parse(line);
          } catch {
            this.emit(batch);
            return finish(invalid('a line that is not JSON'));
          }
          const out = this.apply(ev, batch);
          if (out) {
            this.emit(batch);
            return finish(out);
          }
          events++;
        }
        this.emit(batch);
      });
      stream.on('end', () => {
        if (framer.pendingBytes > 0) finish(invalid('a truncated line'));
        else finish({ kind: 'closed', events });
      });
      // Closed without a proper end: the connection was lost (server died, network dropped).
      const lost = (): WatchOutcome =>
        framer.pendingBytes > 0
          ? invalid('a truncated line')
          : {
              kind: 'error',
              error: {
                code: 'cluster-unreachable',
                message: `The connection to the API server was lost while watching ${this.o.resource}. Capstan reconnects automatically.`,
              },
            };
      stream.on('error', () => finish(lost()));
      stream.on('close', () => finish(lost()));
    });
  }

  /** Apply one watch event to the store; returns an outcome when the watch must end. */
  private apply(ev: WatchEvent<T>, batch: ReflectorEvent<T>[]): WatchOutcome | undefined {
    if (!ev || typeof ev !== 'object' || typeof ev.type !== 'string' || !ev.object || typeof ev.object !== 'object') {
      return {
        kind: 'error',
        error: {
          code: 'response-invalid',
          message: `The watch of ${this.o.resource} received an event without type or object. Capstan resumed it.`,
        },
      };
    }
    if (ev.type === 'ERROR') {
      const s = ev.object as Status;
      if (s.code === 410 || s.reason === 'Expired' || s.reason === 'Gone') return { kind: 'relist' };
      const error: AppError = {
        code: 'unavailable',
        status: s.code,
        message: `The watch of ${this.o.resource} failed (${s.code ?? '?'} ${s.reason ?? ''}). Capstan retries automatically.`,
      };
      return { kind: 'error', error, relist: isTooLargeRv(error) || /too large resource version/i.test(s.message ?? '') };
    }
    if (isStatus(ev.object)) return undefined;
    const obj = (this.o.unwrap ? this.o.unwrap(ev.object) : ev.object) as T;
    if (!obj || typeof obj !== 'object') return undefined;
    if (obj !== ev.object) ev = { ...ev, object: obj };
    const rv = obj.metadata?.resourceVersion;
    if (ev.type === 'BOOKMARK') {
      if (rv) this.rv = rv;
      return undefined;
    }
    if (!obj.metadata) return undefined;
    if (this.o.transform && ev.type !== 'DELETED') ev = { ...ev, object: this.o.transform(obj) };
    const key = this.keyOf(obj);
    if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
      const stored = ev.object as T;
      this.store.set(key, stored);
      batch.push({ type: 'upsert', object: stored });
    } else if (ev.type === 'DELETED') {
      if (this.store.delete(key)) batch.push({ type: 'delete', object: obj });
    }
    if (rv) this.rv = rv;
    return undefined;
  }
}

const isTooLargeRv = (e: AppError) => e.status === 504 && /too large resource version/i.test(e.message);
