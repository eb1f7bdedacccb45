/**
 * Wires the in-cluster controllers to store changes, like kube-controller-manager's informers:
 * deployment and ReplicaSet work queues, owner indexes, the kubelet simulation and a garbage
 * collector that removes dependents of deleted owners (background cascading deletion).
 */
import type { SimClock } from '../clock';
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { DeploymentController } from './deployment-controller';
import { EventRecorder } from './event-recorder';
import type { KubeletOptions } from './kubelet';
import { Kubelet } from './kubelet';
import { OwnerIndex, controllerOf } from './owner-index';
import { ReplicaSetController } from './replicaset-controller';
import { WorkQueue } from './work-queue';

export class ControllerManager {
  readonly events: EventRecorder;
  private readonly podsByRs: OwnerIndex;
  private readonly rsByDeployment: OwnerIndex;
  private readonly deployments: DeploymentController;
  private readonly replicaSets: ReplicaSetController;
  private readonly kubelet: Kubelet;
  private readonly deploymentQueue: WorkQueue;
  private readonly rsQueue: WorkQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    clock: SimClock,
    kubelet: KubeletOptions,
    opts: { maxEvents?: number; name: string },
  ) {
    const logError = (what: string) => (key: string, e: unknown) => console.error(`[sandbox ${opts.name}] ${what} ${key}:`, e);
    this.events = new EventRecorder(store, clock, opts.maxEvents);
    this.podsByRs = new OwnerIndex(store, 'pods');
    this.rsByDeployment = new OwnerIndex(store, 'replicasets');
    this.deploymentQueue = new WorkQueue((k) => this.deployments.reconcile(k), logError('deployment'));
    this.rsQueue = new WorkQueue((k) => this.replicaSets.reconcile(k), logError('replicaset'));
    this.deployments = new DeploymentController(store, this.rsByDeployment, this.events, clock, (k) => this.deploymentQueue.add(k));
    this.replicaSets = new ReplicaSetController(store, this.podsByRs, this.events, clock, (k) => this.rsQueue.add(k));
    this.kubelet = new Kubelet(store, this.events, clock, kubelet);
    this.unsubscribe = store.subscribe((e) => {
      const obj = e.object.obj;
      const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
      const owner = controllerOf(obj);
      if (e.resource === 'deployments') {
        if (e.type === 'DELETED') this.collect('replicasets', obj);
        else this.deploymentQueue.add(key);
      } else if (e.resource === 'replicasets') {
        if (e.type === 'DELETED') this.collect('pods', obj);
        else this.rsQueue.add(key);
        if (owner?.kind === 'Deployment') this.deploymentQueue.add(`${obj.metadata.namespace}/${owner.name}`);
      } else if (e.resource === 'pods' && owner?.kind === 'ReplicaSet') {
        this.rsQueue.add(`${obj.metadata.namespace}/${owner.name}`);
      }
    });
  }

  stop(): void {
    this.unsubscribe();
    this.deploymentQueue.stop();
    this.rsQueue.stop();
    this.deployments.stop();
    this.replicaSets.stop();
    this.kubelet.stop();
    this.podsByRs.close();
    this.rsByDeployment.close();
  }

  /** Garbage collector: dependents of a deleted owner go too (pods gracefully). */
  private collect(resource: 'replicasets' | 'pods', owner: KubeObject): void {
    const index = resource === 'pods' ? this.podsByRs : this.rsByDeployment;
    const uid = owner.metadata.uid!;
    setImmediate(() => {
      for (const child of index.children(uid)) {
        const { namespace, name } = child.obj.metadata;
        if (resource === 'replicasets') {
          this.store.delete('replicasets', namespace, name);
          continue;
        }
        const pod = this.store.clone('pods', namespace, name);
        if (!pod || pod.metadata.deletionTimestamp) continue;
        pod.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        pod.metadata.deletionGracePeriodSeconds = pod.spec?.terminationGracePeriodSeconds ?? 30;
        this.store.update('pods', pod);
      }
    });
  }
}
