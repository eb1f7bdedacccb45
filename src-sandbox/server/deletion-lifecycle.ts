/**
 * What happens after a DELETE that does not remove the object at once, as the apiserver, the
 * garbage collector and the namespace controller do it:
 * - finalizers: an object with metadata.finalizers gets a deletionTimestamp and stays until an
 *   update empties them;
 * - propagationPolicy=Foreground: the owner gets the `foregroundDeletion` finalizer and stays
 *   (deletionTimestamp set) until every dependent is gone; dependents that own objects themselves
 *   are deleted in the foreground too;
 * - propagationPolicy=Orphan: dependents lose their ownerReferences to the owner and keep running;
 * - namespace deletion: phase Terminating, every object in it deleted (workload controllers first,
 *   pods gracefully), then the namespace itself goes.
 * Background propagation is the controller manager's garbage collector.
 */
import type { ResourceInfo, ResourceName } from '../kube/resources';
import { RESOURCES } from '../kube/resources';
import type { ObjectStore, StoredObject } from '../kube/store';
import type { KubeObject } from '../kube/types';

export const FOREGROUND = 'foregroundDeletion';

/** Owners before what they own, so controllers never recreate what a namespace deletion removed. */
const OWNERS_FIRST: string[] = ['cronjobs', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'replicasets'];

const timestamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class DeletionLifecycle {
  /** Owners waiting for dependents (`resource|namespace|name`) and terminating namespaces. */
  private readonly waiting = new Set<string>();
  private readonly terminating = new Set<string>();
  private scheduled = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ObjectStore) {
    // Anything gone (or appearing in a terminating namespace) may let a waiting deletion finish.
    this.unsubscribe = store.subscribe((e) => {
      if (!this.waiting.size && !this.terminating.size) return;
      if (e.type === 'DELETED' || (e.type === 'ADDED' && this.terminating.has(e.object.obj.metadata.namespace ?? ''))) this.schedule();
    });
    // Deletions in progress when the sandbox (re)starts its API server resume.
    for (const r of Object.keys(RESOURCES) as ResourceName[]) {
      for (const s of store.values(r)) {
        if (s.obj.metadata.finalizers?.includes(FOREGROUND)) this.waiting.add(key(r, s.obj));
        if (r === 'namespaces' && s.obj.metadata.deletionTimestamp) this.terminating.add(s.obj.metadata.name);
      }
    }
    if (this.waiting.size || this.terminating.size) this.schedule();
  }

  close(): void {
    this.unsubscribe();
  }

  /** Marks `current` as being deleted, keeping it until `finalizers` are gone. */
  markDeleting(info: ResourceInfo, current: StoredObject, finalizers: string[], dryRun: boolean): StoredObject {
    const obj = JSON.parse(current.json) as KubeObject;
    obj.metadata.deletionTimestamp ??= timestamp();
    obj.metadata.deletionGracePeriodSeconds ??= 0;
    obj.metadata.finalizers = [...new Set([...(obj.metadata.finalizers ?? []), ...finalizers])];
    const stored = this.store.update(info.name, obj, { dryRun });
    if (!dryRun && finalizers.includes(FOREGROUND)) {
      this.waiting.add(key(info.name, obj));
      this.schedule();
    }
    return stored;
  }

  terminateNamespace(current: StoredObject, dryRun: boolean): StoredObject {
    const ns = JSON.parse(current.json) as KubeObject;
    ns.metadata.deletionTimestamp ??= timestamp();
    ns.metadata.deletionGracePeriodSeconds ??= 0;
    ns.status = { ...ns.status, phase: 'Terminating' };
    const stored = this.store.update('namespaces', ns, { dryRun });
    if (!dryRun) {
      this.terminating.add(ns.metadata.name);
      this.schedule();
    }
    return stored;
  }

  /** Orphan propagation: every dependent drops its ownerReference to `owner`. */
  orphanDependents(owner: KubeObject): void {
    for (const [resource, dep] of this.dependents(owner)) {
      const copy = JSON.parse(dep.json) as KubeObject;
      copy.metadata.ownerReferences = copy.metadata.ownerReferences!.filter((r) => r.uid !== owner.metadata.uid);
      if (copy.metadata.ownerReferences.length === 0) delete copy.metadata.ownerReferences;
      this.store.update(resource, copy);
    }
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      for (const k of [...this.waiting]) this.advanceForeground(k);
      for (const ns of [...this.terminating]) this.advanceNamespace(ns);
    });
  }

  private advanceForeground(k: string): void {
    const [resource, namespace, name] = k.split('|') as [ResourceName, string, string];
    const owner = this.store.get(resource, namespace || undefined, name);
    if (!owner?.obj.metadata.finalizers?.includes(FOREGROUND)) {
      this.waiting.delete(k);
      return;
    }
    const deps = this.dependents(owner.obj);
    for (const [r, dep] of deps) {
      if (dep.obj.metadata.deletionTimestamp) continue;
      if (this.dependents(dep.obj).length) this.markDeleting(RESOURCES[r], dep, [FOREGROUND], false);
      else this.deleteNow(r, dep);
    }
    if (deps.length) return;
    this.waiting.delete(k);
    const copy = JSON.parse(owner.json) as KubeObject;
    copy.metadata.finalizers = copy.metadata.finalizers!.filter((f) => f !== FOREGROUND);
    if (copy.metadata.finalizers.length) this.store.update(resource, copy);
    else this.store.delete(resource, namespace || undefined, name);
  }

  private advanceNamespace(ns: string): void {
    const current = this.store.get('namespaces', undefined, ns);
    if (!current) {
      this.terminating.delete(ns);
      return;
    }
    const resources = (Object.keys(RESOURCES) as ResourceName[]).filter((r) => RESOURCES[r].namespaced).sort((a, b) => rank(a) - rank(b));
    let remaining = 0;
    for (const r of resources) {
      for (const [, s] of [...this.store.list(r, ns)]) {
        remaining++;
        if (!s.obj.metadata.deletionTimestamp) this.deleteNow(r, s);
      }
    }
    if (remaining) return;
    this.terminating.delete(ns);
    this.store.delete('namespaces', undefined, ns);
  }

  /** Deletes one object the way a Background DELETE would (pods gracefully, finalizers honoured). */
  private deleteNow(resource: ResourceName, s: StoredObject): void {
    const { namespace, name } = s.obj.metadata;
    if (resource === 'pods' || s.obj.metadata.finalizers?.length) {
      const copy = JSON.parse(s.json) as KubeObject;
      const grace = resource === 'pods' ? (copy.spec?.terminationGracePeriodSeconds ?? 30) : 0;
      copy.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      copy.metadata.deletionGracePeriodSeconds = grace;
      this.store.update(resource, copy);
      return;
    }
    this.store.delete(resource, namespace, name);
  }

  /** Objects with an ownerReference to `owner` (same namespace; everywhere for cluster-scoped owners). */
  private dependents(owner: KubeObject): [ResourceName, StoredObject][] {
    const uid = owner.metadata.uid;
    const out: [ResourceName, StoredObject][] = [];
    for (const r of Object.keys(RESOURCES) as ResourceName[]) {
      if (owner.metadata.namespace && !RESOURCES[r].namespaced) continue;
      for (const [, s] of this.store.list(r, owner.metadata.namespace)) {
        if (s.obj.metadata.ownerReferences?.some((o) => o.uid === uid)) out.push([r, s]);
      }
    }
    return out;
  }
}

function key(resource: ResourceName, obj: KubeObject): string {
  return `${resource}|${obj.metadata.namespace ?? ''}|${obj.metadata.name}`;
}

function rank(resource: string): number {
  const i = OWNERS_FIRST.indexOf(resource);
  return i < 0 ? OWNERS_FIRST.length : i;
}
