/**
 * MetricsService: per-container usage history for every connected cluster, sampled every
 * `intervalMs` (default 10 s; stretched when rounds would cost more than `maxCpuPercent` of a
 * core, pacing.ts), kept within `historyBudgetMB` (budget.ts), restart/OOM events from pod status
 * on the same timeline, top lists pushed to subscribers after each round, the history persisted in
 * userDataDir (every 5 min and on dispose, bounded: persist.ts) and reloaded on start.
 *
 *   const m = new MetricsService(clusterServiceSource(clusters), { file, settings });
 *   m.start(); const stop = m.subscribe(50, (top) => ...); m.series(ref); m.dispose();
 */
import type {
  Aggregate,
  AggregateRef,
  ContainerRef,
  Forensics,
  MetricsHistoryStatus,
  MetricsSettings,
  MetricsTop,
  Series,
  TopRow,
} from '../../src-shared/metrics/contract';
import { isPrometheusUrl } from '../../src-shared/metrics/contract';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { MetricsClusterSource, PodChange } from './cluster-source';
import { aggregate } from './aggregate';
import type { BudgetPlan } from './budget';
import { applyPlan, interestScore, planBudget } from './budget';
import { exportCsv } from './csv';
import { forensics } from './forensics';
import type { ContainerHistory } from './history';
import { keyOf, MetricsHistory } from './history';
import { Pacer } from './pacing';
import { BORING_BUCKET_MS, loadHistory, saveHistory } from './persist';
import type { PromFetch } from './prometheus';
import type { ClusterState } from './sample-round';
import { newClusterState, sampleClusters } from './sample-round';
import { buildSeries } from './series';
import type { Scan } from './top';
import { clusterStatus, sliceTop, topLists, topRow } from './top';

// maxCpuPercent 0.5: with the rest of the app idle at ~0.2 %, the whole main process stays within
// 1 % of a core in every 20 s window (rounds spread over the interval, see sampleAll).
export const defaultMetricsSettings: MetricsSettings = {
  intervalMs: 10_000,
  historyMinutes: 60,
  historyBudgetMB: 150,
  maxCpuPercent: 0.5,
  prometheus: {},
};

/** A container someone charted stays at full resolution this long after. */
const VIEWED_MS = 10 * 60_000;

export interface MetricsServiceOptions {
  /** History file; none = no persistence. */
  file?: string;
  settings?: { get(): Partial<MetricsSettings> | undefined; set(s: MetricsSettings): void };
  now?: () => number;
  log?: (m: string) => void;
  kubeletTimeoutMs?: number;
  concurrency?: number;
  /** Above this many nodes a cluster's fleet comes from metrics.k8s.io (sampler.ts; default 32). */
  fleetApiAboveNodes?: number;
  /** false: never spread a round's clusters over the interval (default: spread rounds the pacing stretched). */
  spread?: boolean;
  persistEveryMs?: number;
  /** Prometheus HTTP client (tests); default global fetch. */
  fetch?: PromFetch;
  /** After each round, with the number of rounds so far (outside the round's CPU, which the pacing counts). */
  onRound?: (rounds: number) => void;
}

export class MetricsService {
  private settings: MetricsSettings;
  private readonly history: MetricsHistory;
  private readonly clusters = new Map<string, ClusterState>();
  private readonly subs = new Set<{ limit: number; emit: (t: MetricsTop) => void }>();
  private readonly acquired = new Map<string, () => void>();
  private readonly pacer = new Pacer();
  /** Keys of containers charted lately (→ until when) and of those in the last top lists. */
  private readonly viewed = new Map<string, number>();
  private listed = new Set<string>();
  /** `cluster\0namespace\0pod` of the rows in the last top lists. */
  private listedPods = new Set<string>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private plan: BudgetPlan | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastTop: MetricsTop | undefined;
  private lastPersist = 0;
  private disposed = false;
  /** start() ran: the saved history is loaded (before that, persisting nothing would overwrite it). */
  private started = false;
  private running = false;
  private readonly offPods: () => void;
  private readonly now: () => number;
  /** Real CPU time (µs) spent in rounds, for the bench and the status line. */
  cpuMicros = 0;
  rounds = 0;
  lastRoundWallMs = 0;

  constructor(
    private readonly source: MetricsClusterSource,
    private readonly opts: MetricsServiceOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.settings = { ...defaultMetricsSettings, ...(opts.settings?.get() ?? {}) };
    // A settings file edited by hand (or written before URLs were checked) cannot make main fetch another scheme.
    this.settings.prometheus = Object.fromEntries(
      Object.entries(this.settings.prometheus ?? {}).filter(([, url]) => typeof url === 'string' && isPrometheusUrl(url)),
    );
    this.history = new MetricsHistory(this.capacity(), () => this.intervalMs);
    this.offPods = source.onPods((id, change) => this.onPods(id, change));
  }

  /** Samples of a full-resolution container: the history at the interval asked for. */
  private capacity(): number {
    return Math.ceil((this.settings.historyMinutes * 60_000) / this.settings.intervalMs) + 1;
  }
  private horizonMs(): number {
    return this.settings.historyMinutes * 60_000;
  }

  /** The interval rounds run at now (the wanted one, stretched to stay within the CPU share). */
  get intervalMs(): number {
    return this.pacer.currentMs(this.settings.intervalMs);
  }

  /** Loads the saved history and starts the rounds; once (later calls do nothing). */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    if (this.opts.file) {
      const now = this.now();
      const { series, problem } = loadHistory(this.opts.file);
      if (problem) this.opts.log?.(`[metrics] ${problem}`);
      for (const s of series) this.history.restore(s.series, s.samples, now - this.horizonMs(), now);
      this.lastPersist = now;
    }
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const started = performance.now();
      this.round()
        .catch((e: unknown) => this.opts.log?.(`[metrics] sample round failed: ${(e as Error).stack ?? String(e)}`))
        // The interval runs from round start to round start (a spread round takes most of it).
        .finally(() => this.schedule(Math.max(0, this.intervalMs - (performance.now() - started))));
    }, delay);
    this.timer.unref?.();
  }

  private state(id: string): ClusterState {
    let s = this.clusters.get(id);
    if (!s) this.clusters.set(id, (s = newClusterState()));
    return s;
  }

  private onPods(id: string, change: PodChange): void {
    const st = this.state(id);
    const now = this.now();
    const listed = (ns: string, pod: string) => this.listedPods.has(`${id}\u0000${ns}\u0000${pod}`);
    let touched = false;
    for (const d of change.kind === 'change' ? change.deletes : []) {
      st.pods.delete(d.namespace, d.name, now);
      touched ||= listed(d.namespace, d.name);
    }
    const seen = change.kind === 'reset' ? new Set<string>() : undefined;
    for (const pod of change.kind === 'reset' ? change.pods : change.upserts) {
      const ns = pod.namespace;
      const name = pod.name;
      seen?.add(`${ns}/${name}`);
      touched ||= listed(ns, name);
      for (const { container, event } of st.pods.updateContainers(pod, now)) {
        this.history.addEvent({ clusterId: id, namespace: ns, pod: name, container }, event, now);
      }
    }
    // A relist: pods missing from it were deleted meanwhile (their info is kept, marked).
    if (seen) st.pods.retainOnly(seen, now);
    if (touched || (seen && this.listed.size > 0)) this.refreshListedSoon();
  }

  /**
   * A pod in the top lists changed (an instance killed, exited, restarted, the pod deleted): its
   * rows are rebuilt and sent at once, not at the next round (up to 2.5 intervals later), so a
   * killed container is not shown with its last values as if it still ran. Coalesced per tick.
   */
  private refreshListedSoon(): void {
    if (this.refreshTimer || !this.lastTop || this.subs.size === 0) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      const top = this.lastTop;
      if (!top || this.disposed) return;
      const now = this.now();
      const fresh = 2.5 * this.intervalMs;
      const rebuild = (r: TopRow): TopRow => {
        if (!this.listedPods.has(`${r.clusterId}\u0000${r.namespace}\u0000${r.pod}`)) return r;
        const h = this.history.get(r);
        return h ? topRow(h, this.info(r), now, fresh, r.throttledPct === undefined ? undefined : r.throttledPct / 100) : r;
      };
      const lists = Object.fromEntries(Object.entries(top.lists).map(([k, rows]) => [k, rows.map(rebuild)])) as MetricsTop['lists'];
      this.lastTop = { ...top, lists };
      for (const s of this.subs) s.emit(sliceTop(this.lastTop, s.limit));
    }, 0);
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
    const wall0 = performance.now();
    const detail = this.detailNodes();
    // Rounds the pacing had to stretch are expensive: their clusters are spread over most of the
    // interval, so that no 20 s of it carries the whole round (idle CPU is judged per 20 s).
    const stretched = this.intervalMs > this.settings.intervalMs;
    // n clusters, then the end of the round in two slots (top lists; budget and persistence): n + 2
    // even slots over the interval, each well under the CPU of a 20 s window on its own.
    const n = this.source.ids().length;
    const spread = stretched && this.opts.spread !== false && n > 1;
    const slotMs = spread ? this.intervalMs / (n + 2) : 0;
    const spreadMs = Math.round(slotMs * n);
    let cpu0 = process.cpuUsage();
    const sliceMicros = await sampleClusters(this.source, (id) => this.state(id), this.history, this.settings, {
      timeoutMs: this.opts.kubeletTimeoutMs ?? 5000,
      concurrency: this.opts.concurrency ?? 8,
      fetch: this.opts.fetch,
      now: this.now,
      fleetApiAboveNodes: this.opts.fleetApiAboveNodes,
      detailNodes: (id) => detail.get(id) ?? new Set(),
      spreadMs,
      cancelled: () => this.disposed,
    });
    // Spread: the waits between the slices are not the round's; count the slices, then the rest.
    let extraMicros = 0;
    const waitUntil = async (ms: number): Promise<boolean> => {
      const wait = wall0 + ms - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait).unref?.());
      return !this.disposed;
    };
    if (sliceMicros !== undefined) {
      extraMicros = sliceMicros;
      if (!(await waitUntil(spreadMs))) return;
      cpu0 = process.cpuUsage();
    }
    const now = this.now();
    this.history.prune(now, this.horizonMs());
    this.lastTop = this.computeTop(now, Math.max(0, ...[...this.subs].map((s) => s.limit), 20), (h, scan) => this.score(h, scan, now));
    const rows = Object.values(this.lastTop.lists).flat();
    this.listed = new Set(rows.map(keyOf));
    this.listedPods = new Set(rows.map((r) => `${r.clusterId}\u0000${r.namespace}\u0000${r.pod}`));
    if (sliceMicros !== undefined) {
      const d = process.cpuUsage(cpu0);
      extraMicros += d.user + d.system;
      if (!(await waitUntil(spreadMs + slotMs))) return;
      cpu0 = process.cpuUsage();
    }
    for (const st of this.clusters.values()) st.pods.pruneDeleted(now - this.horizonMs());
    this.plan = planBudget({
      budgetBytes: this.settings.historyBudgetMB * 2 ** 20,
      horizonMs: this.horizonMs(),
      intervalMs: this.intervalMs,
      containers: this.history.size,
      interesting: this.countInteresting(),
    });
    applyPlan(() => this.history.values(), this.plan, this.capacity());
    this.lastTop.history = this.historyStatus();
    for (const s of this.subs) s.emit(sliceTop(this.lastTop, s.limit));
    if (this.opts.file && now - this.lastPersist >= (this.opts.persistEveryMs ?? 5 * 60_000)) this.persist();
    const d = process.cpuUsage(cpu0);
    const micros = d.user + d.system + extraMicros;
    this.cpuMicros += micros;
    this.rounds++;
    this.pacer.observe(micros / 1000);
    this.pacer.intervalMs(this.settings.intervalMs, this.settings.maxCpuPercent); // the next round's
    this.lastRoundWallMs = performance.now() - wall0;
    this.opts.onRound?.(this.rounds);
  }

  /**
   * Per cluster, the nodes of the containers someone looks at (charted, forensics) or that are in
   * the top lists: at scale only their kubelet summaries are read (sampler.ts).
   */
  private detailNodes(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    const nodeOf = this.source.nodeOf;
    if (!nodeOf) return out;
    const now = this.now();
    const pods = new Set<string>();
    for (const [k, until] of this.viewed) if (until > now) pods.add(k.slice(0, k.lastIndexOf('\u0000')));
    // The top lists count while someone has them open.
    if (this.subs.size > 0) for (const k of this.listedPods) pods.add(k);
    for (const k of pods) {
      const [id, ns, pod] = k.split('\u0000') as [string, string, string];
      const node = nodeOf(id, ns, pod);
      if (!node) continue;
      let set = out.get(id);
      if (!set) out.set(id, (set = new Set()));
      set.add(node);
    }
    return out;
  }

  /** Keeps each container's interest fresh (with 10 minutes of hold, so a container does not flap). */
  private score(h: ContainerHistory, scan: Scan, now: number): void {
    let restartEvents = 0;
    for (const e of h.events) if (e.kind === 'restart') restartEvents++;
    const until = this.viewed.get(h.key);
    const s = interestScore({
      inView: (until !== undefined && until > now) || this.listed.has(h.key),
      ooms: scan.ooms,
      restartEvents,
      memoryPct: scan.memoryPct,
      growthPerMin: scan.growthPerMin,
      memoryLimit: scan.info?.memoryLimit,
    });
    if (s > 0) {
      h.interest = s;
      h.interestUntil = now + VIEWED_MS;
    } else if (now >= h.interestUntil) h.interest = 0;
  }

  private countInteresting(): number {
    let n = 0;
    for (const h of this.history.values()) if (h.interest > 0) n++;
    return n;
  }

  private historyStatus(): MetricsHistoryStatus {
    const p = this.plan;
    return {
      bytes: this.history.bytes,
      budgetBytes: this.settings.historyBudgetMB * 2 ** 20,
      containers: this.history.size,
      fullResolution: p ? Math.min(p.fullCount, this.history.size) : this.history.size,
      coarseMs: p?.coarseMs ?? 0,
      fineMinutes: p ? Math.round(((p.fineSlots - 1) * this.intervalMs) / 60_000) : this.settings.historyMinutes,
      overBudget: p?.overBudget ?? false,
    };
  }

  private computeTop(now: number, limit: number, visit?: (h: ContainerHistory, scan: Scan) => void): MetricsTop {
    const lists = topLists(
      this.history.values(),
      (h) => this.clusters.get(h.ref.clusterId)?.pods.get(h.ref.namespace, h.ref.pod, h.ref.container),
      now,
      2.5 * this.intervalMs,
      limit,
      (h) => this.clusters.get(h.ref.clusterId)?.throttled?.get(`${h.ref.namespace}/${h.ref.pod}/${h.ref.container}`),
      visit,
    );
    const clusters = this.source
      .ids()
      .map((clusterId) => clusterStatus(clusterId, this.clusters.get(clusterId), this.settings.prometheus[clusterId]));
    const pacing = {
      ...this.pacer.describe(this.settings.intervalMs, this.settings.maxCpuPercent),
      containers: clusters.reduce((n, c) => n + c.containers, 0),
    };
    return { at: now, intervalMs: pacing.intervalMs, pacing, history: this.historyStatus(), clusters, lists };
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

  private info(ref: ContainerRef) {
    return this.clusters.get(ref.clusterId)?.pods.get(ref.namespace, ref.pod, ref.container);
  }

  /** Someone is looking at this container: full resolution from the next round on. */
  private markViewed(ref: ContainerRef): void {
    const now = this.now();
    for (const [k, until] of this.viewed) if (until <= now) this.viewed.delete(k);
    this.viewed.set(keyOf(ref), now + VIEWED_MS);
  }

  series(ref: ContainerRef): Result<Series> {
    this.markViewed(ref);
    return buildSeries(ref, this.history.get(ref), this.info(ref), this.settings.historyMinutes);
  }

  aggregate(ref: AggregateRef): Result<Aggregate> {
    const pods = this.clusters.get(ref.clusterId)?.pods;
    const a = aggregate(
      this.history.values(),
      ref,
      (h) => pods?.get(h.ref.namespace, h.ref.pod, h.ref.container),
      this.plan?.coarseMs ?? 0,
    );
    if (a.containers === 0)
      return err(
        'not-found',
        `No metrics for ${ref.scope} ${ref.namespace}/${ref.name} in "${ref.clusterId}" in the last ${this.settings.historyMinutes} minutes.`,
        { clusterId: ref.clusterId },
      );
    return ok(a);
  }

  forensics(ref: ContainerRef): Promise<Forensics> {
    this.markViewed(ref);
    return forensics(ref, this.history.get(ref), this.info(ref), this.source.transport(ref.clusterId));
  }

  exportCsv(filter: Partial<ContainerRef>): { filename: string; csv: string } {
    return exportCsv(this.history.values(), filter, this.now());
  }

  getSettings(): MetricsSettings {
    return structuredClone(this.settings);
  }

  setSettings(patch: Partial<MetricsSettings>): MetricsSettings {
    const reschedule =
      (patch.intervalMs !== undefined && patch.intervalMs !== this.settings.intervalMs) ||
      (patch.maxCpuPercent !== undefined && patch.maxCpuPercent !== this.settings.maxCpuPercent);
    this.settings = { ...this.settings, ...patch };
    this.history.resize(this.capacity());
    this.opts.settings?.set(this.settings);
    if (reschedule) this.schedule(this.pacer.intervalMs(this.settings.intervalMs, this.settings.maxCpuPercent));
    return this.getSettings();
  }

  /** Bytes the history holds (sample pages plus estimated bookkeeping). */
  get historyBytes(): number {
    return this.history.bytes;
  }
  /** Bytes the sample pool has allocated (its high-water mark). */
  get historyAllocatedBytes(): number {
    return this.history.pool.allocatedBytes;
  }
  get seriesCount(): number {
    return this.history.size;
  }
  get historyStatusNow(): MetricsHistoryStatus {
    return this.historyStatus();
  }

  /** The history's memory at steady state under the current plan (a full horizon held; the bench adds what is not held yet to the peak). */
  get historyProjectedBytes(): number {
    return this.plan?.projectedBytes ?? this.history.bytes;
  }

  persist(): void {
    // Never started and nothing sampled (disposed during the launch): the saved history stays as it is.
    if (!this.opts.file || (!this.started && this.history.size === 0)) return;
    const now = this.now();
    this.lastPersist = now;
    try {
      // Within budget at full resolution: saved as held, so a restart shows the same samples.
      // Only when the budget coarsens the history are quiet containers saved as 2-min buckets.
      const coarse = (this.plan?.coarseMs ?? 0) > 0;
      saveHistory(this.opts.file, this.history.values(), now - this.horizonMs(), now, coarse ? BORING_BUCKET_MS : 0);
    } catch (e) {
      this.opts.log?.(`[metrics] could not save history to ${this.opts.file}: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    clearTimeout(this.refreshTimer);
    this.offPods();
    this.subs.clear();
    for (const r of this.acquired.values()) r();
    this.acquired.clear();
    this.persist();
  }
}
