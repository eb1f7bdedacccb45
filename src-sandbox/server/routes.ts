/**
 * Parses API paths the way the apiserver's request-info resolver does:
 * /api/v1[/watch][/namespaces/{ns}]/{resource}[/{name}[/{subresource}]] and the same under
 * /apis/{group}/{version}. `/api/v1/namespaces/{name}` is the namespace object itself.
 */
import { RESOURCES } from '../kube/resources';
import type { ResourceInfo, ResourceName } from '../kube/resources';

export interface ResourceRoute {
  info: ResourceInfo;
  namespace?: string;
  name?: string;
  subresource?: string;
  /** Legacy `/watch/` path prefix. */
  watchPath: boolean;
}

export type Route =
  { kind: 'resource'; route: ResourceRoute } | { kind: 'unknown-resource'; group: string; resource: string } | { kind: 'other' };

export function parseResourcePath(pathname: string): Route {
  const segs = pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let group: string;
  let rest: string[];
  if (segs[0] === 'api' && segs[1] === 'v1') {
    group = '';
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 3) {
    group = segs[1]!;
    if (segs[2] !== 'v1') return { kind: 'other' };
    rest = segs.slice(3);
  } else return { kind: 'other' };
  if (rest.length === 0) return { kind: 'other' };
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource, ...extra] = rest;
  if (!resource || extra.length > 0) return { kind: 'other' };
  const info = RESOURCES[resource as ResourceName] as ResourceInfo | undefined;
  if (!info || info.group !== group) return { kind: 'unknown-resource', group, resource };
  if (namespace !== undefined && !info.namespaced) return { kind: 'unknown-resource', group, resource };
  return { kind: 'resource', route: { info, namespace, name, subresource, watchPath } };
}
