/**
 * What the StatefulSet, DaemonSet, Job and CronJob controllers share: their pods (found by
 * controller owner uid in the owner's namespace), pods made from a template, graceful deletes,
 * status writes only when something changed, and cascading deletion when the owner goes.
 */
import { defaultPod } from '../kube/defaults';
import { controllerRef } from '../kube/owner-ref';
import type { ResourceName } from '../kube/resources';
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { controllerOf } from './owner-index';

export function ownedBy(store: ObjectStore, resource: ResourceName, owner: KubeObject): KubeObject[] {
  const uid = owner.metadata.uid;
  const out: KubeObject[] = [];
  for (const [, s] of store.list(resource, owner.metadata.namespace)) if (controllerOf(s.obj)?.uid === uid) out.push(s.obj);
  return out;
}

/** A pod from a pod template (labels and annotations copied), owned by `owner`. */
export function podFromPodTemplate(
  owner: KubeObject,
  template: { metadata?: Record<string, unknown>; spec: Record<string, unknown> },
  name: string,
  extra: { labels?: Record<string, string>; generateName?: string } = {},
): KubeObject {
  const t = structuredClone(template);
  const meta = t.metadata ?? {};
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...((meta.labels as Record<string, string> | undefined) ?? {}), ...(extra.labels ?? {}) },
      ownerReferences: [controllerRef(owner)],
    },
    spec: t.spec,
  };
  if (extra.generateName) pod.metadata.generateName = extra.generateName;
  if (meta.annotations) pod.metadata.annotations = { ...(meta.annotations as Record<string, string>) };
  defaultPod(pod);
  return pod;
}

export function deleteGracefully(store: ObjectStore, pod: KubeObject): void {
  const copy = store.clone('pods', pod.metadata.namespace, pod.metadata.name);
  if (!copy || copy.metadata.deletionTimestamp) return;
  const grace = copy.spec?.terminationGracePeriodSeconds ?? 30;
  copy.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  copy.metadata.deletionGracePeriodSeconds = grace;
  store.update('pods', copy);
}

/** Writes `status` (merged over the current one) unless nothing changed. */
export function writeStatus(store: ObjectStore, resource: ResourceName, obj: KubeObject, status: Record<string, unknown>): void {
  const current = store.clone(resource, obj.metadata.namespace, obj.metadata.name);
  if (!current) return;
  const next = { ...(current.status ?? {}), ...status };
  for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k];
  if (JSON.stringify(next) === JSON.stringify(current.status ?? {})) return;
  current.status = next;
  store.update(resource, current);
}

/** Background cascading deletion: the dependents of a deleted owner go too (pods gracefully). */
export function collectDependents(store: ObjectStore, owner: KubeObject, resource: 'pods' | 'jobs' | 'controllerrevisions'): void {
  setImmediate(() => {
    for (const child of ownedBy(store, resource, owner)) {
      if (resource === 'pods') deleteGracefully(store, child);
      else if (store.get(resource, child.metadata.namespace, child.metadata.name))
        store.delete(resource, child.metadata.namespace, child.metadata.name);
    }
  });
}
