/**
 * Deployment status and conditions: counts summed over the ReplicaSets, the Available condition
 * (minimum availability) and the Progressing condition with kube's reasons, including
 * ProgressDeadlineExceeded when no progress is seen for progressDeadlineSeconds (simulated time).
 */
import type { SimClock } from '../clock';
import { KeyedTimers } from '../keyed-timers';
import { condition } from '../kube/pods';
import type { ObjectStore } from '../kube/store';
import type { Condition, KubeObject } from '../kube/types';

const REVISION = 'deployment.kubernetes.io/revision';
const MAX_INT32 = 2147483647;

export class DeploymentStatusWriter {
  private readonly deadlineTimers: KeyedTimers;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SimClock,
    private readonly requeue: (key: string) => void,
  ) {
    this.deadlineTimers = new KeyedTimers(clock);
  }

  stop(): void {
    this.deadlineTimers.cancelAll();
  }

  /** `newRs` is undefined only while paused with a changed template (no new ReplicaSet yet). */
  write(key: string, d: KubeObject, all: KubeObject[], newRs: KubeObject | undefined, maxUnavailable: number, rsChanged: boolean): void {
    const replicas: number = d.spec.replicas ?? 1;
    const sum = (f: (rs: KubeObject) => number) => all.reduce((n, rs) => n + f(rs), 0);
    const counts = {
      replicas: sum((rs) => rs.status?.replicas ?? 0),
      updatedReplicas: newRs?.status?.replicas ?? 0,
      readyReplicas: sum((rs) => rs.status?.readyReplicas ?? 0),
      availableReplicas: sum((rs) => rs.status?.availableReplicas ?? 0),
      unavailableReplicas: Math.max(0, sum((rs) => rs.spec.replicas ?? 0) - sum((rs) => rs.status?.availableReplicas ?? 0)),
    };
    const prev = d.status ?? {};
    const countsChanged = (Object.keys(counts) as (keyof typeof counts)[]).some((k) => (prev[k] ?? 0) !== counts[k]);
    const now = this.clock.nowIso();
    const conditions: Condition[] = structuredClone((prev.conditions as Condition[] | undefined) ?? []);
    const set = (c: Condition, keepUpdateTime = false) => {
      const i = conditions.findIndex((x) => x.type === c.type);
      const old = conditions[i];
      const sameStatus = old && old.status === c.status;
      const next: Condition = {
        type: c.type,
        status: c.status,
        lastUpdateTime: keepUpdateTime && old?.lastUpdateTime ? old.lastUpdateTime : now,
        lastTransitionTime: sameStatus && old.lastTransitionTime ? old.lastTransitionTime : now,
        reason: c.reason,
        message: c.message,
      };
      if (old && old.status === next.status && old.reason === next.reason && old.message === next.message && keepUpdateTime) return;
      if (i >= 0) conditions[i] = next;
      else conditions.push(next);
    };

    const available = counts.availableReplicas >= replicas - maxUnavailable;
    set(
      available
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : {
            type: 'Available',
            status: 'False',
            reason: 'MinimumReplicasUnavailable',
            message: 'Deployment does not have minimum availability.',
          },
      true,
    );

    const rsName = newRs?.metadata.name ?? '';
    const progressing = condition(d, 'Progressing');
    const complete =
      counts.updatedReplicas === replicas &&
      counts.replicas === replicas &&
      counts.availableReplicas === replicas &&
      (newRs?.spec.replicas ?? 0) === replicas;
    // HasProgressDeadline: MaxInt32 means no deadline (tools that hold a rollout on purpose set it).
    const deadline: number | undefined = d.spec.progressDeadlineSeconds === MAX_INT32 ? undefined : d.spec.progressDeadlineSeconds;
    if (d.spec.paused) {
      set({ type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }, true);
    } else if (complete) {
      set(
        {
          type: 'Progressing',
          status: 'True',
          reason: 'NewReplicaSetAvailable',
          message: `ReplicaSet "${rsName}" has successfully progressed.`,
        },
        true,
      );
    } else if (
      rsChanged ||
      countsChanged ||
      progressing?.reason === 'NewReplicaSetAvailable' ||
      progressing?.reason === 'DeploymentPaused' ||
      !progressing
    ) {
      set({ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` });
      this.scheduleDeadline(key, deadline, 0);
    } else if (progressing.reason !== 'ProgressDeadlineExceeded' && deadline !== undefined && progressing.lastUpdateTime) {
      const elapsed = this.clock.simElapsedMs(progressing.lastUpdateTime);
      if (elapsed >= deadline * 1000) {
        set({
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: `ReplicaSet "${rsName}" has timed out progressing.`,
        });
      } else this.scheduleDeadline(key, deadline, elapsed);
    }

    const status: Record<string, unknown> = { observedGeneration: d.metadata.generation ?? 1, ...counts, conditions };
    if (prev.collisionCount !== undefined) status.collisionCount = prev.collisionCount;
    for (const k of Object.keys(counts)) if (status[k] === 0) delete status[k];
    const revision = newRs?.metadata.annotations?.[REVISION];
    const revisionChanged = revision !== undefined && d.metadata.annotations?.[REVISION] !== revision;
    if (!revisionChanged && JSON.stringify(status) === JSON.stringify(prev)) return;
    const copy = this.store.clone('deployments', d.metadata.namespace, d.metadata.name)!;
    copy.status = status;
    if (revisionChanged) copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [REVISION]: revision };
    this.store.update('deployments', copy);
  }

  private scheduleDeadline(key: string, deadlineSeconds: number | undefined, elapsedMs: number): void {
    if (deadlineSeconds === undefined) return;
    this.deadlineTimers.set(key, deadlineSeconds * 1000 - elapsedMs + 10, () => this.requeue(key));
  }
}
