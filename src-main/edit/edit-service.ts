/**
 * Edit, apply, create and delete, live against the object's API server.
 *
 *   const edits = new EditService({ connection, discover });
 *   await edits.liveYaml(ref);                                   // what the editor starts from
 *   await edits.apply({ clusterId, yaml, mode: 'replace', dryRun: true });   // PUT ?dryRun=All
 *   await edits.deletePreview(ref); await edits.delete(ref, 'Background');
 *
 * Replace sends the edited object with the resourceVersion it was loaded at: a newer version on
 * the server is a 409, answered with the live YAML so the user can rebase. Invalid fields (422)
 * come back placed at their lines. Delete says first what goes with the object: its dependents,
 * found through ownerReferences among the kinds that controllers create.
 */
import { parseDocument, stringify } from 'yaml';
import type { ApplyResult, Dependent } from '../../src-shared/edit/contract';
import { fieldErrors } from '../../src-shared/edit/field-errors';
import type { KubeList, KubeObject } from '../../src-shared/k8s/types';
import type { ResourceRef, ResourceType } from '../../src-shared/resources/contract';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { DiscoveredKind } from '../resources/discovery';
import { objectPath } from '../resources/resource-detail';
import { collectionPath } from '../resources/type-watch';
import type { ReflectorTransport } from '../watch/reflector';

export interface EditDeps {
  connection(clusterId: string): ReflectorTransport | undefined;
  discover(clusterId: string): Promise<DiscoveredKind[] | string>;
}

/** Kinds whose objects controllers create and own: where a cascade can reach. */
const DEPENDENT_TYPES: (ResourceType & { kind: string })[] = [
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet' },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod' },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job' },
  { group: 'apps', version: 'v1', resource: 'controllerrevisions', kind: 'ControllerRevision' },
  { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', kind: 'EndpointSlice' },
];

/** What the editor shows: no managedFields, no status (the server owns it), no noise a PUT ignores. */
export function editableYaml(o: KubeObject): string {
  const { managedFields: _m, ...metadata } = o.metadata ?? {};
  const { status: _s, ...rest } = o as KubeObject & { status?: unknown };
  return stringify({ ...rest, metadata });
}

export class EditService {
  constructor(private readonly deps: EditDeps) {}

  private conn(clusterId: string): Result<ReflectorTransport> {
    const c = this.deps.connection(clusterId);
    return c ? ok(c) : err('not-found', `Cluster "${clusterId}" is not connected. Open it in the cluster overview first.`, { clusterId });
  }

  async liveYaml(ref: ResourceRef): Promise<Result<{ yaml: string }>> {
    if (ref.type.group === '' && ref.type.resource === 'secrets') {
      return err(
        'forbidden-sender',
        'Secrets are not edited here: their values never reach this window. Use kubectl, or create a new Secret from YAML.',
        { clusterId: ref.clusterId },
      );
    }
    const c = this.conn(ref.clusterId);
    if (!c.ok) return c;
    const got = await c.value.getJson<KubeObject>(objectPath(ref), { verb: 'get', resource: ref.type.resource });
    return got.ok ? ok({ yaml: editableYaml(got.value) }) : got;
  }

  async apply(req: { clusterId: string; yaml: string; mode: 'replace' | 'create'; dryRun: boolean }): Promise<Result<ApplyResult>> {
    const doc = parseDocument(req.yaml);
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      return ok({
        outcome: 'invalid',
        message: `The YAML does not parse: ${e.message}`,
        fieldErrors: [{ field: '(yaml)', message: e.message, ...(e.linePos?.[0] ? { line: e.linePos[0].line } : {}) }],
      });
    }
    const obj = doc.toJSON() as KubeObject | null;
    if (!obj || typeof obj !== 'object' || Array.isArray(obj) || !obj.apiVersion || !obj.kind || !obj.metadata?.name) {
      return ok({ outcome: 'invalid', message: 'The YAML must be one object with apiVersion, kind and metadata.name.', fieldErrors: [] });
    }
    const [group, version] = obj.apiVersion.includes('/') ? (obj.apiVersion.split('/') as [string, string]) : ['', obj.apiVersion];
    const kinds = await this.deps.discover(req.clusterId);
    if (typeof kinds === 'string') return err('cluster-unreachable', kinds, { clusterId: req.clusterId });
    const k = kinds.find((x) => x.group === group && x.kind === obj.kind);
    if (!k)
      return ok({
        outcome: 'invalid',
        message: `Cluster "${req.clusterId}" serves no ${obj.kind} in ${obj.apiVersion}.`,
        fieldErrors: fieldErrors(req.yaml, 'x is invalid: kind: Unsupported value'),
      });
    const type: ResourceType = { group, version: version || k.version, resource: k.resource };
    const namespace = k.namespaced ? (obj.metadata.namespace ?? 'default') : '';
    if (k.namespaced) obj.metadata.namespace = namespace;
    const ref: ResourceRef = { clusterId: req.clusterId, type, namespace, name: obj.metadata.name };
    const c = this.conn(req.clusterId);
    if (!c.ok) return c;
    const dry = req.dryRun ? '?dryRun=All' : '';
    const r =
      req.mode === 'replace'
        ? await c.value.getJson<KubeObject>(`${objectPath(ref)}${dry}`, { method: 'PUT', verb: 'update', resource: k.resource, body: obj })
        : await c.value.getJson<KubeObject>(`${collectionPath(type, namespace || undefined)}${dry}`, {
            method: 'POST',
            verb: 'create',
            resource: k.resource,
            body: obj,
          });
    if (r.ok) return ok({ outcome: req.dryRun ? 'dry-run' : 'applied', yaml: editableYaml(r.value), ref });
    if (r.error.status === 409 && req.mode === 'replace') {
      const live = await this.liveYaml(ref);
      return ok({ outcome: 'conflict', message: r.error.message.slice(0, 4000), liveYaml: live.ok ? live.value.yaml : '' });
    }
    if (r.error.status === 422 || r.error.status === 400 || (r.error.status === 409 && req.mode === 'create')) {
      return ok({ outcome: 'invalid', message: r.error.message.slice(0, 4000), fieldErrors: fieldErrors(req.yaml, r.error.message) });
    }
    return r;
  }

  async deletePreview(ref: ResourceRef): Promise<Result<{ kind: string; dependents: Dependent[] }>> {
    const c = this.conn(ref.clusterId);
    if (!c.ok) return c;
    const got = await c.value.getJson<KubeObject>(objectPath(ref), { verb: 'get', resource: ref.type.resource });
    if (!got.ok) return got;
    // Owners are in the same namespace; list each dependent kind there once.
    const lists = await Promise.all(
      DEPENDENT_TYPES.map(async (t) => {
        const r = await c.value.getJson<KubeList<KubeObject>>(collectionPath(t, ref.namespace || undefined), {
          verb: 'list',
          resource: t.resource,
        });
        return (r.ok ? (r.value.items ?? []) : []).map((o) => ({ kind: t.kind, o }));
      }),
    );
    const byOwner = new Map<string, { kind: string; o: KubeObject }[]>();
    for (const item of lists.flat())
      for (const owner of item.o.metadata.ownerReferences ?? []) {
        const l = byOwner.get(owner.uid) ?? [];
        l.push(item);
        byOwner.set(owner.uid, l);
      }
    const out: Dependent[] = [];
    const walk = (uid: string | undefined, depth: number) => {
      if (!uid || depth > 5) return;
      for (const d of byOwner.get(uid) ?? []) {
        out.push({ kind: d.kind, namespace: d.o.metadata.namespace ?? '', name: d.o.metadata.name ?? '', depth });
        walk(d.o.metadata.uid, depth + 1);
      }
    };
    walk(got.value.metadata.uid, 1);
    return ok({ kind: got.value.kind ?? ref.type.resource, dependents: out.slice(0, 5000) });
  }

  async delete(ref: ResourceRef, propagation: 'Background' | 'Foreground' | 'Orphan'): Promise<Result<{ type: ResourceType }>> {
    const c = this.conn(ref.clusterId);
    if (!c.ok) return c;
    const r = await c.value.getJson(objectPath(ref), {
      method: 'DELETE',
      verb: 'delete',
      resource: ref.type.resource,
      body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: propagation },
    });
    return r.ok ? ok({ type: ref.type }) : r;
  }
}
