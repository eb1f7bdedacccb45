/**
 * The permission check's questions on the wire: one SelfSubjectAccessReview per permission
 * (authorization.k8s.io/v1, answered by the cluster's authorizers for the kubeconfig's identity),
 * and one SelfSubjectReview (authentication.k8s.io/v1, `kubectl auth whoami`) for the name the
 * RoleBinding snippet should bind.
 */
import { err, ok } from '../../src-shared/result';
import type { ClusterService } from '../clusters/cluster-service';
import type { AccessReviewer, WhoAmI } from './permission-check';

export function accessReviewer(clusters: Pick<ClusterService, 'connection'>): AccessReviewer {
  return async (clusterId, n) => {
    const conn = clusters.connection(clusterId);
    if (!conn) return err('cluster-unreachable', `Cluster ${clusterId} is not connected.`, { clusterId });
    const body = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: n.verb, group: n.group, resource: n.resource, namespace: n.namespace } },
    };
    const r = await conn.getJson<{ status?: { allowed?: boolean } }>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      method: 'POST',
      body,
      contentType: 'application/json',
      verb: 'create',
      resource: 'selfsubjectaccessreviews',
    });
    return r.ok ? ok({ allowed: r.value.status?.allowed === true }) : r;
  };
}

export function whoAmI(clusters: Pick<ClusterService, 'connection'>): WhoAmI {
  return async (clusterId) => {
    const conn = clusters.connection(clusterId);
    if (!conn) return undefined;
    const r = await conn.getJson<{ status?: { userInfo?: { username?: string } } }>('/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      method: 'POST',
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      contentType: 'application/json',
      verb: 'create',
      resource: 'selfsubjectreviews',
    });
    return r.ok ? r.value.status?.userInfo?.username : undefined;
  };
}
