/**
 * Job controller (NonIndexed; Indexed gets completion indexes): keeps up to `parallelism` pods
 * running until `completions` pods have Succeeded, counts Failed pods against `backoffLimit`
 * (then FailureTarget + Failed, reason BackoffLimitExceeded, active pods stopped), honours
 * `suspend`, `activeDeadlineSeconds` on the sandbox clock, and writes the status kubectl reads
 * (active, ready, succeeded, failed, startTime, completionTime, Complete/SuccessCriteriaMet).
 */
import type { SimClock } from '../clock';
import { KeyedTimers } from '../keyed-timers';
import { isPodReady } from '../kube/pods';
import type { ObjectStore } from '../kube/store';
import type { Condition, KubeObject } from '../kube/types';
import type { EventRecorder } from './event-recorder';
import { deleteGracefully, ownedBy, podFromPodTemplate, writeStatus } from './workload-base';
import { splitKey } from './work-queue';

const SOURCE = { component: 'job-controller' };

export class JobController {
  private readonly deadlines: KeyedTimers;

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly clock: SimClock,
    private readonly requeue: (key: string) => void,
  ) {
    this.deadlines = new KeyedTimers(clock);
  }

  stop(): void {
    this.deadlines.cancelAll();
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const job = this.store.get('jobs', ns, name)?.obj;
    if (!job || job.metadata.deletionTimestamp) return;
    const pods = ownedBy(this.store, 'pods', job);
    const active = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded');
    const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
    const now = this.clock.nowIso();
    const conditions = [...((job.status?.conditions ?? []) as Condition[])];
    if (conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')) return;

    const completions: number | undefined = job.spec.completions ?? undefined;
    const parallelism: number = job.spec.parallelism ?? 1;
    const backoffLimit: number = job.spec.backoffLimit ?? 6;
    const startTime: string = job.status?.startTime ?? now;
    const status: Record<string, unknown> = {
      startTime,
      active: active.length || undefined,
      ready: active.filter(isPodReady).length,
      succeeded: succeeded.length || undefined,
      failed: failed || undefined,
      terminating: 0,
      uncountedTerminatedPods: {},
    };

    const finish = (type: 'Complete' | 'Failed', reason?: string, message?: string) => {
      for (const p of active) deleteGracefully(this.store, p);
      const pre = type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget';
      // The interim condition (SuccessCriteriaMet / FailureTarget) first, then the final one, alike but for the type.
      for (const t of [pre, type])
        conditions.push({
          type: t,
          status: 'True',
          reason: reason ?? 'CompletionsReached',
          message: message ?? 'Reached expected number of succeeded pods',
          lastProbeTime: now,
          lastTransitionTime: now,
        } as Condition);
      status.conditions = conditions;
      status.active = undefined;
      status.ready = 0;
      if (type === 'Complete') {
        status.completionTime = now;
        this.events.normal(job, 'Completed', 'Job completed', SOURCE);
      } else this.events.warning(job, reason ?? 'Failed', message ?? 'Job failed', SOURCE);
      writeStatus(this.store, 'jobs', job, status);
    };

    if (failed > backoffLimit) return finish('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
    const deadline: number | undefined = job.spec.activeDeadlineSeconds;
    if (deadline !== undefined) {
      if (this.clock.simElapsedMs(startTime) >= deadline * 1000)
        return finish('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline');
      this.deadlines.setIfIdle(key, deadline * 1000 - this.clock.simElapsedMs(startTime) + 10, () => this.requeue(key));
    }
    const done = completions === undefined ? succeeded.length > 0 && active.length === 0 : succeeded.length >= completions;
    if (done) return finish('Complete');

    if (job.spec.suspend) {
      for (const p of active) deleteGracefully(this.store, p);
      if (!conditions.some((c) => c.type === 'Suspended'))
        conditions.push({
          type: 'Suspended',
          status: 'True',
          reason: 'JobSuspended',
          message: 'Job suspended',
          lastProbeTime: now,
          lastTransitionTime: now,
        } as Condition);
      writeStatus(this.store, 'jobs', job, { ...status, conditions, active: undefined, startTime: job.status?.startTime });
      return;
    }
    const remaining = completions === undefined ? (succeeded.length > 0 ? 0 : parallelism) : completions - succeeded.length;
    const want = Math.min(parallelism, remaining);
    const usedIndexes = new Set([...active, ...succeeded].map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']));
    for (let i = active.length; i < want; i++) {
      const created = this.store.create('pods', this.podFor(job, usedIndexes), now);
      this.events.normal(job, 'SuccessfulCreate', `Created pod: ${created.obj.metadata.name}`, SOURCE);
      status.active = Number(status.active ?? 0) + 1;
    }
    writeStatus(this.store, 'jobs', job, status);
  }

  private podFor(job: KubeObject, usedIndexes: Set<string | undefined>): KubeObject {
    const indexed = job.spec.completionMode === 'Indexed';
    let index: number | undefined;
    if (indexed) for (index = 0; usedIndexes.has(String(index)); index++);
    const prefix = indexed ? `${job.metadata.name}-${index}-` : `${job.metadata.name}-`;
    const pod = podFromPodTemplate(job, job.spec.template, this.store.freeName('pods', job.metadata.namespace, prefix), {
      generateName: prefix,
    });
    if (index !== undefined) {
      usedIndexes.add(String(index));
      pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), 'batch.kubernetes.io/job-completion-index': String(index) };
      pod.metadata.labels!['batch.kubernetes.io/job-completion-index'] = String(index);
    }
    return pod;
  }
}
