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
import type { DeploymentSummary, PodSummary, WorkloadKind } from '../../src-shared/workloads/contract';
import type { LabelKeys } from '../../src-shared/workloads/summarize';
import { controllerOf, defaultLabelKeys, summarizeDeployment, summarizePod } from '../../src-shared/workloads/summarize';
import type { Clock } from '../watch/clock';
import { systemClock } from '../watch/clock';
import type { ReflectorEvent, ReflectorStatus, ReflectorTransport } from '../watch/reflector';
import { Reflector } from '../watch/reflector';

export type WorkloadChange =
  | { kind: 'Pod'; upserts: PodSummary[]; deletes: string[] }
  | { kind: 'Deployment'; upserts: DeploymentSummary[]; deletes: string[] };

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
/** We only need a ReplicaSet's identity and owner (pod → deployment); old RSs are numerous. */
const slimReplicaSet = (o: ReplicaSet): ReplicaSet => ({
  metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, ownerReferences: o.metadata.ownerReferences },
});
/** Nodes are only counted. */
const slimNode = (o: Node): Node => ({ metadata: { name: o.metadata.name, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion } });

const nsName = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class ClusterWorkloads {
  readonly pods: Reflector<Pod>;
  readonly deployments: Reflector<Deployment>;
  readonly replicasets: Reflector<ReplicaSet>;
  readonly nodes: Reflector<Node>;
  private readonly podSummaries = new Map<string, PodSummary>();
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
    const common = { transport, clock: opts.clock, random: opts.random, pageSize: opts.pageSize, log: opts.log && ((m: string) => opts.log!(`[${clusterId}] ${m}`)) };
    // managedFields are often the largest part of an object and we never show them: drop on arrival.
    this.pods = new Reflector<Pod>({ ...common, path: '/api/v1/pods', resource: 'pods', transform: dropManagedFields, pack: 'compress' });
    this.deployments = new Reflector<Deployment>({ ...common, path: '/apis/apps/v1/deployments', resource: 'deployments', transform: dropManagedFields, pack: 'json' });
    this.replicasets = new Reflector<ReplicaSet>({ ...common, path: '/apis/apps/v1/replicasets', resource: 'replicasets', transform: slimReplicaSet });
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
    return { pods: this.pods.status(), deployments: this.deployments.status(), replicasets: this.replicasets.status(), nodes: this.nodes.status() };
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
   * Counts for the cluster overview. The problem count scans every pod, so it is recomputed at most
   * every 250 ms after pod changes (and every second for time-based problems).
   */
  counts(now = this.clock.now()): { nodes: number; pods: number; deployments: number; problems: number } {
    const age = this.problemCache ? now - this.problemCache.at : Infinity;
    if (age >= 1000 || age < 0 || (this.problemsDirty && age >= 250)) {
      this.problemsDirty = false;
      let problems = 0;
      for (const p of this.podSummaries.values()) if (hasProblem(p, now, this.thresholds)) problems++;
      this.problemCache = { at: now, problems };
    }
    return { nodes: this.nodes.size, pods: this.podSummaries.size, deployments: this.deploymentSummaries.size, problems: this.problemCache?.problems ?? 0 };
  }
  private problemCache: { at: number; problems: number } | undefined;
  private problemsDirty = true;

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
    return summarizePod(this.clusterId, pod, deployment, this.keys);
  }

  private onPods(events: ReflectorEvent<Pod>[]): void {
    const upserts: PodSummary[] = [];
    const deletes: string[] = [];
    for (const e of events) {
      const uid = e.object.metadata.uid ?? nsName(e.object);
      if (e.type === 'upsert') {
        const s = this.summarize(e.object);
        this.podSummaries.set(uid, s);
        upserts.push(s);
      } else {
        this.podSummaries.delete(uid);
        const { rsKey } = this.deploymentOfPod(e.object);
        if (rsKey) this.podsByRs.get(rsKey)?.delete(uid);
        deletes.push(uid);
      }
    }
    this.problemsDirty = true;
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
        upserts.push(next);
      }
    }
    this.fire({ kind: 'Pod', upserts, deletes: [] });
  }
}
