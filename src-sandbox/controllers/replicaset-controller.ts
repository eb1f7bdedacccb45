/**
 * ReplicaSet controller: keeps the number of active pods equal to spec.replicas, deleting the
 * least useful pods first (unscheduled, pending, not ready, most restarts, newest), and reports
 * replicas / readyReplicas / availableReplicas honouring minReadySeconds.
 */
import type { SimClock } from '../clock';
import { KeyedTimers } from '../keyed-timers';
import { isPodActive, isPodAvailable, isPodReady, podFromTemplate } from '../kube/pods';
import { labelSelectorMatcher } from '../kube/selectors';
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import type { EventRecorder } from './event-recorder';
import type { OwnerIndex } from './owner-index';
import { splitKey } from './work-queue';

const SOURCE = { component: 'replicaset-controller' };

export class ReplicaSetController {
  private readonly availabilityChecks: KeyedTimers;

  constructor(
    private readonly store: ObjectStore,
    private readonly podsByOwner: OwnerIndex,
    private readonly events: EventRecorder,
    private readonly clock: SimClock,
    private readonly requeue: (key: string) => void,
  ) {
    this.availabilityChecks = new KeyedTimers(clock);
  }

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const rs = this.store.get('replicasets', ns, name)?.obj;
    if (!rs || rs.metadata.deletionTimestamp) return;
    const selector = labelSelectorMatcher(rs.spec.selector);
    const pods = this.podsByOwner
      .children(rs.metadata.uid!)
      .map((s) => s.obj)
      .filter((p) => selector(p.metadata.labels));
    const active = pods.filter(isPodActive);
    const want = rs.spec.replicas ?? 1;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) {
        const created = this.store.create(
          'pods',
          podFromTemplate(rs, this.store.freeName('pods', rs.metadata.namespace, `${rs.metadata.name}-`)),
          this.clock.nowIso(),
        );
        this.events.normal(rs, 'SuccessfulCreate', `Created pod: ${created.obj.metadata.name}`, SOURCE);
      }
    } else if (active.length > want) {
      for (const pod of [...active].sort(deletionOrder).slice(0, active.length - want)) {
        this.deletePod(pod);
        this.events.normal(rs, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, SOURCE);
      }
    }
    this.updateStatus(rs, key);
  }

  stop(): void {
    this.availabilityChecks.cancelAll();
  }

  private deletePod(pod: KubeObject): void {
    const copy = this.store.clone('pods', pod.metadata.namespace, pod.metadata.name);
    if (!copy) return;
    const grace = copy.spec?.terminationGracePeriodSeconds ?? 30;
    copy.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    copy.metadata.deletionGracePeriodSeconds = grace;
    this.store.update('pods', copy);
  }

  private updateStatus(rs: KubeObject, key: string): void {
    const current = this.store.get('replicasets', rs.metadata.namespace, rs.metadata.name)!.obj;
    const pods = this.podsByOwner
      .children(current.metadata.uid!)
      .map((s) => s.obj)
      .filter(isPodActive);
    const minReady = current.spec.minReadySeconds ?? 0;
    const ready = pods.filter(isPodReady);
    const available = ready.filter((p) => isPodAvailable(p, minReady, this.clock));
    const templateLabels = current.spec.template?.metadata?.labels ?? {};
    const fullyLabeled = pods.filter((p) => Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v));
    const status: Record<string, unknown> = {
      replicas: pods.length,
      fullyLabeledReplicas: fullyLabeled.length,
      readyReplicas: ready.length,
      availableReplicas: available.length,
      observedGeneration: current.metadata.generation ?? 1,
    };
    if (ready.length > available.length) this.scheduleAvailabilityCheck(key, minReady);
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) if (status[k] === 0) delete status[k];
    if (JSON.stringify(status) === JSON.stringify(current.status ?? {})) return;
    const copy = this.store.clone('replicasets', current.metadata.namespace, current.metadata.name)!;
    copy.status = status;
    this.store.update('replicasets', copy);
  }

  /** Pods ready but not yet minReadySeconds old become available later: look again then. */
  private scheduleAvailabilityCheck(key: string, minReadySeconds: number): void {
    this.availabilityChecks.setIfIdle(key, (minReadySeconds * 1000) / 4 + 50, () => this.requeue(key));
  }
}

/** Which pods to delete first when scaling down (controller.ActivePods ordering, simplified). */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const rank = (p: KubeObject) => [p.spec?.nodeName ? 1 : 0, p.status?.phase === 'Running' ? 1 : 0, isPodReady(p) ? 1 : 0];
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
  const restarts = (p: KubeObject) =>
    ((p.status?.containerStatuses ?? []) as { restartCount?: number }[]).reduce((n, c) => n + (c.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
}
