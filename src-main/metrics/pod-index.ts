/**
 * What metrics need from pod objects: per container its requests/limits, restart count, current
 * state and last terminated state (src-shared/workloads/pod-containers.ts: the workloads layer reads
 * them once and this index holds its arrays), and the restarts as timeline events. A restart is an OOM kill
 * only by the shared rule (src-shared/workloads/oom.ts, reason "OOMKilled"): exit code 137 alone
 * is any SIGKILL (liveness probe, preemption, `kill -9`), so it stays a plain restart with its exit code.
 */
import type { Pod } from '../../src-shared/k8s/types';
import type { TimelineEvent } from '../../src-shared/metrics/contract';
import type { ContainerInfo, PodContainers } from '../../src-shared/workloads/pod-containers';
import { podContainersOf } from '../../src-shared/workloads/pod-containers';
import { isOomKill } from '../../src-shared/workloads/oom';
import { Interner } from '../base/interner';

export type { ContainerInfo, Terminated } from '../../src-shared/workloads/pod-containers';
export { deploymentOf } from '../../src-shared/workloads/pod-containers';

/** Deleted pods whose info is kept at most (oldest dropped first), beside the age limit. */
const MAX_DELETED_PODS = 20_000;

/** A node clock ahead of ours must not put an event in the future: then we use the time we saw it. */
const MAX_FUTURE_MS = 60_000;

export function eventTime(finishedAt: string | undefined, now: number): number {
  let t = finishedAt ? Date.parse(finishedAt) : Number.NaN;
  // metav1.Time has whole seconds: the kill happened somewhere in that second, so a sample taken
  // in it belongs before the marker. Never later than when we saw it, though.
  if (finishedAt && !finishedAt.includes('.')) t += 999;
  return Number.isFinite(t) && t <= now + MAX_FUTURE_MS ? Math.min(t, now) : now;
}

/**
 * Per pod (`namespace/name`), its containers' info: at 50,000 containers a Map per pod and the
 * strings of every decoded pod (app label, Deployment name, state) were ~450 bytes a container;
 * an array per pod and shared copies of those few distinct strings are about half.
 */
export class PodIndex {
  /**
   * namespace → pod name → containers. Nested, so that the keys are the summaries' own namespace
   * and name strings (a `namespace/name` string per pod was ~70 bytes each at 50,000 pods).
   */
  private readonly pods = new Map<string, Map<string, readonly ContainerInfo[]>>();
  /**
   * Deleted pods (by deletion, oldest first): their history stays for the horizon, and a series
   * or forensics of one must still say its restarts and limits (it said 0 and none).
   */
  private readonly deleted = new Map<string, readonly ContainerInfo[]>();
  private readonly strings = new Interner(Infinity, Infinity);
  private readonly intern = (v: string): string => this.strings.of(v);

  /** Records the pod (tests: from a whole pod); see updateContainers. */
  update(pod: Pod, now: number): { container: string; event: TimelineEvent }[] {
    return this.updateContainers(podContainersOf(pod, this.intern), now);
  }

  /**
   * Records the pod's containers (the workloads layer's own arrays, held as they are, never
   * changed); returns one event per container whose restart count went up (or, on first sight,
   * its last restart).
   */
  updateContainers(pod: PodContainers, now: number): { container: string; event: TimelineEvent }[] {
    // A new pod of the same name (StatefulSet): its own info from now on.
    if (this.deleted.size > 0) this.deleted.delete(`${pod.namespace}/${pod.name}`);
    let names = this.pods.get(pod.namespace);
    if (!names) this.pods.set(pod.namespace, (names = new Map()));
    const before = names.get(pod.name);
    const events: { container: string; event: TimelineEvent }[] = [];
    for (const info of pod.containers) {
      const prev = before?.find((c) => c.name === info.name)?.restarts ?? 0;
      const term = info.lastTerminated;
      if (info.restarts > prev && term) {
        events.push({
          container: info.name,
          event: {
            at: eventTime(term.finishedAt, now),
            kind: isOomKill(term) ? 'oom' : 'restart',
            reason: term.reason,
            exitCode: term.exitCode,
            startedAt: term.startedAt ? Date.parse(term.startedAt) : undefined,
            restartCount: info.restarts,
          },
        });
      }
    }
    names.set(pod.name, pod.containers);
    return events;
  }

  /** The pod is gone: its containers' info is kept, marked deleted, until pruneDeleted drops it. */
  delete(namespace: string, name: string, now: number): void {
    const names = this.pods.get(namespace);
    const list = names?.get(name);
    if (!names || !list) return;
    names.delete(name);
    if (names.size === 0) this.pods.delete(namespace);
    const key = `${namespace}/${name}`;
    // A copy: the live arrays are shared with the workloads layer and never changed.
    this.deleted.set(
      key,
      list.map((c) => ({ ...c, deletedAt: now })),
    );
    if (this.deleted.size > MAX_DELETED_PODS) this.deleted.delete(this.deleted.keys().next().value!);
  }

  /** Forgets pods deleted before `before` (their history has left the horizon). */
  pruneDeleted(before: number): void {
    for (const [key, list] of this.deleted) {
      if ((list[0]?.deletedAt ?? 0) >= before) break;
      this.deleted.delete(key);
    }
  }

  /** A relist: `keys` (`namespace/name`) are the pods that exist; the others were deleted meanwhile. */
  retainOnly(keys: Set<string>, now: number): void {
    for (const [ns, names] of [...this.pods]) {
      for (const name of [...names.keys()]) if (!keys.has(`${ns}/${name}`)) this.delete(ns, name, now);
    }
  }

  get(namespace: string, pod: string, container: string): ContainerInfo | undefined {
    const list = this.pods.get(namespace)?.get(pod) ?? this.deleted.get(`${namespace}/${pod}`);
    if (!list) return undefined;
    for (const c of list) if (c.name === container) return c;
    return undefined;
  }
}
