/**
 * Create-only review kinds, answered and never stored: SelfSubjectAccessReview (`kubectl auth
 * can-i`), SelfSubjectRulesReview (`kubectl auth can-i --list`) and SelfSubjectReview (`kubectl
 * auth whoami`). The sandbox's one user is a cluster
 * admin, so every access review is allowed, as for a member of system:masters, except what the
 * cluster's access rules deny (access.ts).
 */
import type { ResourceName } from '../kube/resources';
import { isDenied, reviewAttributes, type AccessRule } from './access';

/** Who the sandbox's bearer token authenticates as. */
export const SANDBOX_USER = {
  username: 'system:serviceaccount:sandbox:capstan',
  uid: '6a1f6d5c-1f64-4b1b-9f3e-5a9d2c5e7a10',
  groups: ['system:masters', 'system:serviceaccounts', 'system:serviceaccounts:sandbox', 'system:authenticated'],
};

/**
 * The answer to a review create. `body` is the request when it was JSON; kubectl's typed clients
 * may send protobuf, which this layer does not decode, so the answer must not depend on it.
 */
export function answerReview(
  resource: ResourceName,
  body: unknown,
  nowIso: string,
  deny: readonly AccessRule[] = [],
): Record<string, unknown> {
  const req = (typeof body === 'object' && body !== null ? body : {}) as {
    metadata?: Record<string, unknown>;
    spec?: Record<string, unknown>;
  };
  const metadata = { creationTimestamp: nowIso, ...(req.metadata ?? {}) };
  if (resource === 'selfsubjectreviews') {
    return { kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata, status: { userInfo: SANDBOX_USER } };
  }
  if (resource === 'selfsubjectrulesreviews') {
    // cluster-admin's rules, as the RBAC authorizer lists them for system:masters.
    return {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata,
      spec: req.spec ?? {},
      status: {
        resourceRules: [
          { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
          { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
        ],
        nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false,
      },
    };
  }
  const attrs = reviewAttributes(req.spec);
  // As RBAC answers a denial: allowed false, no reason, not `denied` (that is for explicit deny authorizers).
  const status =
    attrs && isDenied(deny, attrs)
      ? { allowed: false }
      : { allowed: true, reason: 'allowed by the sandbox: its user is a cluster admin (system:masters)' };
  return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata, spec: req.spec ?? {}, status };
}
