/**
 * Consistent paging: pages after the first show the objects as they were at the first page's
 * resourceVersion, as etcd serves a continue token from that revision. The store keeps current
 * objects only, so a past state is the current one with the retained change events after that
 * version rolled back (the earliest change to a key after it holds the key's state at it).
 */
import type { ResourceName } from '../kube/resources';
import { RESOURCES } from '../kube/resources';
import type { ObjectStore, StoredObject } from '../kube/store';
import { keyOf } from '../kube/store';
import { decodeContinue, encodeContinue } from './query';
import { ApiError } from './status';

/**
 * Where a list page reads from: the live objects for a first page; for a `continue` token, the
 * objects as they were at the token's resourceVersion (410 Expired when that is no longer known).
 */
export function pageSource(
  store: ObjectStore,
  resource: ResourceName,
  namespace: string | undefined,
  cont: string | null,
): { listRv: number; source: Iterable<[string, StoredObject]> } {
  if (!cont) return { listRv: store.resourceVersion, source: store.list(resource, namespace) };
  const token = decodeContinue(cont);
  const overlay = stateOverlay(store, resource, token.rv);
  if (!overlay) throw continueExpired(token.start);
  return { listRv: token.rv, source: listWithOverlay(store, resource, namespace, token.start, overlay) };
}

/** A continue token older than the retained history: 410, with a token to go on inconsistently. */
function continueExpired(start: string): ApiError {
  return new ApiError(
    410,
    'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
    undefined,
    { continue: encodeContinue(0, start) },
  );
}

/** Per key changed since `rv`: its state at `rv` (null: did not exist); undefined when `rv` is compacted away. */
export function stateOverlay(store: ObjectStore, resource: ResourceName, rv: number): Map<string, StoredObject | null> | undefined {
  const events = store.eventsSince(rv);
  if (!events) return undefined;
  const namespaced = RESOURCES[resource].namespaced;
  const overlay = new Map<string, StoredObject | null>();
  for (const e of events) {
    if (e.resource !== resource) continue;
    const m = e.object.obj.metadata;
    const key = keyOf(namespaced ? m.namespace : undefined, m.name);
    if (!overlay.has(key)) overlay.set(key, e.type === 'ADDED' ? null : (e.previous ?? null));
  }
  return overlay;
}

/** The store's key-ordered list with `overlay` applied: the objects as they were. */
export function* listWithOverlay(
  store: ObjectStore,
  resource: ResourceName,
  namespace: string | undefined,
  afterKey: string | undefined,
  overlay: Map<string, StoredObject | null>,
): Generator<[string, StoredObject]> {
  const prefix = namespace ? `${namespace}/` : '';
  const extra = [...overlay.keys()].filter((k) => (!prefix || k.startsWith(prefix)) && (afterKey === undefined || k > afterKey)).sort();
  let i = 0;
  const fromOverlay = function* (until?: string): Generator<[string, StoredObject]> {
    for (; i < extra.length && (until === undefined || extra[i]! < until); i++) {
      const v = overlay.get(extra[i]!);
      if (v) yield [extra[i]!, v];
    }
  };
  for (const [key, s] of store.list(resource, namespace, afterKey)) {
    yield* fromOverlay(key);
    if (extra[i] === key) i++;
    if (overlay.has(key)) {
      const v = overlay.get(key);
      if (v) yield [key, v];
    } else yield [key, s];
  }
  yield* fromOverlay();
}
