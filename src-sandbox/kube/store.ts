/**
 * One cluster's object store: every object kept once, with its JSON pre-serialised when it changes
 * (lists and watches write those strings and never re-serialise), a cluster-wide resourceVersion
 * counter like etcd's revision, and a bounded window of change events per resource for watches to
 * resume from (as kube-apiserver's watch cache is per resource: node Lease renewals do not push
 * pod events out of reach).
 */
import { randomUUID } from 'node:crypto';
import type { ResourceName } from './resources';
import { GENERATION_RESOURCES, RESOURCES, apiVersionOf } from './resources';
import { Interner } from './interner';
import type { KubeObject } from './types';

export interface StoredObject {
  readonly obj: KubeObject;
  /** JSON of `obj`, exactly as sent on the wire. */
  readonly json: string;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeEvent {
  rv: number;
  resource: ResourceName;
  type: ChangeType;
  object: StoredObject;
  /** The previous version, for MODIFIED (lets watchers with selectors emit DELETED when an object leaves). */
  previous?: StoredObject;
}

export type ChangeListener = (e: ChangeEvent) => void;

export class StoreError extends Error {
  constructor(
    readonly code: 404 | 409 | 410 | 422,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export const keyOf = (namespace: string | undefined, name: string): string => (namespace ? `${namespace}/${name}` : name);

export class ObjectStore {
  private rv: number;
  private readonly tables = new Map<ResourceName, Map<string, StoredObject>>();
  private readonly sortedKeys = new Map<ResourceName, string[] | null>();
  /** Per resource: its recent change events, and the highest resourceVersion no longer among
   * them (watches from before it get 410 Expired). */
  private readonly windows = new Map<ResourceName, { events: ChangeEvent[]; compactedRv: number }>();
  private readonly startRv: number;
  private readonly listeners = new Set<ChangeListener>();
  private readonly interner = new Interner();
  private pendingDispatch: ChangeEvent[] = [];
  private dispatching = false;

  /**
   * resourceVersions start from the wall clock in ms, so a restarted sandbox process always counts
   * above any version a client kept from the previous one (which then gets 410 and relists).
   */
  constructor(
    private readonly windowSize = 10_000,
    startRv = Date.now(),
  ) {
    this.rv = startRv;
    this.startRv = startRv;
    for (const r of Object.keys(RESOURCES) as ResourceName[]) this.tables.set(r, new Map());
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch of `resource` (or of every resource) can resume from. */
  oldestResumableRv(resource?: ResourceName): number {
    if (resource) return this.windows.get(resource)?.compactedRv ?? this.startRv;
    return Math.max(this.startRv, ...[...this.windows.values()].map((w) => w.compactedRv));
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(resource: ResourceName, namespace: string | undefined, name: string): StoredObject | undefined {
    return this.table(resource).get(keyOf(namespace, name));
  }

  /** A deep copy to modify and pass back to `update`. */
  clone<T extends KubeObject = KubeObject>(resource: ResourceName, namespace: string | undefined, name: string): T | undefined {
    const s = this.get(resource, namespace, name);
    return s ? (JSON.parse(s.json) as T) : undefined;
  }

  /** `prefix` + a random 5-character suffix not yet taken (generateName semantics). */
  freeName(resource: ResourceName, namespace: string | undefined, prefix: string): string {
    for (;;) {
      const name = prefix + randomSuffix();
      if (!this.get(resource, namespace, name)) return name;
    }
  }

  count(resource: ResourceName): number {
    return this.table(resource).size;
  }

  /** Objects in key order (namespace/name), optionally one namespace only, starting after `afterKey`. */
  *list(resource: ResourceName, namespace?: string, afterKey?: string): Generator<[string, StoredObject]> {
    const table = this.table(resource);
    let keys = this.sortedKeys.get(resource);
    if (!keys) {
      keys = [...table.keys()].sort();
      this.sortedKeys.set(resource, keys);
    }
    const prefix = namespace ? `${namespace}/` : '';
    let start = prefix ? lowerBound(keys, prefix) : 0;
    if (afterKey !== undefined) start = Math.max(start, upperBound(keys, afterKey));
    for (let i = start; i < keys.length; i++) {
      const key = keys[i]!;
      if (prefix && !key.startsWith(prefix)) break;
      const s = table.get(key);
      if (s) yield [key, s];
    }
  }

  /** Plain iteration without ordering, for controllers. */
  values(resource: ResourceName): IterableIterator<StoredObject> {
    return this.table(resource).values();
  }

  /** `dryRun`: everything a create checks and fills in, returned without being stored (no version, no event). */
  create(resource: ResourceName, input: KubeObject, nowIso: string, opts: { dryRun?: boolean } = {}): StoredObject {
    const info = RESOURCES[resource];
    const obj = input;
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = this.freeName(resource, meta.namespace ?? 'default', meta.generateName);
    if (!meta.name)
      throw new StoreError(422, 'Invalid', `${info.kind} is invalid: metadata.name: Required value: name or generateName is required`);
    if (info.namespaced && !meta.namespace) meta.namespace = 'default';
    if (!info.namespaced) delete meta.namespace;
    const key = keyOf(meta.namespace, meta.name);
    if (this.table(resource).has(key)) {
      throw new StoreError(409, 'AlreadyExists', `${resource}${info.group ? '.' + info.group : ''} "${meta.name}" already exists`);
    }
    obj.apiVersion = apiVersionOf(info);
    obj.kind = info.kind;
    meta.uid = randomUUID();
    meta.creationTimestamp ??= nowIso;
    if (GENERATION_RESOURCES.has(resource)) meta.generation = 1;
    if (opts.dryRun) return dryRunResult(obj, undefined);
    return this.commit(resource, key, obj, 'ADDED');
  }

  /**
   * Stores a new version. If `obj.metadata.resourceVersion` is set and stale, 409 Conflict, as a PUT
   * with a stale version gets from the API server.
   */
  update(resource: ResourceName, obj: KubeObject, opts: { checkVersion?: boolean; dryRun?: boolean } = {}): StoredObject {
    const info = RESOURCES[resource];
    const key = keyOf(info.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name);
    const current = this.table(resource).get(key);
    if (!current) throw notFound(resource, obj.metadata.name);
    if (opts.checkVersion && obj.metadata.resourceVersion && obj.metadata.resourceVersion !== current.obj.metadata.resourceVersion) {
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resource}${info.group ? '.' + info.group : ''} "${obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    // Identity fields are owned by the store, whatever the caller sent.
    obj.apiVersion = current.obj.apiVersion;
    obj.kind = current.obj.kind;
    obj.metadata.uid = current.obj.metadata.uid;
    obj.metadata.creationTimestamp = current.obj.metadata.creationTimestamp;
    if (opts.dryRun) return dryRunResult(obj, current);
    return this.commit(resource, key, obj, 'MODIFIED', current);
  }

  delete(resource: ResourceName, namespace: string | undefined, name: string, opts: { dryRun?: boolean } = {}): StoredObject {
    const key = keyOf(RESOURCES[resource].namespaced ? namespace : undefined, name);
    const current = this.table(resource).get(key);
    if (!current) throw notFound(resource, name);
    if (opts.dryRun) return current;
    const obj = JSON.parse(current.json) as KubeObject;
    return this.commit(resource, key, obj, 'DELETED', current);
  }

  /** Change events of `resource` (or of all) after `rv`, or undefined when no longer retained (410 Expired). */
  eventsSince(rv: number, resource?: ResourceName): ChangeEvent[] | undefined {
    if (rv < this.oldestResumableRv(resource)) return undefined;
    const windows = resource ? [this.windows.get(resource)?.events ?? []] : [...this.windows.values()].map((w) => w.events);
    const out = windows.flatMap((events) => {
      let lo = 0;
      let hi = events.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (events[mid]!.rv <= rv) lo = mid + 1;
        else hi = mid;
      }
      return events.slice(lo);
    });
    return resource ? out : out.sort((a, b) => a.rv - b.rv);
  }

  private commit(resource: ResourceName, key: string, obj: KubeObject, type: ChangeType, previous?: StoredObject): StoredObject {
    this.rv++;
    obj.metadata.resourceVersion = String(this.rv);
    if (resource === 'pods') this.share(obj);
    const stored: StoredObject = { obj, json: JSON.stringify(obj) };
    const table = this.table(resource);
    if (type === 'DELETED') {
      table.delete(key);
      this.sortedKeys.set(resource, null);
    } else {
      if (type === 'ADDED') this.sortedKeys.set(resource, null);
      table.set(key, stored);
    }
    const event: ChangeEvent = { rv: this.rv, resource, type, object: stored, previous };
    let w = this.windows.get(resource);
    if (!w) this.windows.set(resource, (w = { events: [], compactedRv: this.startRv }));
    w.events.push(event);
    if (w.events.length > this.windowSize * 1.25) {
      const drop = w.events.length - this.windowSize;
      w.compactedRv = w.events[drop - 1]!.rv;
      w.events = w.events.slice(drop);
    }
    this.dispatch(event);
    return stored;
  }

  /** Pods of one ReplicaSet share these sub-objects (see Interner). */
  private share(pod: KubeObject): void {
    const i = this.interner;
    const m = pod.metadata;
    if (m.labels) m.labels = i.intern(m.labels);
    if (m.ownerReferences) m.ownerReferences = i.intern(m.ownerReferences);
    if (pod.spec) {
      for (const k of ['containers', 'tolerations', 'securityContext']) if (pod.spec[k]) pod.spec[k] = i.intern(pod.spec[k]);
    }
    if (pod.status?.conditions) pod.status.conditions = i.intern(pod.status.conditions);
    if (pod.status?.hostIPs) pod.status.hostIPs = i.intern(pod.status.hostIPs);
  }

  /**
   * Listeners may write to the store (a kubelet recording an Event); those writes are delivered
   * after the current event has reached every listener, so all watchers see resourceVersion order.
   */
  private dispatch(event: ChangeEvent): void {
    this.pendingDispatch.push(event);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let i = 0; i < this.pendingDispatch.length; i++) {
        const e = this.pendingDispatch[i]!;
        for (const l of this.listeners) {
          try {
            l(e);
          } catch (err) {
            // One broken watcher or controller must not stop delivery to the others.
            console.error('[sandbox store] change listener failed:', err);
          }
        }
      }
    } finally {
      this.pendingDispatch = [];
      this.dispatching = false;
    }
  }

  private table(resource: ResourceName): Map<string, StoredObject> {
    return this.tables.get(resource)!;
  }
}

/** What a dry-run write answers: the object as it would be stored, under the version it has now. */
function dryRunResult(obj: KubeObject, current: StoredObject | undefined): StoredObject {
  if (current) obj.metadata.resourceVersion = current.obj.metadata.resourceVersion;
  else delete obj.metadata.resourceVersion;
  return { obj, json: JSON.stringify(obj) };
}

export function notFound(resource: ResourceName, name: string): StoreError {
  const info = RESOURCES[resource];
  return new StoreError(404, 'NotFound', `${resource}${info.group ? '.' + info.group : ''} "${name}" not found`);
}

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
export function randomSuffix(n = 5): string {
  let s = '';
  for (let i = 0; i < n; i++) s += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return s;
}

function lowerBound(keys: string[], x: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(keys: string[], x: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
