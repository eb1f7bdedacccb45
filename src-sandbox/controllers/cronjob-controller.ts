/**
 * CronJob controller on the sandbox clock: the schedule is evaluated in simulated time, which
 * starts at the CronJob's creation and runs `clock.speed` times as fast as the wall clock (so
 * `*\/1 * * * *` fires every 3 real seconds at speed 20). Each firing creates a Job
 * `<name>-<scheduled minute>` from jobTemplate (concurrencyPolicy Allow / Forbid / Replace,
 * suspend), status.active and lastScheduleTime / lastSuccessfulTime are kept, and finished Jobs
 * beyond the history limits are deleted. Timestamps written are real (wall-clock) times.
 */
import type { SimClock } from '../clock';
import { KeyedTimers } from '../keyed-timers';
import { createWithDefaults } from '../kube/kind-defaults';
import type { ObjectStore } from '../kube/store';
import type { Condition, KubeObject } from '../kube/types';
import { parseCron, nextRun } from './cron-schedule';
import type { EventRecorder } from './event-recorder';
import { controllerRef } from '../kube/owner-ref';
import { ownedBy, writeStatus } from './workload-base';
import { splitKey } from './work-queue';

const SOURCE = { component: 'cronjob-controller' };

const finished = (job: KubeObject) =>
  ((job.status?.conditions ?? []) as Condition[]).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;

export class CronJobController {
  private readonly timers: KeyedTimers;
  /** Simulated ms of the last scheduled run per CronJob uid (in memory, like the controller's cache). */
  private readonly lastRun = new Map<string, number>();

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly clock: SimClock,
  ) {
    this.timers = new KeyedTimers(clock);
  }

  stop(): void {
    this.timers.cancelAll();
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const cj = this.store.get('cronjobs', ns, name)?.obj;
    this.timers.cancel(key);
    if (!cj || cj.metadata.deletionTimestamp) return;
    this.syncStatus(cj);
    let schedule;
    try {
      schedule = parseCron(cj.spec.schedule ?? '');
    } catch (e) {
      this.events.warning(
        cj,
        'UnparseableSchedule',
        `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${(e as Error).message}`,
        SOURCE,
      );
      return;
    }
    const anchor = Date.parse(cj.metadata.creationTimestamp ?? new Date().toISOString());
    const simNow = anchor + this.clock.simElapsedMs(anchor);
    const last = this.lastRun.get(cj.metadata.uid!) ?? anchor;
    const next = nextRun(schedule, last);
    if (next <= simNow) {
      // Missed runs collapse into the most recent one, as the controller does.
      let due = next;
      for (let n = nextRun(schedule, due); n <= simNow; n = nextRun(schedule, n)) due = n;
      this.lastRun.set(cj.metadata.uid!, due);
      if (!cj.spec.suspend) this.fire(cj, due);
      return this.reconcile(key);
    }
    this.timers.set(key, next - simNow, () => this.reconcile(key));
  }

  private fire(cj: KubeObject, scheduledSimMs: number): void {
    const active = ownedBy(this.store, 'jobs', cj).filter((j) => !finished(j));
    const policy = cj.spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active.length > 0) {
      this.events.normal(
        cj,
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
        SOURCE,
      );
      return;
    }
    if (policy === 'Replace') {
      for (const j of active) {
        this.store.delete('jobs', j.metadata.namespace, j.metadata.name);
        this.events.normal(cj, 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, SOURCE);
      }
    }
    const tpl = structuredClone(cj.spec.jobTemplate ?? {}) as {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: Record<string, unknown>;
    };
    const name = `${cj.metadata.name}-${Math.floor(scheduledSimMs / 60_000)}`;
    if (this.store.get('jobs', cj.metadata.namespace, name)) return;
    const now = this.clock.nowIso();
    const job: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata.namespace,
        labels: { ...(tpl.metadata?.labels ?? {}) },
        annotations: { ...(tpl.metadata?.annotations ?? {}), 'batch.kubernetes.io/cronjob-scheduled-timestamp': now },
        ownerReferences: [controllerRef(cj)],
      },
      spec: tpl.spec ?? {},
    };
    createWithDefaults(this.store, 'jobs', job, now);
    this.events.normal(cj, 'SuccessfulCreate', `Created job ${name}`, SOURCE);
    writeStatus(this.store, 'cronjobs', cj, { lastScheduleTime: now });
  }

  /** status.active, lastSuccessfulTime and history limits, from the CronJob's Jobs. */
  syncStatus(cj: KubeObject): void {
    const jobs = ownedBy(this.store, 'jobs', cj);
    const byAge = (a: KubeObject, b: KubeObject) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name);
    const succeeded = jobs.filter((j) => finished(j) === 'Complete').sort(byAge);
    const failed = jobs.filter((j) => finished(j) === 'Failed').sort(byAge);
    const trim = (list: KubeObject[], keep: number) => {
      for (const j of list.slice(0, Math.max(0, list.length - keep))) {
        this.store.delete('jobs', j.metadata.namespace, j.metadata.name);
        this.events.normal(cj, 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, SOURCE);
      }
    };
    trim(succeeded, cj.spec.successfulJobsHistoryLimit ?? 3);
    trim(failed, cj.spec.failedJobsHistoryLimit ?? 1);
    const active = jobs
      .filter((j) => !finished(j))
      .sort(byAge)
      .map((j) => ({ kind: 'Job', namespace: j.metadata.namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1' }));
    const lastSuccess = succeeded.at(-1)?.status?.completionTime;
    writeStatus(this.store, 'cronjobs', cj, {
      active: active.length ? active : undefined,
      lastSuccessfulTime: lastSuccess ?? cj.status?.lastSuccessfulTime,
    });
  }
}
