/**
 * Per-cluster access rules: what the sandbox's one user may NOT do. By default nothing is denied
 * (a cluster admin). A rule names verbs, resources (`deployments`, `pods/log`, `*`), API groups and
 * namespaces (omitted = any); a request or an access review matching any rule is denied, as RBAC
 * would deny it: the request gets kube-apiserver's 403 Forbidden text, a SelfSubjectAccessReview
 * `allowed: false`. Tests use it to take one permission away (`patch deployments` in `shop` of one
 * cluster) and watch what a client does.
 */
import { SANDBOX_USER } from './reviews';

export interface AccessRule {
  verbs: string[];
  /** `resource` or `resource/subresource`; `*` matches any. */
  resources: string[];
  /** API groups ('' = core); omitted = any. */
  groups?: string[];
  /** Omitted = every namespace and the cluster scope. */
  namespaces?: string[];
}

export interface AccessAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

const anyOf = (list: string[] | undefined, v: string) => !list || list.includes('*') || list.includes(v);

export function isDenied(deny: readonly AccessRule[], a: AccessAttributes): boolean {
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return deny.some(
    (r) =>
      anyOf(r.verbs, a.verb) &&
      (r.resources.includes('*') || r.resources.includes(res)) &&
      anyOf(r.groups, a.group) &&
      (!r.namespaces || (a.namespace !== undefined && r.namespaces.includes(a.namespace))),
  );
}

/** kube-apiserver's wording (RBAC forbidden), e.g. `deployments.apps "x" is forbidden: User "u" cannot patch resource "deployments" in API group "apps" in the namespace "shop"`. */
export function forbiddenMessage(a: AccessAttributes): string {
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${subject} is forbidden: User "${SANDBOX_USER.username}" cannot ${a.verb} resource "${res}" in API group "${a.group}" ${scope}`;
}

/** The verb kube-apiserver's request-info resolver derives from a method and path shape. */
export function verbOf(method: string, hasName: boolean, watch: boolean): string {
  if (watch) return 'watch';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** An access review's resourceAttributes read as the authorizer reads them. */
export function reviewAttributes(spec: unknown): AccessAttributes | undefined {
  const ra = (spec as { resourceAttributes?: Record<string, unknown> } | undefined)?.resourceAttributes;
  if (!ra || typeof ra.resource !== 'string') return undefined;
  const s = (k: string) => (typeof ra[k] === 'string' && ra[k] !== '' ? (ra[k] as string) : undefined);
  return {
    verb: s('verb') ?? '',
    group: s('group') ?? '',
    resource: ra.resource,
    subresource: s('subresource'),
    namespace: s('namespace'),
    name: s('name'),
  };
}
