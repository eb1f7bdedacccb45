/**
 * ReleaseService: the releases feature of the main process. Plans (PlanStore), the cluster
 * snapshot (SnapshotStore), offline checks and the drift check, executions (Executor + the
 * persisted ExecutionStore) and board row actions. It keeps every cluster acquired while it runs,
 * because a release and its board look at all of them.
 *
 *   const releases = new ReleaseService({ dir, clusters });
 *   await releases.start();     // loads executions (held until a person resumes), starts the loop
 *   releases.subscribe((e) => ...); releases.check(yaml); releases.create(yaml, fingerprint) ...
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import type {
  DriftReport,
  PlanCheck,
  PlanFile,
  ReleasesEvent,
  RevisionInfo,
  RowAction,
  RowActionPlan,
  StartPreview,
  UserEvent,
} from '../../src-shared/releases/contract';
import { diffSnapshots, driftFingerprint } from '../../src-shared/releases/drift';
import { createExecution, TERMINAL_STATUSES, type ExecutionState } from '../../src-shared/releases/execution-model';
import { isTerminal } from '../../src-shared/releases/execution-schedule';
import { effectiveGates } from '../../src-shared/releases/plan';
import { parsePlanYaml, planProblemsToError } from '../../src-shared/releases/plan-yaml';
import { resolvePlan } from '../../src-shared/releases/resolve';
import { hasErrors } from '../../src-shared/releases/validate';
import { err, ok, type Result } from '../../src-shared/result';
import type { Diagnostics } from '../base/diagnostics-log';
import type { ClusterService } from '../clusters/cluster-service';
import { DeploymentBatchDriver } from './deployment-batch-driver';
import { DEFAULT_LEASE_TIMING, holderIdentity, identityAlive, type LeaseTiming } from './execution-lease';
import { holderLabel } from '../../src-shared/releases/holder-label';
import type { LockOptions } from './execution-lock';
import { ExecutionRecords, type OwnerView } from './execution-records';
import { ExecutionStore } from './execution-store';
import { Executor } from './executor';
import { KubeClusterOps } from './kube-cluster-ops';
import { PermissionChecker, permissionIssues, refusal } from './permission-check';
import { accessReviewer, whoAmI } from './permission-review';
import { PlanStore } from './plan-store';
import { kubeEventsFor, ReleaseEventRecorder } from './release-events';
import { checkPlan, draftPlan } from './plan-check';
import { PlanImageCheck, within, type ImagePresenceSource, type PlanImageCheckOptions } from './plan-image-check';
import { applyRowAction, previewRowAction, revisionsOf } from './row-actions';
import { SnapshotStore } from './snapshot-store';
import { TeamPollScheduler } from './team-poll';
import { TeamWatch } from './team-watch';
import { previewStart } from './start-preview';

export interface ReleaseServiceOptions {
  /** The app's data folder: plans in plans/, executions and the snapshot in releases/. */
  dir: string;
  clusters: ClusterService;
  now?: () => number;
  tickMs?: number;
  /** Plan seconds per real second for soak and ready deadlines (sandbox clock speed); 1 in production. */
  timeScale?: number;
  /** Lock timing (tests: a crashed process is simulated with a pid that is not alive). */
  lock?: Pick<LockOptions, 'staleMs' | 'heartbeatMs' | 'pid'>;
  /** Who acts (history "who"); default the OS user. */
  actor?: string;
  log?: (m: string) => void;
  /** The images feature: when registries are configured, a plan check asks them whether the target image is in every region its groups pull from. */
  images?: ImagePresenceSource;
  imageCheck?: PlanImageCheckOptions;
  /** Where failures that must not block a release go (Events that could not be written). */
  diagnostics?: Diagnostics;
  /**
   * Team releases (README "Team releases"): executions are owned through a Lease and recorded in
   * their home cluster, seen by every Capstan with access. Absent: every execution is local only.
   */
  team?: {
    timing?: Partial<LeaseTiming>;
    identity?: string;
    stateBudgetBytes?: number;
    /**
     * How often the team records are read while no team release is in progress anywhere we see
     * (no Lease held, none of ours unfinished) and some live cluster is not watched (its watch not
     * open yet, refused or broken); default 10 retry periods (20 s). While one is in progress,
     * every retry period.
     */
    idlePollMs?: number;
    /**
     * The idle period while every live cluster's team records and Leases are watched (a change
     * there is read within `watchDebounceMs`): the poll is then only a fallback. Default 60 s.
     */
    watchedIdlePollMs?: number;
    /** How long after a watch event the records are read (a burst, one read). Default 200 ms. */
    watchDebounceMs?: number;
    /** false: no watch, the poll alone (tests prove the watch this way). Default true. */
    watch?: boolean;
  };
}

/** What the renderer is told about a team release's ownership. */
export type OwnerInfo = OwnerView & { lost?: string };

export class ReleaseService {
  readonly snapshots: SnapshotStore;
  readonly plans: PlanStore;
  readonly executor: Executor;
  private readonly listeners = new Set<(e: ReleasesEvent) => void>();
  private readonly releases: (() => void)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private notifyTimer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly actor: string;
  private readonly imageCheck: PlanImageCheck | undefined;
  readonly permissions: PermissionChecker;
  /** Each release action as a Kubernetes Event on its Deployment (best effort, never blocking). */
  readonly kubeEvents: ReleaseEventRecorder;
  private readonly records: ExecutionRecords;
  private readonly timing: LeaseTiming;
  private owners = new Map<string, OwnerView>();
  private pollScheduler: TeamPollScheduler | undefined;
  private teamWatch: TeamWatch | undefined;
  private offClusters: (() => void) | undefined;
  /** This process's holder identity for team releases (user@host/pid-random). */
  readonly identity: string;
  private teamProblems: string[] = [];

  constructor(private readonly opts: ReleaseServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.actor = opts.actor ?? safeUser();
    this.imageCheck = opts.images ? new PlanImageCheck(opts.images, { now: this.now, ...opts.imageCheck }) : undefined;
    mkdirSync(join(opts.dir, 'releases', 'executions'), { recursive: true });
    this.snapshots = new SnapshotStore(join(opts.dir, 'releases', 'snapshot.json'), opts.clusters, this.now);
    this.snapshots.onDidChange = () => this.notify();
    this.plans = new PlanStore(join(opts.dir, 'plans'));
    this.permissions = new PermissionChecker(accessReviewer(opts.clusters), whoAmI(opts.clusters), {
      now: this.now,
      reachable: (id) => opts.clusters.get(id)?.state === 'live',
    });
    const local = new ExecutionStore(join(opts.dir, 'releases', 'executions'), opts.lock);
    this.identity = opts.team?.identity ?? holderIdentity(opts.actor);
    if (opts.team) identityAlive(this.identity, true);
    this.timing = { ...DEFAULT_LEASE_TIMING, ...opts.team?.timing };
    const store = new ExecutionRecords(
      local,
      opts.team && {
        api: (id) => opts.clusters.connection(id),
        identity: this.identity,
        timing: this.timing,
        planOf: (id) => this.plans.executionPlan(id),
        keepPlan: (id, yaml) => this.plans.saveExecutionPlan(id, yaml),
        now: this.now,
        log: opts.log,
        stateBudgetBytes: opts.team.stateBudgetBytes,
      },
    );
    this.records = store;
    const ops = new Map<string, KubeClusterOps>();
    const opsFor = (id: string) => ops.get(id) ?? (ops.set(id, new KubeClusterOps(() => opts.clusters.connection(id), id)), ops.get(id)!);
    this.opsFor = opsFor;
    this.kubeEvents = new ReleaseEventRecorder(opsFor, { diagnostics: opts.diagnostics, now: this.now });
    const driver = `${this.actor}@${hostname()}`;
    this.driver = new DeploymentBatchDriver(opsFor);
    this.executor = new Executor({
      store,
      driver: this.driver,
      ops: opsFor,
      pods: (clusterId, namespace, deployment) => {
        if (opts.clusters.get(clusterId)?.state !== 'live') return undefined;
        return opts.clusters
          .workloads(clusterId)
          ?.podList()
          .filter((p) => p.namespace === namespace && p.deployment === deployment);
      },
      clusterState: (id) => {
        const st = opts.clusters.get(id)?.state;
        return st === 'live' ? 'live' : st === 'stale' || st === 'error' ? 'lost' : 'unknown';
      },
      gatesOf: async (id) => {
        const plan = parsePlanYaml((await this.plans.executionPlan(id)) ?? '');
        return effectiveGates(plan.ok ? plan.plan.gates : undefined);
      },
      owner: `${this.actor} (pid ${process.pid})`,
      stepTimeoutMs: this.timing.renewDeadlineMs,
      now: this.now,
      timeScale: opts.timeScale,
      onChange: () => this.notify(),
      onApplied: (prev, event, next) => this.kubeEvents.record(kubeEventsFor(prev, event, next, driver)),
      log: opts.log,
    });
  }

  private readonly opsFor: (id: string) => KubeClusterOps;
  private readonly driver: DeploymentBatchDriver;

  async start(): Promise<void> {
    await this.executor.load();
    if (
      [...this.executor.entries.values()].some((e) => e.state.started && !['succeeded', 'rolled-back', 'aborted'].includes(e.state.status))
    )
      this.acquireAll();
    const tick = () => {
      this.timer = setTimeout(() => void this.executor.tick().finally(() => this.timer !== undefined && tick()), this.opts.tickMs ?? 1000);
      this.timer.unref();
    };
    tick();
    if (this.opts.team) this.poll();
  }

  /**
   * The team records and Leases of every live cluster: releases started elsewhere appear, those
   * driven elsewhere follow live, with their holder and last renewal. Read when a watch sees a
   * record or a Lease's holder change (team-watch.ts), every retry period while a team release is
   * in progress (renewals and expiry), and otherwise every idle period as the fallback.
   */
  private poll(): void {
    const team = this.opts.team!;
    const live = () => this.opts.clusters.ids().filter((id) => this.opts.clusters.get(id)?.state === 'live');
    const round = async () => {
      const ids = live();
      this.teamWatch?.sync(ids);
      const cached = (id: string) => this.executor.entries.get(id)?.state.version;
      const r = await this.records.poll(ids, cached);
      if (JSON.stringify(r.problems) !== JSON.stringify(this.teamProblems)) {
        this.teamProblems = r.problems;
        this.notify();
      }
      const before = JSON.stringify([...this.owners]);
      for (const id of r.answered) for (const [k, v] of this.owners) if (v.home === id && !r.owners.has(k)) this.owners.delete(k);
      for (const [k, v] of r.owners) this.owners.set(k, v);
      const changed = this.executor.merge(r.states);
      if (!changed && before !== JSON.stringify([...this.owners])) this.notify();
    };
    const scheduler = new TeamPollScheduler({
      round,
      period: () => {
        if (this.teamActive()) return this.timing.retryPeriodMs;
        const idle = team.idlePollMs ?? 10 * this.timing.retryPeriodMs;
        return this.teamWatch?.up(live()) ? Math.max(idle, team.watchedIdlePollMs ?? 60_000) : idle;
      },
      debounceMs: team.watchDebounceMs ?? 200,
      log: this.opts.log,
    });
    this.pollScheduler = scheduler;
    if (team.watch !== false) {
      this.teamWatch = new TeamWatch({
        connection: (id) => this.opts.clusters.connection(id),
        onChange: () => scheduler.kick(),
        onStatus: () => scheduler.arm(),
      });
      // A cluster that becomes live (or goes away) is watched (or not) at once, not at the next read.
      this.offClusters = this.opts.clusters.onDidChangeClusters(() => this.teamWatch?.sync(live()));
    }
    scheduler.start();
  }

  /**
   * A team release is in progress where we look: a Lease has a holder (renewals and expiry are
   * followed every retry period), or one of the executions we know is started and not finished.
   * Otherwise reading every cluster's records every 2 s changes nothing on screen and was the
   * largest idle cost of the main process (8 HTTPS requests a retry period at 4 clusters, ~0.25 %
   * of a core, and the garbage that later costs a full collection): a release a teammate starts
   * then shows through the watch (or, without one, within the idle period), and from its Lease on
   * is followed at the usual pace.
   */
  private teamActive(): boolean {
    for (const o of this.owners.values()) if (o.holder) return true;
    for (const e of this.executor.entries.values())
      if (e.state.home && e.state.started && !TERMINAL_STATUSES.includes(e.state.status)) return true;
    return false;
  }

  /**
   * Connections stay lazy until releases are looked at or run: then every cluster is needed (the
   * board spans them all), including ones added to the kubeconfig later.
   */
  private acquireAll(): void {
    const acquired = new Set<string>();
    const sync = () => {
      for (const id of this.opts.clusters.ids()) {
        if (acquired.has(id)) continue;
        acquired.add(id);
        this.releases.push(this.opts.clusters.acquire(id));
      }
    };
    if (this.releases.length > 0) return;
    this.releases.push(this.opts.clusters.onDidChangeClusters(sync));
    sync();
  }

  subscribe(listener: (e: ReleasesEvent) => void): () => void {
    this.acquireAll();
    this.listeners.add(listener);
    listener(this.event());
    return () => this.listeners.delete(listener);
  }

  event(): ReleasesEvent {
    const snap = this.snapshots.get();
    const lockedElsewhere: Record<string, string> = {};
    const owners: Record<string, OwnerInfo> = {};
    for (const [id, e] of this.executor.entries) {
      if (!e.lock && e.lockedBy) lockedElsewhere[id] = e.lockedBy;
      const o = this.owners.get(id);
      if (o || e.lost)
        owners[id] = {
          ...(o ?? { home: e.state.home ?? '', holder: '', holderLabel: 'nobody', mine: false, durationSec: 0, expired: true }),
          ...(e.lost ? { lost: e.lost, mine: false } : {}),
        };
    }
    return {
      executions: [...this.executor.entries.values()].map((e) => recentHistory(e.state)).sort((a, b) => b.createdAt - a.createdAt),
      lockedElsewhere,
      owners,
      teamReleases: this.opts.team !== undefined,
      snapshot: snap.clusters.map((c) => ({
        clusterId: c.clusterId,
        datacenter: c.datacenter,
        takenAt: c.takenAt,
        deployments: c.deployments.length,
        live: this.snapshots.isLive(c.clusterId),
      })),
      problems: [...this.executor.problems, ...this.teamProblems, ...(this.snapshots.problem ? [this.snapshots.problem] : [])],
    };
  }

  private notify(): void {
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      const e = this.event();
      for (const l of this.listeners) l(e);
    }, 100);
  }

  listPlans(): Promise<PlanFile[]> {
    return this.plans.list();
  }

  async savePlan(yaml: string): Promise<Result<PlanFile>> {
    await this.snapshots.refresh();
    return this.plans.save(yaml, this.snapshots.get());
  }

  /** A live cluster not captured yet (just connected) is taken in before checking against the snapshot. */
  private async captureNewClusters(): Promise<void> {
    const have = new Set(this.snapshots.get().clusters.map((c) => c.clusterId));
    if (this.opts.clusters.ids().some((id) => !have.has(id) && this.snapshots.isLive(id))) await this.snapshots.refresh();
  }

  async check(yaml: string): Promise<PlanCheck> {
    await this.captureNewClusters();
    const check = checkPlan(yaml, this.snapshots.get(), this.now());
    return this.withPermissions(yaml, this.imageCheck ? await this.imageCheck.apply(check) : check);
  }

  /** The planner shows missing permissions before Start: each one an error, with a Role to ask for. */
  private async withPermissions(yaml: string, check: PlanCheck): Promise<PlanCheck> {
    const parsed = parsePlanYaml(yaml);
    if (!parsed.ok) return check;
    const targets = resolvePlan(parsed.plan, this.snapshots.get()).stages.flat();
    if (!targets.length) return check;
    const permissions = await this.permissions.check(targets, false, this.opts.team ? undefined : null);
    const issues = permissionIssues(permissions);
    return { ...check, ok: check.ok && !issues.some((i) => i.severity === 'error'), issues: [...check.issues, ...issues], permissions };
  }

  /** Current answers (no cache) for the groups a start or resume will move; the refusal message, if any. */
  private async refusedFor(state: ExecutionState, what: string): Promise<string | undefined> {
    const groups = state.groups.filter((g) => !isTerminal(g));
    return refusal(await this.permissions.check(groups, true, state.home ?? null), what);
  }

  async draft(app: string, tag: string): Promise<Result<{ yaml: string }>> {
    await this.captureNewClusters();
    return draftPlan(app, tag, this.snapshots.get(), this.now());
  }

  /** Differences between the snapshot the plan was saved with (or the shared one) and live state. */
  async drift(yaml: string): Promise<Result<DriftReport>> {
    const parsed = parsePlanYaml(yaml);
    if (!parsed.ok) return { ok: false, error: planProblemsToError(parsed.problems) };
    const base = (await this.plans.snapshotOf(parsed.plan.name)) ?? this.snapshots.get();
    const { snapshot: live, unreachable } = this.snapshots.live();
    const only = new Set(
      resolvePlan(parsed.plan, base)
        .stages.flat()
        .map((t) => t.key),
    );
    const items = diffSnapshots(base, live, { only });
    return ok({ items, fingerprint: driftFingerprint(items), unreachable });
  }

  /** `localOnly`: today's behaviour, on this machine alone (teammates cannot see or take it over). */
  async create(yaml: string, signedDrift: string, opts: { localOnly?: boolean } = {}): Promise<Result<{ id: string }>> {
    const parsed = parsePlanYaml(yaml);
    if (!parsed.ok) return { ok: false, error: planProblemsToError(parsed.problems) };
    const drift = await this.drift(yaml);
    if (!drift.ok) return drift;
    if (drift.value.unreachable.length)
      return err(
        'cluster-unreachable',
        `Clusters ${drift.value.unreachable.join(', ')} are not live; a release starts only against live state.`,
      );
    if (drift.value.fingerprint !== signedDrift)
      return err(
        'stale-state',
        `The drift between the plan's snapshot and live state changed (${drift.value.items.length} difference(s) now); run the drift check again and sign it off.`,
      );
    await this.snapshots.refresh();
    const live = this.snapshots.get();
    const check = checkPlan(yaml, live, this.now());
    if (hasErrors(check.issues))
      return err(
        'plan-invalid',
        `The plan does not validate against live state: ${check.issues
          .filter((i) => i.severity === 'error')
          .map((i) => i.message)
          .join(' ')}`,
      );
    // The planner disables Start while an image is missing, but a start is checked on its own: a
    // push or replication may have changed since the check the person saw.
    if (this.imageCheck) {
      const images = await this.imageCheck.apply(check);
      const missing = images.issues.filter((i) => i.path === 'image' && i.severity === 'error');
      if (missing.length) return err('plan-invalid', `The release was not started: ${missing.map((i) => i.message).join(' ')}`);
    }
    const denied = refusal(
      await this.permissions.check(resolvePlan(parsed.plan, live).stages.flat(), true, this.homeFor(opts)),
      'The release was',
    );
    if (denied) return err('cluster-forbidden', denied);
    const at = this.now();
    // Two creates in the same second must not collide: a random suffix, checked against what is known.
    let id: string;
    do
      id = `${parsed.plan.name.replace(/[^A-Za-z0-9._-]/g, '_')}-${new Date(at)
        .toISOString()
        .replace(/[-:.TZ]/g, '')
        .slice(0, 14)}-${randomBytes(3).toString('hex')}`;
    while (this.executor.entries.has(id));
    const state: ExecutionState = createExecution(id, parsed.plan, resolvePlan(parsed.plan, live).stages, at);
    // The home of a team release: the cluster of its first group, where the release begins (README "Team releases").
    if (this.opts.team && !opts.localOnly && state.groups[0]) state.home = state.groups[0].clusterId;
    await this.plans.saveExecutionPlan(id, yaml);
    this.acquireAll();
    const entry = await this.executor.adopt(state);
    if (!entry.lock) {
      this.executor.entries.delete(id);
      return err('locked', entry.lockedBy ?? `Release ${id} is locked.`);
    }
    if (state.home) {
      // Recorded at once, so teammates see the release (and its holder) before it starts.
      const saved = await this.records.save(state, entry.lock);
      if (!saved.ok) {
        await entry.lock.release();
        this.executor.entries.delete(id);
        return err(
          saved.error.code,
          `The release was not created: ${saved.error.message} To run it on this machine alone, choose local only.`,
          { clusterId: state.home },
        );
      }
    }
    this.notify();
    return ok({ id });
  }

  /** The start confirmation: every group's first write, as a dry run against live state (start-preview.ts). */
  async previewStart(yaml: string, opts: { localOnly?: boolean } = {}): Promise<Result<StartPreview>> {
    const parsed = parsePlanYaml(yaml);
    if (!parsed.ok) return { ok: false, error: planProblemsToError(parsed.problems) };
    await this.snapshots.refresh();
    const targets = resolvePlan(parsed.plan, this.snapshots.get()).stages;
    const state = createExecution(`${parsed.plan.name}-preview`, parsed.plan, targets, this.now());
    // The confirmation asks the permissions again, uncached, as create and start will: a permission
    // taken away since the planner's check is named in the dialog, before anyone clicks Start.
    const [preview, permissions] = await Promise.all([
      previewStart(state, this.driver, this.opsFor),
      this.permissions.check(targets.flat(), true, this.homeFor(opts)),
    ]);
    const refused = refusal(permissions, 'The release would be');
    return preview.ok && refused ? ok({ ...preview.value, refusedPermissions: refused }) : preview;
  }

  /** Where a new release's Lease and record would live: the first group's cluster (undefined), or nowhere when local only. */
  private homeFor(opts: { localOnly?: boolean }): null | undefined {
    return this.opts.team && !opts.localOnly ? undefined : null;
  }

  /** The stage approval's preview: the first write of every group the approval starts, as a dry run now. */
  async previewStage(id: string): Promise<Result<StartPreview>> {
    const state = this.executor.entries.get(id)?.state;
    if (!state) return err('not-found', `No release execution ${id}.`);
    return previewStart(state, this.driver, this.opsFor, (g) => g.stageIndex === state.stageIndex && g.phase === 'pending');
  }

  async act(id: string, event: UserEvent): Promise<Result<ExecutionState>> {
    if (event.type === 'start') {
      const busy = this.executor.busyWith(id);
      if (busy) return err('conflict', busy);
    }
    const state = this.executor.entries.get(id)?.state;
    if (state && (event.type === 'start' || event.type === 'resume')) {
      // Permissions first: a missing one refuses here, before the executor writes anything.
      const denied = await this.refusedFor(state, event.type === 'start' ? `Starting ${id} was` : `Resuming ${id} was`);
      if (denied) return err('cluster-forbidden', denied);
    }
    return this.executor.apply(id, { ...event, actor: this.actor, at: this.now() });
  }

  /**
   * Take over a team release whose holder's Lease has expired (after the person confirmed what the
   * renderer showed: who held it, since when, where it stopped). Continues from the recorded batch.
   */
  async takeOver(id: string): Promise<Result<ExecutionState>> {
    const entry = this.executor.entries.get(id);
    if (!entry) return err('not-found', `No release execution ${id}.`);
    const o = this.owners.get(id);
    // A Lease handed back (empty holder) may be taken at once; a held one only once it expired.
    if (o && o.holder && !o.expired && !o.mine)
      return err(
        'locked',
        `Release ${id} is driven by ${o.holderLabel}, whose Lease is still renewed (last renewal ${o.renewedAt ? new Date(o.renewedAt).toISOString() : 'unknown'}); it cannot be taken over.`,
      );
    this.acquireAll();
    const previous = o?.holder
      ? `${o.holderLabel}, whose Lease had expired`
      : o?.releasedBy
        ? `${holderLabel(o.releasedBy)}, who had handed it back`
        : 'its former holder';
    const r = await this.executor.takeOver(id, previous);
    this.notify();
    return r;
  }

  /**
   * Give a team release this process drives back to the team without finishing it (the person
   * confirmed what the renderer showed): the release is paused where it is, and the Lease is
   * emptied, so a teammate takes it over (and resumes it) without waiting for it to expire.
   */
  async handBack(id: string): Promise<Result<ExecutionState>> {
    const r = await this.executor.handBackLease(id, this.actor);
    this.notify();
    return r;
  }

  async stopTheLine(note?: string): Promise<Result<{ stopped: string[] }>> {
    const stopped: string[] = [];
    for (const [id, e] of this.executor.entries) {
      if (!e.lock || !e.state.started || e.state.aborted || e.state.stopped?.kind === 'stop-the-line') continue;
      if (TERMINAL_STATUSES.includes(e.state.status)) continue;
      const r = await this.executor.apply(id, { type: 'stopTheLine', note, actor: this.actor, at: this.now() });
      if (r.ok) stopped.push(id);
    }
    return ok({ stopped });
  }

  exportHistory(id: string, format: 'json' | 'csv'): Result<string> {
    return this.executor.exportHistory(id, format);
  }

  async revisions(clusterId: string, namespace: string, name: string): Promise<Result<RevisionInfo[]>> {
    const r = await revisionsOf(this.opsFor(clusterId), namespace, name);
    return r.ok ? ok(r.value.revisions) : r;
  }

  /** A cluster that has not synced since launch is known only from the snapshot: nothing is acted on. */
  private notSynced(clusterId: string): Result<never> | undefined {
    const st = this.opts.clusters.get(clusterId)?.state;
    if (st === 'live' || st === 'reconnecting' || st === 'stale') return undefined;
    return err(
      'cluster-unreachable',
      `Cluster ${clusterId} has not synced since launch: the board shows its last known state only. Wait until it is live, then try again.`,
      { clusterId },
    );
  }

  previewRow(action: RowAction): Promise<Result<RowActionPlan>> {
    const refused = this.notSynced(action.clusterId);
    if (refused) return Promise.resolve(refused);
    const ops = this.opsFor(action.clusterId);
    return previewRowAction(ops, ops.dryRun(), action, this.now());
  }

  applyRow(action: RowAction, generation: string): Promise<Result<RowActionPlan>> {
    const refused = this.notSynced(action.clusterId);
    if (refused) return Promise.resolve(refused);
    return applyRowAction(this.opsFor(action.clusterId), action, generation, this.now());
  }

  async dispose(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pollScheduler?.dispose();
    this.teamWatch?.dispose();
    this.teamWatch = undefined;
    this.offClusters?.();
    identityAlive(this.identity, false);
    clearTimeout(this.notifyTimer);
    this.listeners.clear();
    this.snapshots.dispose();
    for (const r of this.releases.splice(0)) r();
    await this.executor.dispose();
    await within(this.kubeEvents.idle(), 2000); // Events are best effort: a dead cluster does not hold the shutdown
  }
}

/**
 * The board gets the last entries of each history (plus those that date what waits on a person);
 * the whole history stays on disk and in the export. Keeps every push small however long a
 * release ran.
 */
function recentHistory(state: ExecutionState, keep = 200): ExecutionState {
  if (state.history.length <= keep) return state;
  const needed = new Set([state.stageWaitSince, ...state.groups.map((g) => g.changedAt)]);
  const from = state.history.length - keep;
  return { ...state, history: state.history.filter((h, i) => i >= from || needed.has(h.version)) };
}

function safeUser(): string {
  try {
    return userInfo().username || 'you';
  } catch {
    return 'you';
  }
}
