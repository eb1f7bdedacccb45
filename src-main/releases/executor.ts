/**
 * The executor loop: drives every execution this process holds the lock of. Each tick, per group:
 * updating → one batch-driver step; rolling back → one rollback step; checking → health and soak
 * (executor-checks.ts); paused or aborted mid-batch → hold the Deployment (spec.paused) so the
 * controller does not finish the batch on its own. Every outcome becomes a reducer event, applied
 * one at a time and saved before the next (ExecutionStore, atomic). Loaded executions that were
 * running get `recovered`: they wait for a person to resume. Events computed from a state that
 * moved meanwhile are refused by the reducer and dropped, which is the point of the reducer.
 */
import { applyEvent, recordRejection } from '../../src-shared/releases/execution';
import type { ExecutionEvent, ExecutionState, GroupExecution } from '../../src-shared/releases/execution-model';
import { historyToCsv, historyToJson } from '../../src-shared/releases/history-export';
import type { EffectiveGates } from '../../src-shared/releases/plan';
import { err, ok, type Result } from '../../src-shared/result';
import type { PodSummary } from '../../src-shared/workloads/contract';
import { ANN, type BatchDriver, type DriverTarget } from './batch-driver';
import type { ExecutionLock } from './execution-lock';
import type { ExecutionStore } from './execution-store';
import { batchKey, checkEvents, rememberBatch, type BatchMemory } from './executor-checks';
import { containerFor, eventForOutcome, goalForGroup } from './executor-glue';
import type { KubeClusterOps } from './kube-cluster-ops';
import { StageHealthWatch } from './stage-health';

export interface ExecutorDeps {
  store: ExecutionStore;
  driver: BatchDriver;
  ops: (clusterId: string) => KubeClusterOps;
  /** Pods of a Deployment as the board sees them; undefined when the cluster is not live. */
  pods: (clusterId: string, namespace: string, deployment: string) => PodSummary[] | undefined;
  /** 'lost' once a cluster is stale or in error (a short reconnect is not a loss). */
  clusterState: (clusterId: string) => 'live' | 'lost' | 'unknown';
  gatesOf: (executionId: string) => Promise<EffectiveGates>;
  owner: string;
  now?: () => number;
  timeScale?: number;
  windowSec?: number;
  onChange: () => void;
  log?: (m: string) => void;
}

interface Entry {
  state: ExecutionState;
  lock?: ExecutionLock;
  lockedBy?: string;
  gates?: EffectiveGates;
  containers: Map<string, string>;
  batches: Map<string, BatchMemory>;
  held: Set<string>;
}

export class Executor {
  readonly entries = new Map<string, Entry>();
  problems: string[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private ticking = false;
  private readonly now: () => number;
  /** Health for the whole release: groups that succeeded stay watched (stage-health.ts). */
  private readonly health = new StageHealthWatch();

  constructor(private readonly deps: ExecutorDeps) {
    this.now = deps.now ?? Date.now;
  }

  async load(): Promise<void> {
    const { executions, problems } = await this.deps.store.loadAll();
    this.problems = problems.map((p) => p.message);
    for (const state of executions) {
      // A finished release is only shown; its lock is taken if someone acts on it (e.g. rolls back).
      const finished = !state.groups.some((g) => !['succeeded', 'rolled-back', 'aborted', 'failed', 'pending'].includes(g.phase)) && !['running', 'awaiting-approval', 'baking', 'degraded'].includes(state.status);
      const entry = await this.adopt(state, !finished);
      const running = state.started && !state.aborted && !state.stopped && !['succeeded', 'rolled-back', 'failed'].includes(state.status);
      if (entry.lock && running) await this.apply(state.id, { type: 'recovered', actor: 'capstan', at: this.now() });
    }
    this.deps.onChange();
  }

  async adopt(state: ExecutionState, lock = true): Promise<Entry> {
    const entry: Entry = { state, containers: new Map(), batches: new Map(), held: new Set() };
    this.entries.set(state.id, entry);
    if (lock) await this.lock(entry);
    return entry;
  }

  private async lock(entry: Entry): Promise<void> {
    const lock = await this.deps.store.acquire(entry.state.id, this.deps.owner);
    if (lock.ok) {
      entry.lock = lock.value;
      entry.lockedBy = undefined;
    } else entry.lockedBy = lock.error.message;
  }

  /** Apply one event and save it, serialized with every other change; rejections are recorded. */
  apply(id: string, event: ExecutionEvent): Promise<Result<ExecutionState>> {
    const run = async (): Promise<Result<ExecutionState>> => {
      const entry = this.entries.get(id);
      if (!entry) return err('not-found', `No release execution ${id}.`);
      if (!entry.lock && event.actor !== 'capstan') await this.lock(entry);
      if (!entry.lock) return err('locked', `Release ${id} is driven by another window or process (${entry.lockedBy ?? 'unknown'}); act there.`);
      const next = applyEvent(entry.state, event);
      if (!next.ok) {
        if (event.actor !== 'capstan') {
          const rejected = recordRejection(entry.state, event, next);
          if ((await this.deps.store.save(rejected, entry.lock)).ok) entry.state = rejected;
          this.deps.onChange();
        }
        return next;
      }
      const saved = await this.deps.store.save(next.value, entry.lock);
      if (!saved.ok) {
        if (saved.error.code === 'locked') {
          entry.lockedBy = saved.error.message;
          entry.lock = undefined;
        }
        this.deps.onChange();
        return saved;
      }
      entry.state = next.value;
      this.deps.onChange();
      return ok(next.value);
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      for (const entry of this.entries.values()) if (entry.lock && entry.state.started) await this.tickExecution(entry);
    } catch (e) {
      this.deps.log?.(`[releases] executor tick failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      this.ticking = false;
    }
  }

  private async tickExecution(entry: Entry): Promise<void> {
    const id = entry.state.id;
    // Another process may have taken a stale lock over (we were suspended, or judged dead): stop
    // driving before touching a cluster, not only when the next save fails.
    if (!(await entry.lock!.verify())) {
      entry.lock = undefined;
      entry.lockedBy = 'another window or process took this release over';
      this.deps.onChange();
      return;
    }
    entry.gates ??= await this.deps.gatesOf(id);
    const clusters = new Set(entry.state.groups.filter((g) => !['pending', 'succeeded', 'rolled-back'].includes(g.phase)).map((g) => g.clusterId));
    for (const c of clusters) {
      const st = this.deps.clusterState(c);
      const known = entry.state.unreachable.includes(c);
      if (st === 'lost' && !known) await this.apply(id, { type: 'clusterLost', clusterId: c, actor: 'capstan', at: this.now() });
      if (st === 'live' && known) await this.apply(id, { type: 'clusterBack', clusterId: c, actor: 'capstan', at: this.now() });
    }
    for (const g of entry.state.groups) {
      if (entry.state.unreachable.includes(g.clusterId)) continue;
      const ev = await this.groupEvents(entry, g);
      for (const e of ev) {
        const r = await this.apply(id, e);
        if (!r.ok) break;
      }
    }
    const pods = (g: GroupExecution) => (entry.state.unreachable.includes(g.clusterId) ? undefined : this.deps.pods(g.clusterId, g.namespace, g.deployment));
    for (const e of this.health.events({ state: entry.state, pods, now: this.now(), timeScale: this.deps.timeScale ?? 1 })) {
      if (!(await this.apply(id, e)).ok) break;
    }
  }

  private async target(entry: Entry, g: GroupExecution): Promise<DriverTarget | undefined> {
    let container = entry.containers.get(g.key);
    if (!container) {
      const d = await this.deps.ops(g.clusterId).getDeployment(g.namespace, g.deployment);
      if (!d.ok) return undefined;
      container = containerFor(d.value, g.toImage) ?? containerFor(d.value, g.fromImage ?? g.toImage);
      if (!container) return undefined;
      entry.containers.set(g.key, container);
    }
    return { clusterId: g.clusterId, namespace: g.namespace, deployment: g.deployment, container };
  }

  private async groupEvents(entry: Entry, g: GroupExecution): Promise<ExecutionEvent[]> {
    const s = entry.state;
    const now = this.now();
    const updating = ['fort', 'rolling'].includes(g.phase) && g.step === 'updating';
    if (updating || g.phase === 'rolling-back') {
      const t = await this.target(entry, g);
      if (!t) return [];
      const pods = this.deps.pods(g.clusterId, g.namespace, g.deployment);
      if (updating && pods && entry.gates) {
        // New pods that crash or get OOMKilled fail the batch while it is still rolling out: waiting
        // for them to become available would only end in ProgressDeadlineExceeded.
        const memory = rememberBatch(entry.batches, s, g, pods, now);
        const failed = checkEvents({ state: s, g, gates: entry.gates, pods, memory, now, timeScale: this.deps.timeScale ?? 1 }).events.find((e) => e.type === 'gateFailed');
        if (failed) return [failed];
      }
      let r;
      if (g.phase === 'rolling-back') {
        r = await this.deps.driver.rollbackStep(t, { releaseId: s.id, fromImage: g.fromImage ?? g.toImage, toImage: g.toImage });
      } else {
        const goal = goalForGroup(s, g, this.deps.windowSec);
        if (!goal) return [{ type: 'fail', group: g.key, detail: 'no container of this Deployment runs the release repository', actor: 'capstan', at: now }];
        // Already on the target (e.g. FAT got it earlier): let the driver only confirm the rollout is complete.
        if (goal.fromImage === goal.toImage) goal.last = true;
        r = await this.deps.driver.step(t, goal);
      }
      if (!r.ok) return [];
      const e = eventForOutcome(g, r.value, now);
      return e ? [e] : [];
    }
    if (g.step === 'checking' && ['fort', 'baking', 'rolling'].includes(g.phase)) {
      const pods = this.deps.pods(g.clusterId, g.namespace, g.deployment);
      if (!pods || !entry.gates) return [];
      const memory = rememberBatch(entry.batches, s, g, pods, now);
      return checkEvents({ state: s, g, gates: entry.gates, pods, memory, now, timeScale: this.deps.timeScale ?? 1 }).events;
    }
    if ((g.phase === 'paused' && g.pausedFrom?.step === 'updating') || g.phase === 'aborted') await this.hold(entry, g);
    else entry.batches.delete(batchKey(g));
    return [];
  }

  /** Stop the controller mid-batch: pause a Deployment this release is moving. */
  private async hold(entry: Entry, g: GroupExecution): Promise<void> {
    const k = `${g.key}@${g.changedAt}`;
    if (entry.held.has(k)) return;
    const ops = this.deps.ops(g.clusterId);
    const d = await ops.getDeployment(g.namespace, g.deployment);
    if (!d.ok) return;
    if (d.value.metadata.annotations?.[ANN.release] === entry.state.id && !d.value.spec?.paused) {
      const p = await ops.patchDeployment(g.namespace, g.deployment, { spec: { paused: true } }, { resourceVersion: d.value.metadata.resourceVersion });
      if (!p.ok) return;
    }
    entry.held.add(k);
  }

  exportHistory(id: string, format: 'json' | 'csv'): Result<string> {
    const e = this.entries.get(id);
    if (!e) return err('not-found', `No release execution ${id}.`);
    return ok(format === 'json' ? historyToJson(e.state) : historyToCsv(e.state));
  }

  async dispose(): Promise<void> {
    await this.chain;
    for (const e of this.entries.values()) await e.lock?.release();
  }
}
