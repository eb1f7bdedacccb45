/**
 * MetricsService: per-container usage history for every connected cluster, sampled every
 * `intervalMs` (default 10 s) into ring buffers (default 1 hour), restart/OOM events from pod
 * status on the same timeline, top lists pushed to subscribers after each round, the last hour
 * persisted in userDataDir (every 5 min and on dispose) and reloaded on start.
 *
 *   const m = new MetricsService(clusterServiceSource(clusters), { file, settings });
 *   m.start(); const stop = m.subscribe(50, (top) => ...); m.series(ref); m.dispose();
 */
import type { Aggregate, AggregateRef, ContainerRef, Forensics, MetricsSettings, MetricsTop, Series, SourceStatus } from '../../src-shared/metrics/contract';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { MetricsClusterSource, PodChange } from './cluster-source';
import { aggregate } from './aggregate';
import { exportCsv } from './csv';
import { forensics } from './forensics';
import { MetricsHistory } from './history';
import { loadHistory, saveHistory } from './persist';
import { PodIndex } from './pod-index';
import type { PromFetch } from './prometheus';
import { readPrometheus } from './prometheus';
import type { SamplerState } from './sampler';
import { newSamplerState, sampleCluster } from './sampler';
import { clusterStatus, sliceTop, topLists } from './top';

export const defaultMetricsSettings: MetricsSettings = { intervalMs: 10_000, historyMinutes: 60, prometheus: {} };

export interface MetricsServiceOptions {
  /** History file; none = no persistence. */
  file?: string;
  settings?: { get(): Partial<MetricsSettings> | undefined; set(s: MetricsSettings): void };
  now?: () => number;
  log?: (m: string) => void;
  kubeletTimeoutMs?: number;
  concurrency?: number;
  persistEveryMs?: number;
  /** Prometheus HTTP client (tests); default global fetch. */
  fetch?: PromFetch;
}

interface ClusterState { sampler: SamplerState; pods: PodIndex; lastRoundAt?: number; containers: number; prom?: SourceStatus; throttled?: Map<string, number> }

const nullable = (xs: number[]) => xs.map((v) => (Number.isNaN(v) ? null : v));

export class MetricsService {
  private settings: MetricsSettings;
  private readonly history: MetricsHistory;
  private readonly clusters = new Map<string, ClusterState>();
  private readonly subs = new Set<{ limit: number; emit: (t: MetricsTop) => void }>();
  private readonly acquired = new Map<string, () => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastTop: MetricsTop | undefined;
  private lastPersist = 0;
  private disposed = false;
  private running = false;
  private readonly offPods: () => void;
  private readonly now: () => number;
  /** Real CPU time (µs) spent in rounds, for the bench and the status line. */
  cpuMicros = 0;
  rounds = 0;
  lastRoundWallMs = 0;

  constructor(private readonly source: MetricsClusterSource, private readonly opts: MetricsServiceOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.settings = { ...defaultMetricsSettings, ...(opts.settings?.get() ?? {}) };
    this.history = new MetricsHistory(this.capacity(), () => this.settings.intervalMs);
    this.offPods = source.onPods((id, change) => this.onPods(id, change));
  }

  private capacity(): number {
    return Math.ceil((this.settings.historyMinutes * 60_000) / this.settings.intervalMs) + 1;
  }
  private horizonMs(): number {
    return this.settings.historyMinutes * 60_000;
  }

  start(): void {
    if (this.opts.file) {
      const { series, problem } = loadHistory(this.opts.file, this.capacity(), this.now() - this.horizonMs());
      if (problem) this.opts.log?.(`[metrics] ${problem}`);
      for (const h of series) this.history.restore(h);
      this.lastPersist = this.now();
    }
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.round()
        .catch((e: unknown) => this.opts.log?.(`[metrics] sample round failed: ${(e as Error).stack ?? String(e)}`))
        .finally(() => this.schedule(this.settings.intervalMs));
    }, delay);
    this.timer.unref?.();
  }

  private state(id: string): ClusterState {
    let s = this.clusters.get(id);
    if (!s) this.clusters.set(id, (s = { sampler: newSamplerState(), pods: new PodIndex(), containers: 0 }));
    return s;
  }

  private onPods(id: string, change: PodChange): void {
    const st = this.state(id);
    const now = this.now();
    if (change.kind === 'reset') st.pods.clear();
    for (const d of change.kind === 'change' ? change.deletes : []) st.pods.delete(d.namespace, d.name);
    for (const pod of change.kind === 'reset' ? change.pods : change.upserts) {
      for (const { container, event } of st.pods.update(pod, now)) {
        this.history.addEvent({ clusterId: id, namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name ?? '', container }, event, now);
      }
    }
  }

  /** One round over every connected cluster (public for tests and the bench). */
  async round(): Promise<void> {
    if (this.running) return; // a settings change rescheduled us mid-round
    this.running = true;
    try {
      await this.sampleAll();
    } finally {
      this.running = false;
    }
  }

  private async sampleAll(): Promise<void> {
    this.acquireAll();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const o = { timeoutMs: this.opts.kubeletTimeoutMs ?? 5000, concurrency: this.opts.concurrency ?? 8 };
    await Promise.all(this.source.ids().map(async (id) => {
      const t = this.source.transport(id);
      if (!t) return;
      const st = this.state(id);
      const promUrl = this.settings.prometheus[id];
      const [r, prom] = await Promise.all([
        sampleCluster(t, this.source.nodeNames(id), st.sampler, this.now(), o),
        promUrl ? readPrometheus(promUrl, o.timeoutMs, this.opts.fetch) : undefined,
      ]);
      const at = this.now(); // our clock, not the nodes': skewed nodes still line up
      for (const { reading, source } of r.readings) this.history.record(id, at, reading, source);
      st.prom = prom && 'status' in prom ? prom.status : promUrl ? { kind: 'prometheus', state: 'ok' } : undefined;
      st.throttled = prom && !('status' in prom) ? prom.throttled : undefined;
      if (prom && !('status' in prom)) {
        // Prometheus fills only containers the kubelet and metrics-server did not give us.
        const covered = new Set(r.readings.map((x) => `${x.reading.namespace}/${x.reading.pod}/${x.reading.container}`));
        for (const reading of prom.readings) if (!covered.has(`${reading.namespace}/${reading.pod}/${reading.container}`)) this.history.record(id, at, reading, 'prometheus');
      }
      st.lastRoundAt = at;
      st.containers = r.readings.length;
    }));
    const now = this.now();
    this.history.prune(now, this.horizonMs());
    this.lastTop = this.computeTop(now, Math.max(0, ...[...this.subs].map((s) => s.limit), 20));
    for (const s of this.subs) s.emit(sliceTop(this.lastTop, s.limit));
    if (this.opts.file && now - this.lastPersist >= (this.opts.persistEveryMs ?? 5 * 60_000)) this.persist();
    const d = process.cpuUsage(cpu0);
    this.cpuMicros += d.user + d.system;
    this.rounds++;
    this.lastRoundWallMs = performance.now() - wall0;
  }

  private computeTop(now: number, limit: number): MetricsTop {
    const lists = topLists(this.history.values(), (h) => this.clusters.get(h.ref.clusterId)?.pods.get(h.ref.namespace, h.ref.pod, h.ref.container), now, 2.5 * this.settings.intervalMs, limit,
      (h) => this.clusters.get(h.ref.clusterId)?.throttled?.get(`${h.ref.namespace}/${h.ref.pod}/${h.ref.container}`));
    const clusters = this.source.ids().map((clusterId) => clusterStatus(clusterId, this.clusters.get(clusterId), this.settings.prometheus[clusterId]));
    return { at: now, intervalMs: this.settings.intervalMs, clusters, lists };
  }


  /** Top lists after every round; subscribing connects every cluster (released on unsubscribe). */
  subscribe(limit: number, emit: (t: MetricsTop) => void): () => void {
    const sub = { limit, emit };
    this.subs.add(sub);
    this.acquireAll();
    emit(sliceTop(this.lastTop ?? this.computeTop(this.now(), limit), limit));
    return () => {
      this.subs.delete(sub);
      if (this.subs.size > 0) return;
      for (const r of this.acquired.values()) r();
      this.acquired.clear();
    };
  }

  /** While anyone watches: keep every cluster connected, including ones added since. */
  private acquireAll(): void {
    if (this.subs.size === 0) return;
    for (const id of this.source.ids()) if (!this.acquired.has(id)) this.acquired.set(id, this.source.acquire(id));
  }

  series(ref: ContainerRef): Result<Series> {
    const h = this.history.get(ref);
    const info = this.clusters.get(ref.clusterId)?.pods.get(ref.namespace, ref.pod, ref.container);
    if (!h && !info) return err('not-found', `No metrics for container ${ref.container} of ${ref.namespace}/${ref.pod} in "${ref.clusterId}" in the last ${this.settings.historyMinutes} minutes.`, { clusterId: ref.clusterId });
    const a = h?.ring.toArrays() ?? { t: [], cpu: [], ws: [], rss: [] };
    const s: Series = { ref, t: a.t, cpu: nullable(a.cpu), workingSet: nullable(a.ws), rss: nullable(a.rss), restarts: info?.restarts ?? 0, events: h?.events ?? [] };
    if (h?.source) s.source = h.source;
    if (info?.memoryRequest) s.memoryRequest = info.memoryRequest;
    if (info?.memoryLimit) s.memoryLimit = info.memoryLimit;
    if (info?.cpuRequest) s.cpuRequest = info.cpuRequest;
    if (info?.cpuLimit) s.cpuLimit = info.cpuLimit;
    if (info?.lastTerminated) s.lastTerminated = info.lastTerminated;
    if (info?.state) s.state = info.state;
    if (info?.deployment) s.deployment = info.deployment;
    return ok(s);
  }

  aggregate(ref: AggregateRef): Result<Aggregate> {
    const pods = this.clusters.get(ref.clusterId)?.pods;
    const a = aggregate(this.history.values(), ref, (h) => pods?.get(h.ref.namespace, h.ref.pod, h.ref.container));
    if (a.containers === 0) return err('not-found', `No metrics for ${ref.scope} ${ref.namespace}/${ref.name} in "${ref.clusterId}" in the last ${this.settings.historyMinutes} minutes.`, { clusterId: ref.clusterId });
    return ok(a);
  }

  forensics(ref: ContainerRef): Promise<Forensics> {
    const info = this.clusters.get(ref.clusterId)?.pods.get(ref.namespace, ref.pod, ref.container);
    return forensics(ref, this.history.get(ref), info, this.source.transport(ref.clusterId));
  }

  exportCsv(filter: Partial<ContainerRef>): { filename: string; csv: string } {
    return exportCsv(this.history.values(), filter, this.now());
  }

  getSettings(): MetricsSettings {
    return structuredClone(this.settings);
  }

  setSettings(patch: Partial<MetricsSettings>): MetricsSettings {
    const intervalChanged = patch.intervalMs !== undefined && patch.intervalMs !== this.settings.intervalMs;
    this.settings = { ...this.settings, ...patch };
    this.history.resize(this.capacity());
    this.opts.settings?.set(this.settings);
    if (intervalChanged) this.schedule(this.settings.intervalMs);
    return this.getSettings();
  }

  get historyBytes(): number {
    return this.history.bytes;
  }
  get seriesCount(): number {
    return this.history.size;
  }

  persist(): void {
    if (!this.opts.file) return;
    const now = this.now();
    this.lastPersist = now;
    try {
      saveHistory(this.opts.file, this.history.values(), now - this.horizonMs(), now);
    } catch (e) {
      this.opts.log?.(`[metrics] could not save history to ${this.opts.file}: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.offPods();
    this.subs.clear();
    for (const r of this.acquired.values()) r();
    this.acquired.clear();
    this.persist();
  }
}
