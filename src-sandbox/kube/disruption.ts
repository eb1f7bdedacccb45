/**
 * PodDisruptionBudget arithmetic as the disruption controller does it: expected pods from the
 * scale of the pods' controllers (or the pod count for an integer minAvailable), desired healthy
 * from minAvailable / maxUnavailable, healthy = Ready and not terminating.
 */
import { resolveIntOrPercent } from '../../src-shared/k8s/rolling-update';
import { isPodReady } from './pods';
import { labelSelectorMatcher } from './selectors';
import type { ResourceName } from './resources';
import type { ObjectStore } from './store';
import type { KubeObject } from './types';

export interface BudgetStatus {
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptionsAllowed: number;
}

const SCALED: Record<string, ResourceName> = { ReplicaSet: 'replicasets', StatefulSet: 'statefulsets' };

export function podsOfBudget(store: ObjectStore, pdb: KubeObject): KubeObject[] {
  if (!pdb.spec?.selector) return [];
  const match = labelSelectorMatcher(pdb.spec.selector);
  const out: KubeObject[] = [];
  for (const [, s] of store.list('pods', pdb.metadata.namespace)) if (match(s.obj.metadata.labels)) out.push(s.obj);
  return out;
}

export function budgetsOfPod(store: ObjectStore, pod: KubeObject): KubeObject[] {
  const out: KubeObject[] = [];
  for (const [, s] of store.list('poddisruptionbudgets', pod.metadata.namespace)) {
    if (s.obj.spec?.selector && labelSelectorMatcher(s.obj.spec.selector)(pod.metadata.labels)) out.push(s.obj);
  }
  return out;
}

export function budgetStatus(store: ObjectStore, pdb: KubeObject): BudgetStatus {
  const pods = podsOfBudget(store, pdb).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const currentHealthy = pods.filter((p) => !p.metadata.deletionTimestamp && isPodReady(p)).length;
  const { minAvailable, maxUnavailable } = pdb.spec ?? {};
  let expectedPods = pods.length;
  let desiredHealthy = 0;
  if (typeof minAvailable === 'number') desiredHealthy = minAvailable;
  else {
    expectedPods = controllersScale(store, pods) ?? pods.length;
    if (minAvailable !== undefined) desiredHealthy = resolveIntOrPercent(minAvailable, expectedPods, true, 0);
    else if (maxUnavailable !== undefined)
      desiredHealthy = Math.max(0, expectedPods - resolveIntOrPercent(maxUnavailable, expectedPods, true, 0));
  }
  return { currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) };
}

/** The summed spec.replicas of the pods' distinct controllers, when every pod has a scalable one. */
function controllersScale(store: ObjectStore, pods: KubeObject[]): number | undefined {
  const seen = new Map<string, number>();
  for (const p of pods) {
    const ref = p.metadata.ownerReferences?.find((o) => o.controller);
    const resource = ref && SCALED[ref.kind];
    if (!ref || !resource) return undefined;
    if (seen.has(ref.uid)) continue;
    const owner = store.get(resource, p.metadata.namespace, ref.name)?.obj;
    if (!owner) return undefined;
    seen.set(ref.uid, owner.spec?.replicas ?? 0);
  }
  return [...seen.values()].reduce((a, b) => a + b, 0);
}
