/**
 * The executor loop: drives every execution this process holds the lock of. Each tick, per group:
 * first the watch (deployment-watch.ts: a change nobody here made pauses the group); then
 * updating → one batch-driver step (the original settings are recorded before the first);
 * rolling back → one rollback step; checking → health and soak (executor-checks.ts); aborted →
 * the Deployment is handed back once, and that is recorded on the group: an abort loaded from the
 * record with its hand-back not recorded (Capstan died in between) is taken at load like a running
 * release, and the hand-back is the first thing done. A paused group needs nothing: the Deployment rests at a
 * batch boundary by construction (batch-driver.ts). Every outcome becomes a reducer event, applied
 * one at a time and saved before the next (ExecutionStore, atomic). Loaded executions that were
 * running get `recovered`: they wait for a person to resume. Events computed from a state that
 * moved meanwhile are refused by the reducer and dropped, which is the point of the reducer.
 */
import { applyEvent, batchLabel, handedBackNote, isHandedBackToTeam, recordRejection } from '../../src-shared/releases/execution';
import {
  TERMINAL_STATUSES,
  type ExecutionEvent,
  type ExecutionState,
  type GroupExecution,
} from '../../src-shared/releases/execution-model';
import { isTerminal } from '../../src-shared/releases/execution-schedule';
import { historyToCsv, historyToJson } from '../../src-shared/releases/history-export';
import type { EffectiveGates } from '../../src-shared/releases/plan';
import { err, ok, type Result } from '../../src-shared/result';
import type { PodSummary } from '../../src-shared/workloads/contract';
import { liveOriginal } from './batch-decide';
import type { BatchDriver, DriverTarget } from './batch-driver';
import { DeploymentWatch } from './deployment-watch';
import { previewedPatch } from './deployment-batch-driver';
import type { ExecutionLock } from './execution-lock';
import type { ExecutionRecords } from './execution-records';
import { batchKey, checkEvents, rememberBatch, type BatchMemory } from './executor-checks';
import { acceptableBatch, containerFor, eventForOutcome, goalForGroup, handBackPlan, type HandBackOutcome } from './executor-glue';
import type { KubeClusterOps } from './kube-cluster-ops';
import { StageHealthWatch } from './stage-health';

export interface ExecutorDeps {
  /** Records and locks: the local file, or (team releases) the Lease and the record in the home cluster. */
  store: ExecutionRecords;
  driver: BatchDriver;
  ops: (clusterId: string) => KubeClusterOps;
  /** Pods of a Deployment as the board sees them; undefined when the cluster is not live. */
  pods: (clusterId: string, namespace: string, deployment: string) => PodSummary[] | undefined;
  /** 'lost' once a cluster is stale or in error (a short reconnect is not a loss). */
  clusterState: (clusterId: string) => 'live' | 'lost' | 'unknown';
  gatesOf: (executionId: string) => Promise<EffectiveGates>;
  owner: string;
  /**
   * Team releases: the longest a step's requests to one cluster may take (default the renew
   * deadline, 10 s): a cluster this process cannot reach holds one step that long at most, and no
   * write is sent after the lock's fence (its signal) has fallen.
   */
  stepTimeoutMs?: number;
  now?: () => number;
  timeScale?: number;
  onChange: () => void;
  /** After each saved event (release-events.ts turns it into Kubernetes Events); must not block. */
  onApplied?: (prev: ExecutionState, event: ExecutionEvent, next: ExecutionState) => void;
  log?: (m: string) => void;
}

interface Entry {
  state: ExecutionState;
  lock?: ExecutionLock;
  lockedBy?: string;
  /** This process drove it and lost it (taken over, or its Lease could not be renewed): it writes nothing. */
  lost?: string;
  gates?: EffectiveGates;
  containers: Map<string, string>;
  batches: Map<string, BatchMemory>;
  /** Loaded from disk or the cluster aborted: a hand-back done now completes an abort decided before. */
  abortedBefore?: boolean;
  /** Groups a person resumed after a drift: the next step may re-assert the hold settings. */
  reassert: Set<string>;
}

const REASSERT_ON: readonly ExecutionEvent['type'][] = ['resume', 'acceptProgress', 'retry', 'rollback'];
/** Groups whose Deployment the executor watches: moving, checking, or paused mid-release. */
const watched = (g: GroupExecution) =>
  ['fort', 'baking', 'rolling'].includes(g.phase) || (g.phase === 'paused' && g.pausedFrom?.phase !== 'pending');

export class Executor {
  readonly entries = new Map<string, Entry>();
  private readonly watch = new DeploymentWatch();
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
      const finished =
        !state.groups.some((g) => g.phase !== 'pending' && !isTerminal(g)) &&
        !['running', 'awaiting-approval', 'baking', 'degraded'].includes(state.status);
      // A team release is driven by whoever holds its Lease: taken back at launch only when this
      // Capstan handed it back itself (a restart); otherwise read-only until a person acts on it.
      // An abort whose hand-back is not recorded is not finished: the driver completes it first.
      // One handed back to the team on purpose is not taken back by a restart either.
      const keep = (!finished || handBackDue(state)) && !(state.home && isHandedBackToTeam(state));
      const entry = await this.adopt(state, !keep ? false : state.home ? 'reclaim' : true);
      entry.abortedBefore = entry.state.aborted;
      const running = state.started && !state.aborted && !state.stopped && !['succeeded', 'rolled-back', 'failed'].includes(state.status);
      if (entry.lock && running) await this.apply(state.id, { type: 'recovered', actor: 'capstan', at: this.now() });
    }
    this.deps.onChange();
  }

  async adopt(state: ExecutionState, lock: boolean | 'reclaim' = true): Promise<Entry> {
    const entry: Entry = { state, containers: new Map(), batches: new Map(), reassert: new Set(), abortedBefore: state.aborted };
    this.entries.set(state.id, entry);
    if (lock) await this.lock(entry, false, lock === 'reclaim');
    return entry;
  }

  private async lock(entry: Entry, takeOver = false, reclaim = false): Promise<void> {
    const r = await this.deps.store.acquire(entry.state, this.deps.owner, { takeOver, reclaim });
    if (r.ok) {
      entry.lock = r.value.lock;
      entry.lockedBy = undefined;
      entry.lost = undefined;
      // The record in the cluster is the truth: a take-over continues from the batch it recorded.
      if (r.value.state) {
        entry.state = r.value.state;
        entry.abortedBefore = r.value.state.aborted;
      }
      r.value.lock.onLost = () => {
        entry.lost = r.value.lock.lostReason ?? 'this process lost the release';
        this.deps.onChange();
      };
    } else entry.lockedBy = r.error.message;
  }

  /**
   * Take over a team release whose holder's Lease expired (the person confirmed): this process
   * takes the Lease, continues from the recorded state, and says so in the history.
   */
  takeOver(id: string, previous: string): Promise<Result<ExecutionState>> {
    const run = async (): Promise<Result<{ state: ExecutionState; taken: boolean }>> => {
      const entry = this.entries.get(id);
      if (!entry) return err('not-found', `No release execution ${id}.`);
      if (!entry.state.home) return err('invalid-transition', `Release ${id} is local only: there is no Lease to take over.`);
      if (entry.lock) return ok({ state: entry.state, taken: false });
      await this.lock(entry, true);
      if (!entry.lock) return err('locked', entry.lockedBy ?? `Release ${id} could not be taken over.`);
      return ok({ state: entry.state, taken: true });
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p.then(async (taken): Promise<Result<ExecutionState>> => {
      if (!taken.ok) return taken;
      const r = ok(taken.value.state);
      if (!taken.value.taken) return r;
      const g = r.value.groups.find((x) => x.phase !== 'pending' && !isTerminal(x)) ?? r.value.groups[0];
      if (!g) return r;
      const where = `${g.phase}${g.phase === 'rolling' || g.phase === 'fort' ? `, ${batchLabel(g, g.batch)} ${g.step}` : ''}`;
      const noted = await this.apply(id, {
        type: 'note',
        group: g.key,
        detail: `taken over from ${previous}; continues from the recorded state: ${where}`,
        actor: this.deps.owner,
        at: this.now(),
      });
      return noted.ok ? noted : r;
    });
  }

  /**
   * Hand a team release back to the team without finishing it: paused first (groups in flight
   * hold at their batch boundary, which needs no write), then the Lease emptied (`released-by`
   * this process). Nobody drives it until someone takes it over and resumes it.
   */
  async handBackLease(id: string, actor: string): Promise<Result<ExecutionState>> {
    const entry = this.entries.get(id);
    if (!entry) return err('not-found', `No release execution ${id}.`);
    if (!entry.state.home) return err('invalid-transition', `Release ${id} is local only: it has no Lease to hand back.`);
    if (!entry.lock) return err('locked', `This window does not drive release ${id}; there is nothing to hand back.`);
    const s = entry.state;
    const moving = s.started && !s.aborted && !s.stopped && !TERMINAL_STATUSES.includes(s.status);
    if (moving) {
      const paused = await this.apply(id, { type: 'pause', note: handedBackNote(actor), actor, at: this.now() });
      if (!paused.ok) return paused;
    }
    const run = async (): Promise<Result<ExecutionState>> => {
      if (!entry.lock) return err('locked', `This window does not drive release ${id} any more; there is nothing to hand back.`);
      const released = await entry.lock.release();
      entry.lock = undefined;
      entry.lockedBy = handedBackNote(actor);
      this.deps.onChange();
      return released.ok ? ok(entry.state) : released;
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /**
   * Records read from the clusters (execution-records.ts poll): releases started elsewhere appear,
   * ones driven elsewhere follow their record live. What this process drives is never replaced.
   */
  merge(states: readonly ExecutionState[]): boolean {
    let changed = false;
    for (const state of states) {
      const entry = this.entries.get(state.id);
      if (!entry) {
        this.entries.set(state.id, { state, containers: new Map(), batches: new Map(), reassert: new Set(), abortedBefore: state.aborted });
        changed = true;
      } else if (!entry.lock && state.version >= entry.state.version && JSON.stringify(state) !== JSON.stringify(entry.state)) {
        entry.state = state;
        entry.abortedBefore = state.aborted;
        changed = true;
      }
    }
    if (changed) this.deps.onChange();
    return changed;
  }

  /**
   * Why execution `id` may not start: another started, unfinished execution moves one of its
   * Deployments (two releases on one Deployment would fight over it). Undefined when it may.
   */
  busyWith(id: string): string | undefined {
    const mine = this.entries.get(id);
    if (!mine) return undefined;
    const keys = new Set(mine.state.groups.map((g) => g.key));
    for (const [other, e] of this.entries) {
      if (other === id || !e.state.started || TERMINAL_STATUSES.includes(e.state.status)) continue;
      const shared =
        e.state.groups.find((g) => keys.has(g.key) && g.phase !== 'pending' && !isTerminal(g)) ??
        e.state.groups.find((g) => keys.has(g.key) && g.phase === 'pending');
      if (shared)
        return `Release ${other} (${e.state.status}) also releases ${shared.key}; finish, abort or roll it back before starting ${id}.`;
    }
    return undefined;
  }

  /** Apply one event and save it, serialized with every other change; rejections are recorded. */
  apply(id: string, event: ExecutionEvent): Promise<Result<ExecutionState>> {
    const run = async (): Promise<Result<ExecutionState>> => {
      const entry = this.entries.get(id);
      if (!entry) return err('not-found', `No release execution ${id}.`);
      if (!entry.lock && event.actor !== 'capstan') await this.lock(entry);
      if (!entry.lock)
        return err('locked', `Release ${id} is driven by another window or process (${entry.lockedBy ?? 'unknown'}); act there.`);
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
          if (entry.state.home) entry.lost = saved.error.message;
          entry.lock = undefined;
        }
        this.deps.onChange();
        return saved;
      }
      const prev = entry.state;
      entry.state = next.value;
      this.deps.onApplied?.(prev, event, next.value);
      if (event.actor !== 'capstan' && REASSERT_ON.includes(event.type)) {
        const key = 'group' in event ? event.group : undefined;
        for (const g of next.value.groups) if (!key || g.key === key) entry.reassert.add(g.key);
      }
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
      for (const entry of this.entries.values()) {
        // A finished team release hands its Lease back: nothing to renew forever; acting on it later
        // takes it again. An aborted one is finished once every Deployment was handed back.
        const over =
          ['succeeded', 'rolled-back'].includes(entry.state.status) || (entry.state.status === 'aborted' && !handBackDue(entry.state));
        if (entry.lock && entry.state.home && over) {
          await entry.lock.release();
          entry.lock = undefined;
          this.deps.onChange();
          continue;
        }
        if (entry.lock && entry.state.started) await this.tickExecution(entry);
      }
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
      const reason = entry.lock!.lostReason;
      entry.lock = undefined;
      entry.lockedBy = reason ?? 'another window or process took this release over';
      if (entry.state.home) entry.lost = entry.lockedBy;
      this.deps.onChange();
      return;
    }
    entry.gates ??= await this.deps.gatesOf(id);
    const clusters = new Set(
      entry.state.groups.filter((g) => !['pending', 'succeeded', 'rolled-back'].includes(g.phase)).map((g) => g.clusterId),
    );
    for (const c of clusters) {
      const st = this.deps.clusterState(c);
      const known = entry.state.unreachable.includes(c);
      if (st === 'lost' && !known) await this.apply(id, { type: 'clusterLost', clusterId: c, actor: 'capstan', at: this.now() });
      if (st === 'live' && known) await this.apply(id, { type: 'clusterBack', clusterId: c, actor: 'capstan', at: this.now() });
    }
    for (const g of entry.state.groups) {
      if (entry.state.unreachable.includes(g.clusterId)) continue;
      const drift = await this.watchGroup(entry, g);
      if (drift) {
        await this.apply(id, drift);
        continue;
      }
      const ev = await this.groupEvents(entry, g);
      for (const e of ev) {
        const r = await this.apply(id, e);
        if (!r.ok) break;
      }
    }
    const pods = (g: GroupExecution) =>
      entry.state.unreachable.includes(g.clusterId) ? undefined : this.deps.pods(g.clusterId, g.namespace, g.deployment);
    for (const e of this.health.events({ state: entry.state, pods, now: this.now(), timeScale: this.deps.timeScale ?? 1 })) {
      if (!(await this.apply(id, e)).ok) break;
    }
  }

  /** The signal every cluster request of a step carries: aborted at the Lease's fence or the step timeout. */
  private fence(entry: Entry): AbortSignal | undefined {
    const lease = entry.lock?.signal;
    if (!lease) return undefined;
    return AbortSignal.any([lease, AbortSignal.timeout(this.deps.stepTimeoutMs ?? 10_000)]);
  }

  private async target(entry: Entry, g: GroupExecution): Promise<DriverTarget | undefined> {
    let container = entry.containers.get(g.key);
    if (!container) {
      const d = await this.deps.ops(g.clusterId).getDeployment(g.namespace, g.deployment, this.fence(entry));
      if (!d.ok) return undefined;
      container = containerFor(d.value, g.toImage) ?? containerFor(d.value, g.fromImage ?? g.toImage);
      if (!container) return undefined;
      entry.containers.set(g.key, container);
    }
    return { clusterId: g.clusterId, namespace: g.namespace, deployment: g.deployment, container };
  }

  /**
   * The watch: between and during steps (soak, approval waits, paused), any change of the
   * Deployment that the executor did not write pauses the group, saying what changed and who.
   */
  private async watchGroup(entry: Entry, g: GroupExecution): Promise<ExecutionEvent | undefined> {
    const key = `${entry.state.id}/${g.key}`;
    if (!watched(g)) {
      this.watch.forget(key);
      return undefined;
    }
    const d = await this.deps.ops(g.clusterId).getDeployment(g.namespace, g.deployment, this.fence(entry));
    if (!d.ok) return undefined;
    const change = this.watch.check(key, d.value);
    if (!change) return undefined;
    const acceptBatch = await this.passedBoundary(entry, g);
    return {
      type: 'externalEdit',
      group: g.key,
      detail: `changed outside this release: ${change.detail}`,
      by: change.by,
      acceptBatch,
      actor: 'capstan',
      at: this.now(),
    };
  }

  /** When the rollout runs past this group's boundary, the batch whose end covers it (to accept it as). */
  private async passedBoundary(entry: Entry, g: GroupExecution): Promise<number | undefined> {
    const t = await this.target(entry, g);
    if (!t) return undefined;
    const o = await this.deps.driver.observe(t, g.toImage, this.fence(entry));
    if (!o.ok) return undefined;
    return acceptableBatch(g, o.value.newRS?.replicas ?? 0);
  }

  private async groupEvents(entry: Entry, g: GroupExecution): Promise<ExecutionEvent[]> {
    const s = entry.state;
    const now = this.now();
    const updating = ['fort', 'rolling'].includes(g.phase) && g.step === 'updating';
    if (updating || g.phase === 'rolling-back') {
      const t = await this.target(entry, g);
      if (!t) return [];
      if (!g.original && g.phase !== 'rolling-back') {
        // Recorded before the first write: kubectl rollout undo may wipe our annotations later.
        const o = await this.deps.driver.observe(t, g.toImage, this.fence(entry));
        if (!o.ok) return [];
        return [{ type: 'originalRecorded', group: g.key, original: liveOriginal(o.value), actor: 'capstan', at: now }];
      }
      const pods = this.deps.pods(g.clusterId, g.namespace, g.deployment);
      if (updating && pods && entry.gates) {
        // New pods that crash or get OOMKilled fail the batch while it is still rolling out: waiting
        // for them to become ready would only hold the batch forever.
        const memory = rememberBatch(entry.batches, s, g, pods, now);
        const failed = checkEvents({ state: s, g, gates: entry.gates, pods, memory, now, timeScale: this.deps.timeScale ?? 1 }).events.find(
          (e) => e.type === 'gateFailed',
        );
        if (failed) return [failed];
      }
      const reassert = entry.reassert.delete(g.key);
      let r;
      if (g.phase === 'rolling-back') {
        r = await this.deps.driver.rollbackStep(
          t,
          {
            releaseId: s.id,
            fromImage: g.fromImage ?? g.toImage,
            toImage: g.toImage,
            stepSize: Math.max(1, ...g.batches),
            original: g.original,
            by: lastActor(s, 'rollback'),
          },
          this.fence(entry),
        );
      } else {
        const goal = goalForGroup(s, g);
        if (!goal)
          return [
            {
              type: 'fail',
              group: g.key,
              detail: 'no container of this Deployment runs the release repository',
              actor: 'capstan',
              at: now,
            },
          ];
        // Already on the target (e.g. FAT got it earlier): let the driver only confirm the rollout is complete.
        if (goal.fromImage === goal.toImage) goal.last = true;
        r = await this.deps.driver.step(t, { ...goal, reassert, by: startedBy(s) }, this.fence(entry));
      }
      if (!r.ok) return [];
      if (r.value.kind === 'progressing' && r.value.wrote) this.watch.wrote(`${s.id}/${g.key}`, r.value.wrote);
      const e = eventForOutcome(g, r.value, now);
      return e ? [e] : [];
    }
    if (g.step === 'checking' && ['fort', 'baking', 'rolling'].includes(g.phase)) {
      const pods = this.deps.pods(g.clusterId, g.namespace, g.deployment);
      if (!pods || !entry.gates) return [];
      const memory = rememberBatch(entry.batches, s, g, pods, now);
      return checkEvents({ state: s, g, gates: entry.gates, pods, memory, now, timeScale: this.deps.timeScale ?? 1 }).events;
    }
    entry.batches.delete(batchKey(g));
    // A paused group needs nothing: the Deployment rests at a boundary by construction (batch-driver.ts).
    if (g.phase === 'aborted') return this.handBack(entry, g);
    return [];
  }

  /**
   * Abort gives the Deployment back: restored completely when it is not mid-way (nothing of the
   * release on it, or every pod updated); mid-way it is left held where it is (restoring the
   * original strategy would let the controller finish the rollout ungated), without our claim,
   * and the history says exactly what was left and how to go on. Done once, recorded on the group
   * (`handedBack`): until then it is due, also after a crash, and idempotent (a Deployment whose
   * claim is gone is left as it is). The write is a dry run first, then the same body at the
   * resourceVersion it was decided on (a 409 reads again at the next tick).
   */
  private async handBack(entry: Entry, g: GroupExecution): Promise<ExecutionEvent[]> {
    if (g.handedBack) return [];
    const done = (outcome: HandBackOutcome, detail: string): ExecutionEvent[] => [
      {
        type: 'handedBack',
        group: g.key,
        outcome,
        detail: entry.abortedBefore ? `${detail} (completed later: the abort was recorded, its hand-back was not)` : detail,
        actor: 'capstan',
        at: this.now(),
      },
    ];
    // The executor records the original settings before its first write: none, nothing was written.
    if (!g.original) return done('untouched', 'this release never wrote to the Deployment');
    const t = await this.target(entry, g);
    if (!t) return [];
    const ops = this.deps.ops(g.clusterId);
    const o = await this.deps.driver.observe(t, g.toImage, this.fence(entry));
    if (!o.ok) return [];
    const plan = handBackPlan(o.value, entry.state.id, g);
    if (plan.patch) {
      const p = await previewedPatch(ops, g.namespace, g.deployment, plan.patch, {
        resourceVersion: o.value.resourceVersion,
        signal: this.fence(entry),
      });
      if (!p.ok) return [];
      if (p.value.refused)
        return done('refused', `the API server refused the hand-back in a dry run, nothing was changed (${p.value.refused})`);
    }
    return done(plan.outcome, plan.note);
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

/** Who started the release (for the Deployment's change cause). */
const startedBy = (s: ExecutionState) => lastActor(s, 'start');
const lastActor = (s: ExecutionState, action: string) =>
  s.history.findLast((h) => h.result === 'ok' && h.action.split(' ')[0] === action)?.actor;

/** An aborted release with a group whose Deployment was not handed back yet (a crash in between). */
export const handBackDue = (s: ExecutionState): boolean => s.aborted && s.groups.some((g) => g.phase === 'aborted' && !g.handedBack);
