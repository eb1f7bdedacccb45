/**
 * ControllerRevisions of StatefulSets and DaemonSets, as their controllers keep them: one per
 * distinct pod template (`<owner>-<hash>`, data = the template as a strategic merge patch with
 * `$patch: replace`, which is what `kubectl rollout undo` applies), numbered in order of use (a
 * template used again gets the next number), old ones pruned to revisionHistoryLimit.
 */
import type { SimClock } from '../clock';
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { controllerRef } from '../kube/owner-ref';
import { ownedBy } from './workload-base';

/** Makes `<owner>-<hash>` the newest revision of `owner`; returns its name. */
export function recordRevision(store: ObjectStore, clock: SimClock, owner: KubeObject, hash: string, inUse: Set<string>): string {
  const ns = owner.metadata.namespace;
  const name = `${owner.metadata.name}-${hash}`;
  const revisions = ownedBy(store, 'controllerrevisions', owner);
  const newest = Math.max(0, ...revisions.map((r) => Number(r.revision ?? 0)));
  const existing = revisions.find((r) => r.metadata.name === name);
  if (!existing) {
    const template = structuredClone(owner.spec.template);
    store.create(
      'controllerrevisions',
      {
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: {
          name,
          namespace: ns,
          labels: { ...(template.metadata?.labels ?? {}), 'controller.kubernetes.io/hash': hash },
          annotations: owner.metadata.annotations?.['kubernetes.io/change-cause']
            ? { 'kubernetes.io/change-cause': owner.metadata.annotations['kubernetes.io/change-cause'] }
            : undefined,
          ownerReferences: [controllerRef(owner)],
        },
        data: { spec: { template: { ...template, $patch: 'replace' } } },
        revision: newest + 1,
      },
      clock.nowIso(),
    );
  } else if (Number(existing.revision) !== newest) {
    const bumped = store.clone('controllerrevisions', ns, name)!;
    bumped.revision = newest + 1;
    store.update('controllerrevisions', bumped);
  }
  prune(store, owner, new Set([...inUse, name]));
  return name;
}

function prune(store: ObjectStore, owner: KubeObject, keep: Set<string>): void {
  const limit: number = owner.spec.revisionHistoryLimit ?? 10;
  const old = ownedBy(store, 'controllerrevisions', owner)
    .filter((r) => !keep.has(r.metadata.name))
    .sort((a, b) => Number(a.revision) - Number(b.revision));
  for (const r of old.slice(0, Math.max(0, old.length - limit))) store.delete('controllerrevisions', r.metadata.namespace, r.metadata.name);
}
