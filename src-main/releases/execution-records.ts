/**
 * Where an execution's truth lives, and who may write it. A team release (`state.home` set) is
 * owned through a Lease (execution-lease.ts) and recorded in a ConfigMap (cluster-records.ts) in its
 * home cluster; the JSON file in the data folder is only a cache for viewing offline. A local-only
 * release (no `home`: chosen explicitly, or saved before team releases existed) keeps today's
 * file and lock file (execution-store.ts, execution-lock.ts), and teammates cannot see it.
 */
import type { ExecutionState } from '../../src-shared/releases/execution-model';
import { err, ok, type Result } from '../../src-shared/result';
import { ClusterRecords } from './cluster-records';
import { acquireLease, LeaseObserver, type ExecutionLease, type KubeJson, type LeaseTiming, type LeaseView } from './execution-lease';
import type { ExecutionLock } from './execution-lock';
import { holderLabel } from '../../src-shared/releases/holder-label';
import type { ExecutionStore, LoadProblem } from './execution-store';

export interface TeamOptions {
  /** The API of a cluster, when connected. */
  api: (clusterId: string) => KubeJson | undefined;
  identity: string;
  timing: LeaseTiming;
  /** The plan YAML of an execution (stored in its record for whoever takes it over) and where to keep one read from a record. */
  planOf: (id: string) => Promise<string | undefined>;
  keepPlan: (id: string, yaml: string) => Promise<void>;
  now?: () => number;
  log?: (m: string) => void;
  stateBudgetBytes?: number;
}

/** A team release's Lease as this process sees it (the renderer's holder, last renewal, read-only, take over). */
export interface OwnerView extends LeaseView {
  home: string;
  holderLabel: string;
  mine: boolean;
}

export interface Acquired {
  lock: ExecutionLock;
  /** The record in the cluster when it is newer than what this process had: continue from there. */
  state?: ExecutionState;
}

export interface PollResult {
  states: ExecutionState[];
  owners: Map<string, OwnerView>;
  problems: string[];
  /** Clusters that answered: a record missing from them is gone (deleted), not unknown. */
  answered: string[];
}

export class ExecutionRecords {
  readonly records: ClusterRecords;
  readonly observer: LeaseObserver;

  constructor(
    readonly local: ExecutionStore,
    readonly team?: TeamOptions,
  ) {
    this.records = new ClusterRecords({ stateBudgetBytes: team?.stateBudgetBytes });
    this.observer = new LeaseObserver(team?.now);
  }

  loadAll(): Promise<{ executions: ExecutionState[]; problems: LoadProblem[] }> {
    return this.local.loadAll();
  }

  private api(state: ExecutionState): Result<KubeJson> {
    const api = state.home ? this.team?.api(state.home) : undefined;
    if (!api)
      return err(
        'cluster-unreachable',
        `Release ${state.id} is coordinated through cluster ${state.home}, which is not connected; it is shown read-only until it is.`,
        { clusterId: state.home },
      );
    return ok(api);
  }

  /** The right to drive `state`'s execution: the lock file, or (team) the Lease plus the latest record. */
  async acquire(state: ExecutionState, owner: string, opts: { takeOver?: boolean; reclaim?: boolean } = {}): Promise<Result<Acquired>> {
    if (!state.home || !this.team) {
      const lock = await this.local.acquire(state.id, owner);
      return lock.ok ? ok({ lock: lock.value }) : lock;
    }
    const api = this.api(state);
    if (!api.ok) return api;
    const lease = await acquireLease(state.id, state.home, api.value, {
      identity: this.team.identity,
      timing: this.team.timing,
      observer: this.observer,
      now: this.team.now,
      takeOver: opts.takeOver,
      reclaim: opts.reclaim,
      log: this.team.log,
    });
    if (!lease.ok) return lease;
    const rec = await this.records.read(api.value, state.id, lease.value.signal);
    if (!rec.ok) {
      await lease.value.release();
      return err(rec.error.code, `Took the Lease of release ${state.id} but could not read its record: ${rec.error.message}`, {
        clusterId: state.home,
      });
    }
    if (!rec.value) return ok({ lock: lease.value });
    if (rec.value.plan && !(await this.team.planOf(state.id))) await this.team.keepPlan(state.id, rec.value.plan);
    return ok({ lock: lease.value, state: rec.value.state.version >= state.version ? rec.value.state : undefined });
  }

  /** Persist `state`: the record in the cluster (conditional on the version last seen), then the local cache. */
  async save(state: ExecutionState, lock: ExecutionLock): Promise<Result<void>> {
    if (!state.home || !this.team) return this.local.save(state, lock);
    if (lock.id !== state.id || !(await lock.verify())) {
      return err('locked', `This process no longer drives release ${state.id}: ${lock.lostReason ?? 'its Lease is not held'}.`);
    }
    const api = this.api(state);
    if (!api.ok) return api;
    const lease = lock as ExecutionLease;
    const plan = this.records.known(state.id) ? undefined : await this.team.planOf(state.id);
    const w = await this.records.write(api.value, state, { plan, holder: holderLabel(this.team.identity), signal: lease.signal });
    if (!w.ok) return w;
    await this.local.cache(state);
    return ok(undefined);
  }

  /**
   * Every team record and Lease in the given clusters (the live ones): executions started
   * elsewhere appear, with their holder; the local cache follows what was read.
   */
  async poll(clusterIds: readonly string[], cached: (id: string) => number | undefined): Promise<PollResult> {
    const out: PollResult = { states: [], owners: new Map(), problems: [], answered: [] };
    if (!this.team) return out;
    await Promise.all(
      clusterIds.map(async (clusterId) => {
        const api = this.team!.api(clusterId);
        if (!api) return;
        const listed = await this.records.list(api, AbortSignal.timeout(this.team!.timing.renewDeadlineMs));
        if (!listed.ok) {
          // Unreachable clusters are shown as such elsewhere; a refusal (RBAC) is worth saying here.
          if (listed.error.code === 'cluster-forbidden' || listed.error.code === 'cluster-unauthorized')
            out.problems.push(`Team releases in cluster ${clusterId} cannot be read: ${listed.error.message}`);
          return;
        }
        out.answered.push(clusterId);
        out.problems.push(...listed.value.problems);
        for (const { state, plan } of listed.value.records) {
          if (state.home !== clusterId) continue;
          out.states.push(state);
          if ((cached(state.id) ?? -1) < state.version) await this.local.cache(state);
          if (plan && !(await this.team!.planOf(state.id))) await this.team!.keepPlan(state.id, plan);
        }
        for (const lease of listed.value.leases) {
          const id = lease.metadata.annotations?.['capstan.io/execution'];
          if (!id) continue;
          const view = this.observer.observe(lease);
          out.owners.set(id, {
            ...view,
            home: clusterId,
            holderLabel: view.holder
              ? holderLabel(view.holder)
              : view.releasedBy
                ? `nobody (handed back by ${holderLabel(view.releasedBy)})`
                : 'nobody',
            mine: view.holder === this.team!.identity,
          });
        }
      }),
    );
    return out;
  }
}
