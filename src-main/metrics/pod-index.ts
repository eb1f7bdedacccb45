/**
 * What metrics need from pod objects: per container its requests/limits, restart count, current
 * state and last terminated state, and the restarts as timeline events. A restart is an OOM kill
 * only by the shared rule (src-shared/workloads/oom.ts, reason "OOMKilled"): exit code 137 alone
 * is any SIGKILL (liveness probe, preemption, `kill -9`), so it stays a plain restart with its exit code.
 */
import type { Pod } from '../../src-shared/k8s/types';
import type { TimelineEvent } from '../../src-shared/metrics/contract';
import { parseBytes, parseCpuCores } from '../../src-shared/metrics/quantity';
import { isOomKill } from '../../src-shared/workloads/oom';

export interface Terminated { reason?: string; exitCode?: number; signal?: number; message?: string; startedAt?: string; finishedAt?: string }

export interface ContainerInfo {
  /** Container name (a pod's few containers are found by scanning, no Map per pod). */
  name: string;
  app?: string;
  /** Owning Deployment (from the ReplicaSet owner and its pod-template-hash), for aggregates. */
  deployment?: string;
  memoryRequest?: number;
  memoryLimit?: number;
  cpuRequest?: number;
  cpuLimit?: number;
  restarts: number;
  /** "running", a waiting reason (CrashLoopBackOff) or a terminated reason. */
  state?: string;
  lastTerminated?: Terminated;
  /** Epoch ms the pod was deleted: its containers' info is kept (restarts, limits) for their history. */
  deletedAt?: number;
}

/** Deleted pods whose info is kept at most (oldest dropped first), beside the age limit. */
const MAX_DELETED_PODS = 20_000;

interface ContainerSpec { name: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }
interface ContainerStatus { name: string; restartCount?: number; state?: Record<string, { reason?: string } | undefined>; lastState?: { terminated?: Terminated } }

/** A node clock ahead of ours must not put an event in the future: then we use the time we saw it. */
const MAX_FUTURE_MS = 60_000;

export function eventTime(finishedAt: string | undefined, now: number): number {
  let t = finishedAt ? Date.parse(finishedAt) : Number.NaN;
  // metav1.Time has whole seconds: the kill happened somewhere in that second, so a sample taken
  // in it belongs before the marker. Never later than when we saw it, though.
  if (finishedAt && !finishedAt.includes('.')) t += 999;
  return Number.isFinite(t) && t <= now + MAX_FUTURE_MS ? Math.min(t, now) : now;
}

/** kube names a Deployment's ReplicaSet `<deployment>-<pod-template-hash>`. */
export function deploymentOf(pod: Pod): string | undefined {
  const rs = pod.metadata.ownerReferences?.find((o) => o.kind === 'ReplicaSet' && o.controller)?.name;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  return rs && hash && rs.endsWith(`-${hash}`) ? rs.slice(0, -(hash.length + 1)) : undefined;
}

/** Only the fields of lastState.terminated we show (not the decoded object with everything else). */
function slimTerminated(t: Terminated | undefined, intern: (v: string) => string): Terminated | undefined {
  if (!t) return undefined;
  const out: Terminated = {};
  if (t.reason !== undefined) out.reason = intern(t.reason);
  if (t.exitCode !== undefined) out.exitCode = t.exitCode;
  if (t.signal !== undefined) out.signal = t.signal;
  if (t.message !== undefined) out.message = t.message;
  if (t.startedAt !== undefined) out.startedAt = t.startedAt;
  if (t.finishedAt !== undefined) out.finishedAt = t.finishedAt;
  return out;
}

/**
 * Per pod (`namespace/name`), its containers' info: at 50,000 containers a Map per pod and the
 * strings of every decoded pod (app label, Deployment name, state) were ~450 bytes a container;
 * an array per pod and shared copies of those few distinct strings are about half.
 */
export class PodIndex {
  private readonly pods = new Map<string, ContainerInfo[]>();
  /**
   * Deleted pods (by deletion, oldest first): their history stays for the horizon, and a series
   * or forensics of one must still say its restarts and limits (it said 0 and none).
   */
  private readonly deleted = new Map<string, ContainerInfo[]>();
  private readonly strings = new Map<string, string>();
  private readonly intern = (v: string): string => {
    const known = this.strings.get(v);
    if (known !== undefined) return known;
    this.strings.set(v, v);
    return v;
  };
  private readonly internOpt = (v: string | undefined): string | undefined => (v === undefined ? undefined : this.intern(v));

  /** Records the pod; returns one event per container whose restart count went up (or, on first sight, its last restart). */
  update(pod: Pod, now: number, appLabel = 'app.kubernetes.io/name'): { container: string; event: TimelineEvent }[] {
    const key = `${pod.metadata.namespace ?? ''}/${pod.metadata.name}`;
    this.deleted.delete(key); // a new pod of the same name (StatefulSet): its own info from now on
    const before = this.pods.get(key);
    const specs = (pod.spec as { containers?: ContainerSpec[] } | undefined)?.containers ?? [];
    const next: ContainerInfo[] = new Array(specs.length);
    const events: { container: string; event: TimelineEvent }[] = [];
    const statuses = ((pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? []);
    const app = this.internOpt(pod.metadata.labels?.[appLabel]);
    const deployment = this.internOpt(deploymentOf(pod));
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      const st = statuses.find((s) => s.name === spec.name);
      const r = spec.resources ?? {};
      const restarts = st?.restartCount ?? 0;
      const stateName = st?.state && Object.keys(st.state)[0];
      const old = before?.find((c) => c.name === spec.name);
      const name = old?.name ?? this.intern(spec.name);
      const info: ContainerInfo = {
        name, app, deployment,
        memoryRequest: parseBytes(r.requests?.memory), memoryLimit: parseBytes(r.limits?.memory),
        cpuRequest: parseCpuCores(r.requests?.cpu), cpuLimit: parseCpuCores(r.limits?.cpu),
        restarts,
        state: stateName ? this.intern(st.state![stateName]?.reason ?? stateName) : undefined,
        lastTerminated: slimTerminated(st?.lastState?.terminated, this.intern),
      };
      next[i] = info;
      const prev = old?.restarts ?? 0;
      const term = info.lastTerminated;
      if (restarts > prev && term) {
        events.push({
          container: spec.name,
          event: {
            at: eventTime(term.finishedAt, now),
            kind: isOomKill(term) ? 'oom' : 'restart',
            reason: term.reason, exitCode: term.exitCode,
            startedAt: term.startedAt ? Date.parse(term.startedAt) : undefined,
            restartCount: restarts,
          },
        });
      }
    }
    this.pods.set(key, next);
    return events;
  }

  /** The pod is gone: its containers' info is kept, marked deleted, until pruneDeleted drops it. */
  delete(namespace: string, name: string, now: number): void {
    const key = `${namespace}/${name}`;
    const list = this.pods.get(key);
    if (!list) return;
    this.pods.delete(key);
    for (const c of list) c.deletedAt = now;
    this.deleted.set(key, list);
    if (this.deleted.size > MAX_DELETED_PODS) this.deleted.delete(this.deleted.keys().next().value!);
  }

  /** Forgets pods deleted before `before` (their history has left the horizon). */
  pruneDeleted(before: number): void {
    for (const [key, list] of this.deleted) {
      if ((list[0]?.deletedAt ?? 0) >= before) break;
      this.deleted.delete(key);
    }
  }

  /** A relist: `keys` are the pods that exist; the others were deleted meanwhile. */
  retainOnly(keys: Set<string>, now: number): void {
    for (const key of [...this.pods.keys()]) {
      if (keys.has(key)) continue;
      const [ns = '', ...name] = key.split('/');
      this.delete(ns, name.join('/'), now);
    }
  }

  get(namespace: string, pod: string, container: string): ContainerInfo | undefined {
    const list = this.pods.get(`${namespace}/${pod}`) ?? this.deleted.get(`${namespace}/${pod}`);
    if (!list) return undefined;
    for (const c of list) if (c.name === container) return c;
    return undefined;
  }

  podKeys(): IterableIterator<string> {
    return this.pods.keys();
  }
}
