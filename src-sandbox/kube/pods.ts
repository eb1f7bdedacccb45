/**
 * Pure helpers over Pod objects: readiness and availability as the controllers judge them, and
 * building a new Pod from a ReplicaSet's template.
 */
import type { SimClock } from '../clock';
import { defaultPod } from './defaults';
import { controllerRef } from './owner-ref';
import type { Condition, KubeObject } from './types';

export function condition(obj: KubeObject, type: string): Condition | undefined {
  return (obj.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);
}

export function isPodActive(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

export function isPodReady(pod: KubeObject): boolean {
  return condition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds (simulated), as podutil.IsPodAvailable. */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, clock: SimClock): boolean {
  const ready = condition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (minReadySeconds <= 0 || !ready.lastTransitionTime) return true;
  return clock.simElapsedMs(ready.lastTransitionTime) >= minReadySeconds * 1000;
}

export function podFromTemplate(rs: KubeObject, name: string): KubeObject {
  const template = structuredClone(rs.spec.template) as { metadata?: Record<string, unknown>; spec: Record<string, unknown> };
  const meta = template.metadata ?? {};
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: { ...((meta.labels as Record<string, string> | undefined) ?? {}) },
      ownerReferences: [controllerRef(rs, 'apps/v1', 'ReplicaSet')],
    },
    spec: template.spec,
  };
  if (meta.annotations) pod.metadata.annotations = { ...(meta.annotations as Record<string, string>) };
  defaultPod(pod);
  return pod;
}
