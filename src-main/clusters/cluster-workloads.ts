/**
 * ClusterWorkloads: the workload data of ONE cluster — reflectors for pods, deployments,
 * replicasets and nodes, whole objects kept (for YAML), summaries computed with the pure functions
 * of src-shared/workloads. Owned by ClusterService (one per connected cluster).
 *
 *   const w = new ClusterWorkloads(clusterId, connection, { clock, labelKeys, thresholds, log });
 *   w.onDidChange((change) => ...); w.onDidChangeStatus(() => ...); w.start(); ... w.stop();
 */
import type { Deployment, KubeObject, Node, Pod, ReplicaSet } from '../../src-shared/k8s/types';
import type { ProblemThresholds } from '../../src-shared/workloads/problems';
import { defaultProblemThresholds, hasProblem } from '../../src-shared/workloads/problems';
import { lastOomKill } from '../../src-shared/workloads/oom';
import type { DeploymentSummary, PodSummary, WorkloadKind } from '../../src-shared/workloads/contract';
import type { LabelKeys } from '../../src-shared/workloads/summarize';
import { controllerOf, defaultLabelKeys, lastSpecManager, summarizeDeployment, summarizePod } from '../../src-shared/workloads/summarize';
import type { ContainerInfo } from '../../src-shared/workloads/pod-containers';
import { containersOf } from '../../src-shared/workloads/pod-containers';
import type { Clock } from '../watch/clock';
import { systemClock } from '../watch/clock';
import type { ReflectorEvent, ReflectorStatus, ReflectorTransport } from '../watch/reflector';
import { Reflector } from '../watch/reflector';
import { Interner } from '../base/interner';

export type WorkloadChange =
  { kind: 'Pod'; upserts: PodSummary[]; deletes: string[] } | { kind: 'Deployment'; upserts: DeploymentSummary[]; deletes: string[] };

export interface ClusterWorkloadsOptions {
  clock?: Clock;
  random?: () => number;
  labelKeys?: LabelKeys;
  thresholds?: ProblemThresholds;
  log?: (m: string) => void;
  pageSize?: number;
}

export const requiredResources = ['pods', 'deployments', 'replicasets'] as const;
export type ResourceName = 'pods' | 'deployments' | 'replicasets' | 'nodes';

function dropManagedFields<T extends KubeObject>(o: T): T {
  if (o.metadata?.managedFields) delete o.metadata.managedFields;
  return o;
}
/** A Deployment keeps only who last wrote its spec (the board's "diverged: changed by ..."). */
function slimDeploymentFields(o: Deployment): Deployment {
  const last = lastSpecManager(o.metadata?.managedFields);
  if (o.metadata?.managedFields)
    o.metadata.managedFields = last ? [{ manager: last.manager, operation: last.operation, time: last.time }] : undefined;
  return o;
}
/** We only need a ReplicaSet's identity and owner (pod → deployment); old RSs are numerous. */
const slimReplicaSet = (o: ReplicaSet): ReplicaSet => ({
  metadata: {
    name: o.metadata.name,
    namespace: o.metadata.namespace,
    uid: o.metadata.uid,
    resourceVersion: o.metadata.resourceVersion,
    ownerReferences: o.metadata.ownerReferences,
  },
});
/** Nodes are only counted. */
const slimNode = (o: Node): Node => ({
  metadata: { name: o.metadata.name, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion },
});

/**
 * The next moment (epoch ms, > now) at which hasProblem(s, ·) can change with no change to the pod
 * itself, or undefined when it cannot (see podProblems: Pending too long, Running not ready, an OOM
 * kill leaving its window).
 */
export function nextProblemChange(s: PodSummary, now: number, t: ProblemThresholds): number | undefined {
  if (s.deleting) return undefined;
  const since = s.conditionSince ?? s.createdAt;
  let next = Infinity;
  const consider = (at: number) => {
    if (at > now && at < next) next = at;
  };
  // podProblems compares with `>`: the threshold is crossed 1 ms after since + threshold.
  if (s.phase === 'Pending') consider(since + t.pendingMs + 1);
  if (s.phase === 'Running' && !s.ready && s.status !== 'CrashLoopBackOff') consider(since + t.notReadyMs + 1);
  const oomWindow = t.oomWindowMs ?? defaultProblemThresholds.oomWindowMs!;
  const oomAt = lastOomKill(s)?.at;
  if (oomAt !== undefined && oomWindow > 0) consider(oomAt + oomWindow + 1);
  return next === Infinity ? undefined : next;
}

const nsName = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class ClusterWorkloads {
  readonly pods: Reflector<Pod>;
  readonly deployments: Reflector<Deployment>;
  readonly replicasets: Reflector<ReplicaSet>;
  readonly nodes: Reflector<Node>;
  private readonly podSummaries = new Map<string, PodSummary>();
  /**
   * uid → the pod's containers (requests, limits, restarts, states), read from the decoded pod as
   * it arrives: the one copy metrics indexes (it decoded every pod again from the store before).
   */
  private readonly podContainers = new Map<string, readonly ContainerInfo[]>();
  private readonly deploymentSummaries = new Map<string, DeploymentSummary>();
  /** ns/rsName → owning deployment name (undefined when the RS has no Deployment owner). */
  private readonly rsOwner = new Map<string, string | undefined>();
  /** ns/rsName → pod uids owned by that RS (to re-summarise pods when their RS appears). */
  private readonly podsByRs = new Map<string, Set<string>>();
  private readonly changeListeners = new Set<(c: WorkloadChange) => void>();
  private readonly statusListeners = new Set<() => void>();
  private readonly keys: LabelKeys;
  private readonly thresholds: ProblemThresholds;
  private readonly clock: Clock;
  private readonly disposers: (() => void)[] = [];

  constructor(
    readonly clusterId: string,
    transport: ReflectorTransport,
    opts: ClusterWorkloadsOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.keys = opts.labelKeys ?? defaultLabelKeys;
    this.thresholds = opts.thresholds ?? defaultProblemThresholds;
    const common = {
      transport,
      clock: opts.clock,
      random: opts.random,
      pageSize: opts.pageSize,
      log: opts.log && ((m: string) => opts.log!(`[${clusterId}] ${m}`)),
    };
    // managedFields are often the largest part of an object: drop on arrival (a Deployment keeps its last spec writer).
    this.pods = new Reflector<Pod>({ ...common, path: '/api/v1/pods', resource: 'pods', transform: dropManagedFields, pack: 'compress' });
    this.deployments = new Reflector<Deployment>({
      ...common,
      path: '/apis/apps/v1/deployments',
      resource: 'deployments',
      transform: slimDeploymentFields,
      pack: 'json',
    });
    this.replicasets = new Reflector<ReplicaSet>({
      ...common,
      path: '/apis/apps/v1/replicasets',
      resource: 'replicasets',
      transform: slimReplicaSet,
    });
    this.nodes = new Reflector<Node>({ ...common, path: '/api/v1/nodes', resource: 'nodes', transform: slimNode });
    this.disposers.push(
      this.pods.onDidChange((e) => this.onPods(e)),
      this.deployments.onDidChange((e) => this.onDeployments(e)),
      this.replicasets.onDidChange((e) => this.onReplicaSets(e)),
      this.nodes.onDidChange(() => this.fireStatus()),
    );
    for (const r of this.reflectors()) this.disposers.push(r.onDidChangeStatus(() => this.fireStatus()));
  }

  private reflectors() {
    return [this.pods, this.deployments, this.replicasets, this.nodes];
  }

  statuses(): Record<ResourceName, ReflectorStatus> {
    return {
      pods: this.pods.status(),
      deployments: this.deployments.status(),
      replicasets: this.replicasets.status(),
      nodes: this.nodes.status(),
    };
  }

  start(): void {
    for (const r of this.reflectors()) r.start();
  }
  stop(): void {
    for (const r of this.reflectors()) r.stop();
  }
  /** Retry now (skip backoff waits); data is kept and resynced by diff. */
  restart(): void {
    for (const r of this.reflectors()) r.restart();
  }
  dispose(): void {
    for (const r of this.reflectors()) r.dispose();
    for (const d of this.disposers) d();
    this.changeListeners.clear();
    this.statusListeners.clear();
  }

  onDidChange(l: (c: WorkloadChange) => void): () => void {
    this.changeListeners.add(l);
    return () => this.changeListeners.delete(l);
  }
  /** Reflector status or counts changed (not rate-limited: the caller throttles). */
  onDidChangeStatus(l: () => void): () => void {
    this.statusListeners.add(l);
    return () => this.statusListeners.delete(l);
  }

  podList(): PodSummary[] {
    return [...this.podSummaries.values()];
  }
  deploymentList(): DeploymentSummary[] {
    return [...this.deploymentSummaries.values()];
  }

  /**
   * Counts for the cluster overview. The problem count is kept up to date per pod change; pods whose
   * problem state can change with time alone (Pending or not ready towards a threshold, an OOM kill
   * leaving its window) are re-checked when their moment comes. A call costs O(1) unless such a
   * moment has passed: idle work follows changes, not the number of pods.
   */
  counts(now = this.clock.now()): { nodes: number; pods: number; deployments: number; problems: number } {
    if (now < this.lastProblemEval) {
      // The wall clock went back: re-evaluate everything once.
      for (const [uid, s] of this.podSummaries) this.evalProblem(uid, s, now);
    } else if (now >= this.nextRecheck) {
      let next = Infinity;
      for (const [uid, at] of this.recheckAt) {
        if (at <= now) {
          const s = this.podSummaries.get(uid);
          if (s) this.evalProblem(uid, s, now);
          else this.recheckAt.delete(uid);
        }
        const again = this.recheckAt.get(uid);
        if (again !== undefined && again < next) next = again;
      }
      this.nextRecheck = next;
    }
    this.lastProblemEval = now;
    return {
      nodes: this.nodes.size,
      pods: this.podSummaries.size,
      deployments: this.deploymentSummaries.size,
      problems: this.problemPods.size,
    };
  }
  /** Uids of pods with a problem at their last evaluation. */
  private readonly problemPods = new Set<string>();
  /** uid → epoch ms when that pod's problem state may change by time alone. */
  private readonly recheckAt = new Map<string, number>();
  private nextRecheck = Infinity;
  private lastProblemEval = -Infinity;

  private evalProblem(uid: string, s: PodSummary, now: number): void {
    if (hasProblem(s, now, this.thresholds)) this.problemPods.add(uid);
    else this.problemPods.delete(uid);
    const at = nextProblemChange(s, now, this.thresholds);
    if (at === undefined) this.recheckAt.delete(uid);
    else {
      this.recheckAt.set(uid, at);
      if (at < this.nextRecheck) this.nextRecheck = at;
    }
  }
  private forgetProblem(uid: string): void {
    this.problemPods.delete(uid);
    this.recheckAt.delete(uid);
  }

  /** The containers of the pod with this uid (shared, never changed: a new pod version gets a new array). */
  containersOf(uid: string): readonly ContainerInfo[] | undefined {
    return this.podContainers.get(uid);
  }

  /** Whole object by kind/namespace/name (for the YAML view). */
  findObject(kind: WorkloadKind, namespace: string, name: string): KubeObject | undefined {
    const r = kind === 'Pod' ? this.pods : this.deployments;
    return (r as Reflector<KubeObject>).findByName(namespace, name);
  }

  private fire(c: WorkloadChange): void {
    if (c.upserts.length === 0 && c.deletes.length === 0) return;
    for (const l of [...this.changeListeners]) l(c);
  }
  private fireStatus(): void {
    for (const l of [...this.statusListeners]) l();
  }

  private deploymentOfPod(pod: Pod): { rsKey?: string; deployment?: string } {
    const owner = controllerOf(pod);
    if (!owner || owner.kind !== 'ReplicaSet') return {};
    const rsKey = `${pod.metadata.namespace ?? ''}/${owner.name}`;
    if (this.rsOwner.has(rsKey)) return { rsKey, deployment: this.rsOwner.get(rsKey) };
    // RS not seen (yet, or not allowed to list): Deployment pods' RS is `<deployment>-<pod-template-hash>`.
    const hash = pod.metadata.labels?.['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) return { rsKey, deployment: owner.name.slice(0, -hash.length - 1) };
    return { rsKey };
  }

  private summarize(pod: Pod): PodSummary {
    const { rsKey, deployment } = this.deploymentOfPod(pod);
    const uid = pod.metadata.uid ?? nsName(pod);
    if (rsKey) {
      let set = this.podsByRs.get(rsKey);
      if (!set) this.podsByRs.set(rsKey, (set = new Set()));
      set.add(uid);
    }
    const s = summarizePod(this.clusterId, pod, deployment, this.keys);
    // Every pod had its own copy of these few distinct values (parsed from JSON): share one.
    s.namespace = this.intern(s.namespace);
    s.phase = this.intern(s.phase);
    s.status = this.intern(s.status);
    if (s.app !== undefined) s.app = this.intern(s.app);
    if (s.group !== undefined) s.group = this.intern(s.group);
    if (s.deployment !== undefined) s.deployment = this.intern(s.deployment);
    if (s.node !== undefined) s.node = this.intern(s.node);
    if (s.lastTerminationReason !== undefined) s.lastTerminationReason = this.intern(s.lastTerminationReason);
    // A new array of exactly the right length: the summary's was built by push (room for 16).
    s.images = s.images.map((image) => this.intern(image));
    return s;
  }

  /** Canonical copy of a low-cardinality string (namespaces, apps, nodes, images, statuses). */
  private readonly strings = new Interner(Infinity, Infinity);
  private readonly intern = (v: string): string => this.strings.of(v);

  private onPods(events: ReflectorEvent<Pod>[]): void {
    const upserts: PodSummary[] = [];
    const deletes: string[] = [];
    const now = this.clock.now();
    for (const e of events) {
      const uid = e.object.metadata.uid ?? nsName(e.object);
      if (e.type === 'upsert') {
        const s = this.summarize(e.object);
        this.podSummaries.set(uid, s);
        this.podContainers.set(uid, containersOf(e.object, this.intern, this.podContainers.get(uid)));
        this.evalProblem(uid, s, now);
        upserts.push(s);
      } else {
        this.podSummaries.delete(uid);
        this.podContainers.delete(uid);
        this.forgetProblem(uid);
        const { rsKey } = this.deploymentOfPod(e.object);
        if (rsKey) this.podsByRs.get(rsKey)?.delete(uid);
        deletes.push(uid);
      }
    }
    this.fire({ kind: 'Pod', upserts, deletes });
    this.fireStatus();
  }

  private onDeployments(events: ReflectorEvent<Deployment>[]): void {
    const upserts: DeploymentSummary[] = [];
    const deletes: string[] = [];
    for (const e of events) {
      const uid = e.object.metadata.uid ?? nsName(e.object);
      if (e.type === 'upsert') {
        const s = summarizeDeployment(this.clusterId, e.object, this.keys);
        this.deploymentSummaries.set(uid, s);
        upserts.push(s);
      } else {
        this.deploymentSummaries.delete(uid);
        deletes.push(uid);
      }
    }
    this.fire({ kind: 'Deployment', upserts, deletes });
    this.fireStatus();
  }

  private onReplicaSets(events: ReflectorEvent<ReplicaSet>[]): void {
    const upserts: PodSummary[] = [];
    for (const e of events) {
      const key = nsName(e.object);
      const owner = controllerOf(e.object);
      const dep = owner?.kind === 'Deployment' ? owner.name : undefined;
      const had = this.rsOwner.has(key);
      const before = this.rsOwner.get(key);
      if (e.type === 'upsert') this.rsOwner.set(key, dep);
      else {
        this.rsOwner.delete(key);
        continue; // pods keep their deployment name; they go away with the RS
      }
      if (had && before === dep) continue;
      // Re-summarise pods of this RS whose deployment name changes.
      for (const uid of this.podsByRs.get(key) ?? []) {
        const prev = this.podSummaries.get(uid);
        if (!prev || prev.deployment === dep) continue;
        const next = { ...prev, deployment: dep };
        this.podSummaries.set(uid, next);
        this.evalProblem(uid, next, this.clock.now());
        upserts.push(next);
      }
    }
    this.fire({ kind: 'Pod', upserts, deletes: [] });
  }
}
