/**
 * ClusterOps on top of the foundation's ClusterConnection (HTTP to one API server). The batch
 * driver uses the ClusterOps part; board row actions (restart, scale, undo...) use the JSON and
 * merge patches as kubectl sends them. The resourceVersion precondition travels in the patch body
 * (metadata.resourceVersion), which the API server turns into a 409 when the object moved on.
 */
import { labelSelectorString } from '../../src-shared/base/label-selector';
import type { Deployment, KubeList, Pod, ReplicaSet } from '../../src-shared/k8s/types';
import { err, type Result } from '../../src-shared/result';
import type { ClusterConnection } from '../clusters/cluster-connection';
import type { ClusterOps, DeploymentPatch, DeploymentWithStrategy, WriteOpts } from './batch-driver';
import { FIELD_MANAGER } from './deployment-watch';
import type { EventWriter } from './release-events';

const enc = encodeURIComponent;
const deploymentPath = (ns: string, name: string) => `/apis/apps/v1/namespaces/${enc(ns)}/deployments/${enc(name)}`;
const selectorQuery = (matchLabels: Record<string, string>) => enc(labelSelectorString({ matchLabels }));

export type JsonPatchOp = { op: 'replace' | 'add' | 'remove'; path: string; value?: unknown };

export class KubeClusterOps implements ClusterOps, EventWriter {
  /** `serverDryRun`: every write carries dryRun=All; the API server validates it and answers what it would store, storing nothing. */
  constructor(
    private readonly conn: () => ClusterConnection | undefined,
    private readonly clusterId: string,
    private readonly serverDryRun = false,
  ) {}

  /** The same cluster, with every write a server-side dry run (row-action previews). */
  dryRun(): KubeClusterOps {
    return new KubeClusterOps(this.conn, this.clusterId, true);
  }

  private c(): Result<ClusterConnection> {
    const conn = this.conn();
    return conn
      ? { ok: true, value: conn }
      : err('cluster-unreachable', `Cluster "${this.clusterId}" is not connected; it will be retried when it is.`, {
          clusterId: this.clusterId,
        });
  }

  async getDeployment(namespace: string, name: string, signal?: AbortSignal): Promise<Result<DeploymentWithStrategy>> {
    const c = this.c();
    if (!c.ok) return c;
    return c.value.getJson<DeploymentWithStrategy>(deploymentPath(namespace, name), { verb: 'get', resource: 'deployments', signal });
  }

  async patchDeployment(namespace: string, name: string, patch: DeploymentPatch, opts: WriteOpts): Promise<Result<DeploymentWithStrategy>> {
    const body = opts.resourceVersion ? { ...patch, metadata: { ...patch.metadata, resourceVersion: opts.resourceVersion } } : patch;
    return this.patch(namespace, name, body, 'application/strategic-merge-patch+json', opts.signal, opts.dryRun);
  }

  /** JSON patch (kubectl rollout undo replaces /spec/template this way). */
  jsonPatchDeployment(namespace: string, name: string, ops: JsonPatchOp[], signal?: AbortSignal): Promise<Result<DeploymentWithStrategy>> {
    return this.patch(namespace, name, ops, 'application/json-patch+json', signal);
  }

  mergePatchDeployment(namespace: string, name: string, patch: unknown, signal?: AbortSignal): Promise<Result<DeploymentWithStrategy>> {
    return this.patch(namespace, name, patch, 'application/merge-patch+json', signal);
  }

  private query(dryRun?: boolean): string {
    return `?fieldManager=${FIELD_MANAGER}${this.serverDryRun || dryRun ? '&dryRun=All' : ''}`;
  }

  private async patch(
    namespace: string,
    name: string,
    body: unknown,
    contentType: string,
    signal?: AbortSignal,
    dryRun?: boolean,
  ): Promise<Result<DeploymentWithStrategy>> {
    const c = this.c();
    if (!c.ok) return c;
    const path = `${deploymentPath(namespace, name)}${this.query(dryRun)}`;
    return c.value.getJson<Deployment>(path, { method: 'PATCH', body, contentType, verb: 'patch', resource: 'deployments', signal });
  }

  async scaleReplicaSet(namespace: string, name: string, replicas: number, opts: WriteOpts): Promise<Result<ReplicaSet>> {
    const c = this.c();
    if (!c.ok) return c;
    const body = { metadata: opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : undefined, spec: { replicas } };
    const path = `/apis/apps/v1/namespaces/${enc(namespace)}/replicasets/${enc(name)}${this.query(opts.dryRun)}`;
    return c.value.getJson<ReplicaSet>(path, {
      method: 'PATCH',
      body,
      contentType: 'application/merge-patch+json',
      verb: 'patch',
      resource: 'replicasets',
      signal: opts.signal,
    });
  }

  async listReplicaSets(namespace: string, selector: Record<string, string>, signal?: AbortSignal): Promise<Result<ReplicaSet[]>> {
    const c = this.c();
    if (!c.ok) return c;
    const r = await c.value.getJson<KubeList<ReplicaSet>>(
      `/apis/apps/v1/namespaces/${enc(namespace)}/replicasets?labelSelector=${selectorQuery(selector)}`,
      { verb: 'list', resource: 'replicasets', signal },
    );
    return r.ok ? { ok: true, value: r.value.items } : r;
  }

  /** The Deployment's uid: `kubectl describe` finds Events by it. */
  async deploymentUid(namespace: string, name: string, signal?: AbortSignal): Promise<Result<string | undefined>> {
    const d = await this.getDeployment(namespace, name, signal);
    return d.ok ? { ok: true, value: d.value.metadata.uid } : d;
  }

  async createEvent(namespace: string, body: object, signal?: AbortSignal): Promise<Result<{ metadata: { name?: string } }>> {
    const c = this.c();
    if (!c.ok) return c;
    return c.value.getJson(`/api/v1/namespaces/${enc(namespace)}/events?fieldManager=${FIELD_MANAGER}`, {
      method: 'POST',
      body,
      contentType: 'application/json',
      verb: 'create',
      resource: 'events',
      signal,
    });
  }

  /** A repeat: count and lastTimestamp of an Event already written (merge patch, as client-go's recorder). */
  async patchEvent(namespace: string, name: string, patch: object, signal?: AbortSignal): Promise<Result<unknown>> {
    const c = this.c();
    if (!c.ok) return c;
    return c.value.getJson(`/api/v1/namespaces/${enc(namespace)}/events/${enc(name)}?fieldManager=${FIELD_MANAGER}`, {
      method: 'PATCH',
      body: patch,
      contentType: 'application/merge-patch+json',
      verb: 'patch',
      resource: 'events',
      signal,
    });
  }

  async listPods(namespace: string, selector: Record<string, string>, signal?: AbortSignal): Promise<Result<Pod[]>> {
    const c = this.c();
    if (!c.ok) return c;
    const r = await c.value.getJson<KubeList<Pod>>(`/api/v1/namespaces/${enc(namespace)}/pods?labelSelector=${selectorQuery(selector)}`, {
      verb: 'list',
      resource: 'pods',
      signal,
    });
    return r.ok ? { ok: true, value: r.value.items } : r;
  }
}
