/**
 * The controllers for the kinds beyond Deployments and ReplicaSets, wired to store changes with
 * one work queue each: cluster bootstrap objects, EndpointSlices, PodDisruptionBudget status,
 * StatefulSets, DaemonSets, Jobs, CronJobs, NoExecute taint eviction, and node heartbeats. Deleting a StatefulSet,
 * DaemonSet or Job removes its pods (and ControllerRevisions), a CronJob its Jobs (background
 * cascading deletion).
 */
import type { SimClock } from '../clock';
import type { ObjectStore } from '../kube/store';
import { ClusterBootstrap } from './cluster-bootstrap';
import { CronJobController } from './cronjob-controller';
import { DaemonSetController } from './daemonset-controller';
import { DisruptionController } from './disruption-controller';
import { EndpointSliceController } from './endpointslice-controller';
import type { EventRecorder } from './event-recorder';
import { JobController } from './job-controller';
import { NodeHeartbeat } from './node-heartbeat';
import { controllerOf } from './owner-index';
import { StatefulSetController } from './statefulset-controller';
import { TaintEviction } from './taint-eviction';
import { WorkQueue } from './work-queue';
import { collectDependents } from './workload-base';

export class ClusterKindControllers {
  private readonly queues: WorkQueue[] = [];
  private readonly stops: (() => void)[] = [];

  constructor(store: ObjectStore, clock: SimClock, events: EventRecorder, opts: { name: string; caPem: string }) {
    const logError = (what: string) => (key: string, e: unknown) => console.error(`[sandbox ${opts.name}] ${what} ${key}:`, e);
    const queue = (what: string, fn: (key: string) => void) => {
      const q = new WorkQueue(fn, logError(what));
      this.queues.push(q);
      return q;
    };
    const bootstrap = new ClusterBootstrap(store, clock, opts.caPem);
    const slices = new EndpointSliceController(store, clock, logError('endpointslice'));
    const heartbeat = new NodeHeartbeat(store, clock);
    const disruption = new DisruptionController(store, clock);
    const sts = new StatefulSetController(store, events, clock);
    const ds = new DaemonSetController(store, events, clock);
    const cronJobs = new CronJobController(store, events, clock);
    const taints = new TaintEviction(store, events, clock);
    const jobQueue = queue('job', (k) => jobs.reconcile(k));
    const jobs = new JobController(store, events, clock, (k) => jobQueue.add(k));
    const stsQueue = queue('statefulset', (k) => sts.reconcile(k));
    const dsQueue = queue('daemonset', (k) => ds.reconcile(k));
    const cjQueue = queue('cronjob', (k) => cronJobs.reconcile(k));
    const pdbQueue = queue('poddisruptionbudget', (ns) => disruption.reconcileNamespace(ns));
    this.stops.push(
      () => bootstrap.stop(),
      () => slices.stop(),
      () => heartbeat.stop(),
      () => jobs.stop(),
      () => cronJobs.stop(),
      () => taints.stop(),
    );

    const byOwnerKind: Record<string, WorkQueue> = { StatefulSet: stsQueue, DaemonSet: dsQueue, Job: jobQueue, CronJob: cjQueue };
    const byResource: Partial<Record<string, WorkQueue>> = {
      statefulsets: stsQueue,
      daemonsets: dsQueue,
      jobs: jobQueue,
      cronjobs: cjQueue,
    };
    const unsubscribe = store.subscribe((e) => {
      const obj = e.object.obj;
      const ns = obj.metadata.namespace;
      const key = `${ns}/${obj.metadata.name}`;
      const own = byResource[e.resource];
      if (own) {
        if (e.type === 'DELETED') {
          collectDependents(store, obj, e.resource === 'cronjobs' ? 'jobs' : 'pods');
          if (e.resource === 'statefulsets' || e.resource === 'daemonsets') collectDependents(store, obj, 'controllerrevisions');
        } else own.add(key);
      }
      const owner = controllerOf(obj);
      if (owner && (e.resource === 'pods' || e.resource === 'jobs')) byOwnerKind[owner.kind]?.add(`${ns}/${owner.name}`);
      if (e.resource === 'poddisruptionbudgets' && ns) pdbQueue.add(ns);
      if (e.resource === 'pods' && ns && disruption.watches(ns)) pdbQueue.add(ns);
      if (e.resource === 'nodes' && (e.type !== 'MODIFIED' || nodeSchedulingChanged(e.previous?.obj, obj))) {
        for (const s of store.values('daemonsets')) dsQueue.add(`${s.obj.metadata.namespace}/${s.obj.metadata.name}`);
        if (e.type !== 'DELETED') setImmediate(() => taints.nodeChanged(obj));
      }
      if (e.resource === 'pods' && obj.spec?.nodeName && !e.previous?.obj.spec?.nodeName) {
        const node = store.get('nodes', undefined, obj.spec.nodeName)?.obj;
        if (node?.spec?.taints?.length) setImmediate(() => taints.podBound(obj, node));
      }
    });
    this.stops.push(unsubscribe);
    for (const r of ['statefulsets', 'daemonsets', 'jobs', 'cronjobs'] as const) {
      for (const s of store.values(r)) byResource[r]!.add(`${s.obj.metadata.namespace}/${s.obj.metadata.name}`);
    }
  }

  stop(): void {
    for (const s of this.stops) s();
    for (const q of this.queues) q.stop();
  }
}

/** Labels, taints or cordon changed (heartbeats alone do not concern DaemonSets). */
function nodeSchedulingChanged(
  before: { metadata: { labels?: unknown }; spec?: unknown } | undefined,
  after: { metadata: { labels?: unknown }; spec?: unknown },
): boolean {
  return JSON.stringify([before?.metadata.labels, before?.spec]) !== JSON.stringify([after.metadata.labels, after.spec]);
}
