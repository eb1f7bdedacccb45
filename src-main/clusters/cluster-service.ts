/**
 * ClusterService: every cluster of the kubeconfigs, its connection and its state.
 *
 *   const clusters = new ClusterService(kubeconfigService, { loginPath: new LoginShellPath() });
 *   clusters.list(): ClusterInfo[]                      // renderer-safe (no credentials)
 *   clusters.onDidChangeClusters((list) => ...)         // rate-bounded (default ≤ 4/s); returns a disposer
 *   clusters.acquire(id): () => void                    // connect lazily; release when done (ref-counted)
 *   clusters.connect(id) / clusters.reconnect(id): Result<null>
 *   clusters.connection(id): ClusterConnection | undefined   // for other features (logs, exec, metrics)
 *   clusters.workloads(id): ClusterWorkloads | undefined     // used by WorkloadService
 *   clusters.onDidChangeWorkloads((clusterId, change) => ...) // change.kind 'reset' when a cluster's data was replaced
 *   clusters.dispose()
 *
 * Each cluster connects independently (a slow or dead one never blocks the others). State:
 * idle → connecting → live; live → reconnecting (since) → stale after ~30 s or on a credential
 * failure; error when it cannot connect at all. A connection nobody uses closes after idleCloseMs.
 */
import type { ClusterInfo, ConnectionState } from '../../src-shared/clusters/contract';
import type { AppError, Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { ProblemThresholds } from '../../src-shared/workloads/problems';
import type { LabelKeys } from '../../src-shared/workloads/summarize';
import type { LoginShellPath } from '../platform/login-shell-path';
import type { Clock } from '../watch/clock';
import { systemClock } from '../watch/clock';
import type { WorkloadChange } from './cluster-workloads';
import { ClusterWorkloads, requiredResources } from './cluster-workloads';
import type { ClusterConnectionOptions } from './cluster-connection';
import { ClusterConnection } from './cluster-connection';
import { deriveState } from './cluster-state';
import { redactUserinfo } from './redact';
import type { EntrySource } from './visible-entries';
import type { ClusterEntry } from './kubeconfig-types';

export interface ClusterServiceOptions {
  loginPath?: LoginShellPath;
  connection?: ClusterConnectionOptions;
  clock?: Clock;
  random?: () => number;
  labelKeys?: LabelKeys;
  thresholds?: ProblemThresholds;
  /** Reconnecting longer than this → stale. Default 30 s. */
  staleAfterMs?: number;
  /** Close a connection nobody has acquired for this long. Default 5 min; 0 = never. */
  idleCloseMs?: number;
  /** Re-send the list this often while connected, for time-based problem counts. Default 5 s. */
  countsRefreshMs?: number;
  /** Minimum interval between onDidChangeClusters events. Default 250 ms. */
  notifyIntervalMs?: number;
  log?: (m: string) => void;
  /** Page size for lists (tests). Default 500. */
  pageSize?: number;
}

export type ClusterWorkloadEvent = WorkloadChange | { kind: 'reset' };

interface Runtime {
  entry: ClusterEntry;
  conn: ClusterConnection;
  workloads: ClusterWorkloads;
  disposers: (() => void)[];
  version?: string;
  lastSyncedAt?: number;
}

interface ClusterRecord {
  entry: ClusterEntry;
  state: ConnectionState;
  since: number;
  error?: AppError;
  refs: number;
  runtime?: Runtime;
  idleTimer?: unknown;
  staleTimer?: unknown;
}

export class ClusterService {
  private readonly records = new Map<string, ClusterRecord>();
  private readonly clock: Clock;
  private readonly listeners = new Set<(clusters: ClusterInfo[]) => void>();
  private readonly workloadListeners = new Set<(clusterId: string, change: ClusterWorkloadEvent) => void>();
  private notifyTimer: unknown;
  private tickTimer: unknown;
  private lastSent = '';
  private lastNotify = -Infinity;
  private readonly disposeKubeconfig: () => void;
  private disposed = false;

  constructor(
    private readonly kubeconfig: EntrySource,
    private readonly opts: ClusterServiceOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.disposeKubeconfig = kubeconfig.onDidChangeEntries((entries) => this.sync(entries));
    this.sync(kubeconfig.entries());
  }

  list(): ClusterInfo[] {
    return [...this.records.values()].map((r) => this.info(r));
  }

  get(id: string): ClusterInfo | undefined {
    const r = this.records.get(id);
    return r && this.info(r);
  }

  onDidChangeClusters(l: (clusters: ClusterInfo[]) => void): () => void {
    this.listeners.add(l);
    this.lastSent = ''; // a new listener gets the next list even if unchanged
    this.scheduleTick();
    return () => this.listeners.delete(l);
  }

  /** Time-based problems (Pending too long, not ready) change without any event: re-send counts now and then. */
  private scheduleTick(): void {
    if (this.tickTimer !== undefined || this.disposed) return;
    this.tickTimer = this.clock.setTimeout(() => {
      this.tickTimer = undefined;
      if (this.listeners.size === 0 || this.disposed) return;
      if ([...this.records.values()].some((r) => r.runtime)) this.notify();
      this.scheduleTick();
    }, this.opts.countsRefreshMs ?? 5000);
  }

  onDidChangeWorkloads(l: (clusterId: string, change: ClusterWorkloadEvent) => void): () => void {
    this.workloadListeners.add(l);
    return () => this.workloadListeners.delete(l);
  }

  /** Use a cluster: connects it if needed. Call the returned function when done. */
  acquire(id: string): () => void {
    const r = this.records.get(id);
    if (!r) return () => {};
    r.refs++;
    this.clock.clearTimeout(r.idleTimer);
    r.idleTimer = undefined;
    this.start(r);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      r.refs--;
      const idle = this.opts.idleCloseMs ?? 5 * 60_000;
      if (r.refs === 0 && idle > 0 && this.records.get(id) === r) {
        r.idleTimer = this.clock.setTimeout(() => {
          if (r.refs === 0) this.stop(r, 'idle');
        }, idle);
      }
    };
  }

  connect(id: string): Result<null> {
    const r = this.records.get(id);
    if (!r) return err('not-found', `No cluster "${id}" in the kubeconfigs. Reload the cluster list.`);
    if (r.entry.error) return { ok: false, error: r.entry.error };
    this.start(r);
    return ok(null);
  }

  /** Drop backoff waits and cached credentials and retry now; data is kept and resynced. */
  reconnect(id: string): Result<null> {
    const r = this.records.get(id);
    if (!r) return err('not-found', `No cluster "${id}" in the kubeconfigs. Reload the cluster list.`);
    if (r.entry.error) return { ok: false, error: r.entry.error };
    if (!r.runtime) return this.connect(id);
    r.runtime.conn.invalidateCredentials();
    r.runtime.workloads.restart();
    return ok(null);
  }

  connection(id: string): ClusterConnection | undefined {
    const r = this.records.get(id);
    if (r && !r.entry.error && !r.runtime) this.start(r);
    return r?.runtime?.conn;
  }

  workloads(id: string): ClusterWorkloads | undefined {
    return this.records.get(id)?.runtime?.workloads;
  }

  ids(): string[] {
    return [...this.records.keys()];
  }

  dispose(): void {
    this.disposed = true;
    this.disposeKubeconfig();
    for (const r of this.records.values()) this.stop(r, 'idle');
    this.clock.clearTimeout(this.notifyTimer);
    this.clock.clearTimeout(this.tickTimer);
    this.listeners.clear();
    this.workloadListeners.clear();
  }

  private info(r: ClusterRecord): ClusterInfo {
    const e = r.entry;
    const counts = r.runtime?.workloads.counts(this.clock.now()) ?? { nodes: 0, pods: 0, deployments: 0, problems: 0 };
    return {
      id: e.id,
      contextName: e.contextName,
      clusterName: e.clusterName,
      server: redactUserinfo(e.server),
      ...insecurity(e),
      namespace: e.namespace,
      source: e.source,
      datacenter: e.datacenter,
      state: r.state,
      since: r.since,
      lastSyncedAt: r.runtime?.lastSyncedAt,
      error: r.error,
      version: r.runtime?.version,
      counts,
    };
  }

  private sameConfig(a: ClusterEntry, b: ClusterEntry): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  /** Apply a new set of kubeconfig entries: add, remove, or restart changed clusters. */
  private sync(entries: ClusterEntry[]): void {
    if (this.disposed) return;
    const seen = new Set<string>();
    for (const entry of entries) {
      seen.add(entry.id);
      const r = this.records.get(entry.id);
      if (!r) {
        const rec: ClusterRecord = { entry, state: entry.error ? 'error' : 'idle', since: this.clock.now(), error: entry.error, refs: 0 };
        this.records.set(entry.id, rec);
        continue;
      }
      if (this.sameConfig(r.entry, entry)) continue;
      const wasRunning = Boolean(r.runtime);
      this.stop(r, 'replaced');
      r.entry = entry;
      this.setState(r, entry.error ? 'error' : 'idle', entry.error);
      if (wasRunning && !entry.error) this.start(r);
    }
    for (const [id, r] of this.records) {
      if (seen.has(id)) continue;
      this.stop(r, 'replaced');
      this.records.delete(id);
    }
    this.notify(true);
  }

  private start(r: ClusterRecord): void {
    if (r.runtime || r.entry.error || this.disposed) return;
    const id = r.entry.id;
    const conn = new ClusterConnection(r.entry, {
      ...this.opts.connection,
      ...(this.opts.loginPath ? { loginPath: this.opts.loginPath } : {}),
    });
    const workloads = new ClusterWorkloads(id, conn, {
      clock: this.opts.clock,
      random: this.opts.random,
      labelKeys: this.opts.labelKeys,
      thresholds: this.opts.thresholds,
      log: this.opts.log,
      pageSize: this.opts.pageSize,
    });
    const rt: Runtime = { entry: r.entry, conn, workloads, disposers: [] };
    r.runtime = rt;
    rt.disposers.push(
      workloads.onDidChange((c) => {
        for (const l of [...this.workloadListeners]) l(id, c);
      }),
      workloads.onDidChangeStatus(() => this.refresh(r)),
    );
    this.setState(r, 'connecting');
    workloads.start();
    void conn.getJson<{ gitVersion?: string }>('/version', { verb: 'get', resource: 'version' }).then((v) => {
      if (v.ok && r.runtime === rt) {
        rt.version = typeof v.value?.gitVersion === 'string' ? v.value.gitVersion : undefined;
        this.notify();
      }
    });
  }

  private stop(r: ClusterRecord, why: 'idle' | 'replaced'): void {
    this.clock.clearTimeout(r.idleTimer);
    this.clock.clearTimeout(r.staleTimer);
    r.idleTimer = r.staleTimer = undefined;
    const rt = r.runtime;
    if (!rt) return;
    r.runtime = undefined;
    for (const d of rt.disposers) d();
    rt.workloads.dispose();
    rt.conn.dispose();
    // Subscribers drop this cluster's data (an idle close keeps nothing either: it refills on reconnect).
    for (const l of [...this.workloadListeners]) l(r.entry.id, { kind: 'reset' });
    if (why === 'idle') this.setState(r, r.entry.error ? 'error' : 'idle', r.entry.error);
  }

  /** Recompute state from the reflectors. */
  private refresh(r: ClusterRecord): void {
    const rt = r.runtime;
    if (!rt) return;
    const st = rt.workloads.statuses();
    const required = requiredResources.map((k) => st[k]);
    const now = this.clock.now();
    const d = deriveState(required, { state: r.state, since: r.since }, now, this.opts.staleAfterMs ?? 30_000);
    // Last moment the data was known to be in sync: entering live, and leaving it.
    if ((d.state === 'live') !== (r.state === 'live')) rt.lastSyncedAt = now;
    // Nodes are optional (often forbidden to ordinary users): their error never changes the state.
    this.setState(r, d.state, d.error);
    if (d.state === 'reconnecting' && !r.staleTimer) {
      r.staleTimer = this.clock.setTimeout(
        () => {
          r.staleTimer = undefined;
          this.refresh(r);
        },
        (this.opts.staleAfterMs ?? 30_000) + 10,
      );
    }
    this.notify();
  }

  private setState(r: ClusterRecord, state: ConnectionState, error?: AppError): void {
    if (r.state !== state) {
      r.state = state;
      r.since = this.clock.now();
      if (state !== 'reconnecting') {
        this.clock.clearTimeout(r.staleTimer);
        r.staleTimer = undefined;
      }
      this.notify(true);
    }
    r.error = error ? { ...error, clusterId: r.entry.id } : undefined;
  }

  /** Rate-bounded change notification; state changes go out promptly. */
  private notify(urgent = false): void {
    if (this.listeners.size === 0 || this.disposed) return;
    const interval = this.opts.notifyIntervalMs ?? 250;
    if (this.notifyTimer !== undefined) return;
    const wait = urgent ? 0 : Math.max(0, this.lastNotify + interval - this.clock.now());
    this.notifyTimer = this.clock.setTimeout(() => {
      this.notifyTimer = undefined;
      this.lastNotify = this.clock.now();
      const list = this.list();
      // Nothing sent when nothing changed (the periodic tick often finds no change).
      const sig = JSON.stringify(list);
      if (sig === this.lastSent) return;
      this.lastSent = sig;
      for (const l of [...this.listeners]) l(list);
    }, wait);
  }
}

/** How a cluster's transport is weakened, for the badge every view shows (credentials in clear over http; no server verification). */
function insecurity(e: ClusterEntry): Pick<ClusterInfo, 'insecure'> {
  if (/^http:/i.test(e.server)) return { insecure: 'http' };
  if (e.config?.cluster['insecure-skip-tls-verify'] === true) return { insecure: 'skip-tls-verify' };
  return {};
}
