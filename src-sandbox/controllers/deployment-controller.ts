/**
 * Deployment controller: finds or creates the ReplicaSet whose template equals the Deployment's
 * (pod-template-hash), rolls pods over with RollingUpdate (maxSurge / maxUnavailable) or Recreate,
 * keeps revision annotations and history, and reports status and conditions the way kubectl's
 * rollout status reads them.
 */
import type { SimClock } from '../clock';
import { controllerRef } from '../kube/owner-ref';
import { labelSelectorMatcher } from '../kube/selectors';
import type { ObjectStore } from '../kube/store';
import { podTemplateHash, templatesEqual } from '../kube/template-hash';
import type { KubeObject } from '../kube/types';
import { DeploymentStatusWriter } from './deployment-status';
import type { EventRecorder } from './event-recorder';
import type { OwnerIndex } from './owner-index';
import { controllerOf } from './owner-index';
import type { RsView } from '../../src-shared/k8s/rolling-update';
import {
  isScalingEvent,
  newReplicaSetReplicas,
  reconcileNewTarget,
  reconcileOld,
  scaleSizes,
  surgeAndUnavailable,
} from '../../src-shared/k8s/rolling-update';
import { splitKey } from './work-queue';

export const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const SOURCE = { component: 'deployment-controller' };

export const revisionOf = (obj: KubeObject): number => Number(obj.metadata.annotations?.[REVISION] ?? 0);

/**
 * The ReplicaSet a Deployment owns for one pod template (labelled with its `hash`), as the
 * deployment controller creates it; the seed builds a cluster's history with it too.
 */
export function replicaSetFor(
  d: KubeObject,
  podTemplate: KubeObject['spec'],
  hash: string,
  revision: number,
  replicas: number,
  maxSurge: number,
): KubeObject {
  const template = structuredClone(podTemplate);
  template.metadata ??= {};
  template.metadata.labels = { ...(template.metadata.labels ?? {}), 'pod-template-hash': hash };
  const annotations: Record<string, string> = {
    [DESIRED]: String(d.spec.replicas ?? 1),
    [MAX]: String((d.spec.replicas ?? 1) + maxSurge),
    [REVISION]: String(revision),
  };
  const cause = d.metadata.annotations?.[CHANGE_CAUSE];
  if (cause) annotations[CHANGE_CAUSE] = cause;
  const rs: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: template.metadata.labels,
      annotations,
      ownerReferences: [controllerRef(d, 'apps/v1', 'Deployment')],
    },
    spec: {
      replicas,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
      template,
    },
    status: { replicas: 0 },
  };
  if (!rs.spec.minReadySeconds) delete rs.spec.minReadySeconds;
  return rs;
}

export class DeploymentController {
  private readonly statusWriter: DeploymentStatusWriter;

  constructor(
    private readonly store: ObjectStore,
    private readonly rsByOwner: OwnerIndex,
    private readonly events: EventRecorder,
    private readonly clock: SimClock,
    requeue: (key: string) => void,
  ) {
    this.statusWriter = new DeploymentStatusWriter(store, clock, requeue);
  }

  stop(): void {
    this.statusWriter.stop();
  }

  /**
   * syncDeployment: a paused Deployment or a scaling event only gets `scale()` (sync.go), never a
   * new ReplicaSet; otherwise one rolling step: scale the new ReplicaSet up and stop there, or
   * else scale old ones down (the next sync, triggered by the ReplicaSet change, does the other).
   */
  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const d = this.store.get('deployments', ns, name)?.obj;
    if (!d || d.metadata.deletionTimestamp) return;
    const all = this.replicaSetsOf(d);
    let newRs = all.find((rs) => templatesEqual(rs.spec.template, d.spec.template));
    const old = all.filter((rs) => rs !== newRs);
    const replicas: number = d.spec.replicas ?? 1;
    const rolling = d.spec.strategy?.type !== 'Recreate';
    const { maxSurge, maxUnavailable } = rolling
      ? surgeAndUnavailable(replicas, d.spec.strategy?.rollingUpdate)
      : { maxSurge: 0, maxUnavailable: 0 };
    let progressed = false;
    const maxOldRevision = Math.max(0, ...old.map(revisionOf));
    if (newRs) newRs = this.syncNewReplicaSet(d, newRs, maxOldRevision);

    if (d.spec.paused || isScalingEvent(replicas, all.map(view))) {
      const sizes = scaleSizes(replicas, maxSurge, rolling, newRs && view(newRs), old.map(view), d.status?.replicas ?? 0);
      for (const [rsName, n] of sizes) {
        const rs = all.find((r) => r.metadata.name === rsName)!;
        this.scale(d, rs, n, maxSurge);
        progressed ||= n !== rs.spec.replicas;
      }
      if (d.spec.paused) this.cleanupHistory(d, newRs, old);
    } else {
      if (!newRs) {
        const initial = rolling ? newReplicaSetReplicas(replicas, maxSurge, all.map(view), { ...view(undefined), replicas: 0 }) : 0;
        newRs = this.createReplicaSet(d, maxOldRevision + 1, initial, maxSurge);
        progressed = true;
      }
      progressed =
        (rolling ? this.rollStep(d, newRs, old, replicas, maxSurge, maxUnavailable) : this.recreateStep(d, newRs, old, replicas)) ||
        progressed;
      const fresh = this.store.get('deployments', ns, name)?.obj;
      if (fresh && !progressed && this.complete(fresh, newRs)) this.cleanupHistory(d, newRs, old);
    }
    const fresh = this.store.get('deployments', ns, name)?.obj;
    if (fresh) this.statusWriter.write(key, fresh, this.replicaSetsOf(fresh), newRs, maxUnavailable, progressed);
  }

  /** One rolling sync: scale the new ReplicaSet if it can move, else scale old ones down. */
  private rollStep(
    d: KubeObject,
    newRs: KubeObject,
    old: KubeObject[],
    replicas: number,
    maxSurge: number,
    maxUnavailable: number,
  ): boolean {
    const newView = view(newRs);
    const target = reconcileNewTarget(replicas, maxSurge, [...old, newRs].map(view), newView);
    if (target !== undefined) {
      this.scale(d, newRs, target, maxSurge);
      return true;
    }
    const sizes = reconcileOld(replicas, maxUnavailable, old.filter((r) => (r.spec.replicas ?? 0) > 0).map(view), newView);
    for (const [rsName, n] of sizes)
      this.scale(
        d,
        old.find((r) => r.metadata.name === rsName)!,
        n,
        maxSurge,
      );
    return sizes.size > 0;
  }

  /** Recreate: old ReplicaSets to zero, wait until their pods are gone, then the new one to full size. */
  private recreateStep(d: KubeObject, newRs: KubeObject, old: KubeObject[], replicas: number): boolean {
    let changed = false;
    for (const rs of old)
      if ((rs.spec.replicas ?? 0) > 0) {
        this.scale(d, rs, 0, 0);
        changed = true;
      }
    const oldPods = old.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
    if (!changed && oldPods === 0 && newRs.spec.replicas !== replicas) {
      this.scale(d, newRs, replicas, 0);
      changed = true;
    }
    return changed;
  }

  /** DeploymentComplete: every replica updated and available, no old pods, the latest generation observed. */
  private complete(d: KubeObject, newRs: KubeObject): boolean {
    const replicas = d.spec.replicas ?? 1;
    const s = d.status ?? {};
    return (
      (s.updatedReplicas ?? 0) === replicas &&
      (s.replicas ?? 0) === replicas &&
      (s.availableReplicas ?? 0) === replicas &&
      (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1) &&
      (newRs.spec.replicas ?? 0) === replicas
    );
  }

  /**
   * getNewReplicaSet for an existing one: the revision moves past the old ones, and the
   * Deployment's minReadySeconds is copied over (so changing it mid-rollout changes when the new
   * pods count as available, as in kube).
   */
  private syncNewReplicaSet(d: KubeObject, rs: KubeObject, maxOldRevision: number): KubeObject {
    let out = rs;
    if (revisionOf(out) <= maxOldRevision) out = this.setRevision(out, maxOldRevision + 1, d);
    const want = d.spec.minReadySeconds ?? 0;
    if ((out.spec.minReadySeconds ?? 0) !== want) {
      const copy = this.store.clone('replicasets', out.metadata.namespace, out.metadata.name)!;
      if (want) copy.spec.minReadySeconds = want;
      else delete copy.spec.minReadySeconds;
      out = this.store.update('replicasets', copy).obj;
    }
    return out;
  }

  /** Owned ReplicaSets, adopting orphans whose labels match the selector (as the controller does). */
  private replicaSetsOf(d: KubeObject): KubeObject[] {
    const owned = this.rsByOwner.children(d.metadata.uid!).map((s) => s.obj);
    const selector = labelSelectorMatcher(d.spec.selector);
    for (const [, s] of this.store.list('replicasets', d.metadata.namespace)) {
      if (controllerOf(s.obj) || !selector(s.obj.metadata.labels)) continue;
      const rs = JSON.parse(s.json) as KubeObject;
      rs.metadata.ownerReferences = [...(rs.metadata.ownerReferences ?? []), controllerRef(d, 'apps/v1', 'Deployment')];
      owned.push(this.store.update('replicasets', rs).obj);
    }
    return owned.filter((rs) => !rs.metadata.deletionTimestamp);
  }

  private createReplicaSet(d: KubeObject, revision: number, replicas: number, maxSurge: number): KubeObject {
    let collisions = d.status?.collisionCount ?? 0;
    let hash = podTemplateHash(d.spec.template, collisions);
    while (this.store.get('replicasets', d.metadata.namespace, `${d.metadata.name}-${hash}`)) {
      hash = podTemplateHash(d.spec.template, ++collisions);
    }
    const rs = replicaSetFor(d, d.spec.template, hash, revision, replicas, maxSurge);
    const created = this.store.create('replicasets', rs, this.clock.nowIso()).obj;
    if (replicas > 0) this.events.normal(d, 'ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`, SOURCE);
    return created;
  }

  private setRevision(rs: KubeObject, revision: number, d: KubeObject): KubeObject {
    const copy = this.store.clone('replicasets', rs.metadata.namespace, rs.metadata.name)!;
    copy.metadata.annotations = { ...(copy.metadata.annotations ?? {}), [REVISION]: String(revision) };
    const cause = d.metadata.annotations?.[CHANGE_CAUSE];
    if (cause) copy.metadata.annotations[CHANGE_CAUSE] = cause;
    return this.store.update('replicasets', copy).obj;
  }

  private scale(d: KubeObject, rs: KubeObject, replicas: number, maxSurge: number): KubeObject {
    const copy = this.store.clone('replicasets', rs.metadata.namespace, rs.metadata.name)!;
    const from = copy.spec.replicas ?? 0;
    copy.spec.replicas = replicas;
    copy.metadata.generation = (copy.metadata.generation ?? 1) + 1;
    copy.metadata.annotations = {
      ...(copy.metadata.annotations ?? {}),
      [DESIRED]: String(d.spec.replicas ?? 1),
      [MAX]: String((d.spec.replicas ?? 1) + maxSurge),
    };
    const updated = this.store.update('replicasets', copy).obj;
    if (replicas === from) return updated;
    const dir = replicas > from ? 'up' : 'down';
    this.events.normal(d, 'ScalingReplicaSet', `Scaled ${dir} replica set ${rs.metadata.name} from ${from} to ${replicas}`, SOURCE);
    return updated;
  }

  /** Keeps at most revisionHistoryLimit old ReplicaSets that are scaled to zero and empty. */
  private cleanupHistory(d: KubeObject, newRs: KubeObject | undefined, old: KubeObject[]): void {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = old
      .map((rs) => this.store.get('replicasets', rs.metadata.namespace, rs.metadata.name)?.obj)
      .filter((rs): rs is KubeObject => !!rs && (rs.spec.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0 && rs !== newRs)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      this.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
    }
  }
}

function view(rs: KubeObject | undefined): RsView {
  return {
    name: rs?.metadata.name ?? '',
    replicas: rs?.spec.replicas ?? 0,
    available: rs?.status?.availableReplicas ?? 0,
    creationTimestamp: rs?.metadata.creationTimestamp ?? '',
    desired: annotationNumber(rs, DESIRED),
    maxReplicas: annotationNumber(rs, MAX),
  };
}

function annotationNumber(rs: KubeObject | undefined, key: string): number | undefined {
  const v = rs?.metadata.annotations?.[key];
  return v === undefined || !/^\d+$/.test(v) ? undefined : Number(v);
}
