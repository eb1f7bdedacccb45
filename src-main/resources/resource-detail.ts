/**
 * The drawer's data for one object, read live from its API server: YAML (managedFields removed,
 * a Secret's values hidden), its events, and related objects (owners, selected pods, mounted
 * ConfigMaps and Secrets). Revealing one Secret key is its own call and nothing keeps the value.
 */
import { stringify } from 'yaml';
import type { KubeEvent, KubeList, KubeObject } from '../../src-shared/k8s/types';
import { timeOf } from '../../src-shared/k8s/types';
import type { ObjectEvent, Related, ResourceDetail, ResourceRef, ResourceType } from '../../src-shared/resources/contract';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { ReflectorTransport } from '../watch/reflector';
import { withoutManagedFields } from '../workloads/workload-service';
import { coreType, mountsOf, ownersOf, podSelectorOf, redactSecret } from './related';
import { collectionPath } from './type-watch';

export interface DetailDeps {
  connection(clusterId: string): ReflectorTransport | undefined;
  knownType(clusterId: string, group: string, kind: string): Promise<ResourceType | undefined>;
}

const MAX_EVENTS = 200;
const MAX_PODS = 200;

export const objectPath = (ref: Pick<ResourceRef, 'type' | 'namespace' | 'name'>) =>
  `${collectionPath(ref.type, ref.namespace || undefined)}/${encodeURIComponent(ref.name)}`;

function toObjectEvent(e: KubeEvent): ObjectEvent {
  const ev = e as KubeEvent & {
    series?: { count?: number; lastObservedTime?: string };
    eventTime?: string;
    reportingController?: string;
    source?: { component?: string };
  };
  const last =
    timeOf(ev.series?.lastObservedTime) ??
    timeOf(ev.lastTimestamp) ??
    timeOf(ev.eventTime) ??
    timeOf(ev.firstTimestamp) ??
    timeOf(ev.metadata.creationTimestamp);
  const source = ev.source?.component ?? ev.reportingController;
  return {
    type: (ev.type ?? 'Normal').slice(0, 63),
    reason: (ev.reason ?? '').slice(0, 253),
    message: (ev.message ?? '').slice(0, 4096),
    count: ev.series?.count ?? ev.count ?? 1,
    ...(last !== undefined ? { lastSeen: last } : {}),
    ...(source ? { source: source.slice(0, 253) } : {}),
  };
}

export async function resourceDetail(deps: DetailDeps, ref: ResourceRef): Promise<Result<ResourceDetail>> {
  const conn = deps.connection(ref.clusterId);
  if (!conn)
    return err('not-found', `Cluster "${ref.clusterId}" is not connected. Open it in the cluster overview first.`, {
      clusterId: ref.clusterId,
    });
  const got = await conn.getJson<KubeObject>(objectPath(ref), { verb: 'get', resource: ref.type.resource });
  if (!got.ok) return got;
  const { object, keys } = redactSecret(withoutManagedFields(got.value));
  const kind = got.value.kind ?? ref.type.resource;
  const ns = ref.namespace;
  const involved = `involvedObject.name=${ref.name},involvedObject.kind=${kind}`;
  const eventsPath = `${collectionPath(coreType('events'), ns || undefined)}?fieldSelector=${encodeURIComponent(involved)}&limit=${MAX_EVENTS}`;
  const selector = ns ? podSelectorOf(got.value) : undefined;
  const [events, pods, owners] = await Promise.all([
    conn.getJson<KubeList<KubeEvent>>(eventsPath, { verb: 'list', resource: 'events' }),
    selector
      ? conn.getJson<KubeList<KubeObject & { status?: { phase?: string } }>>(
          `${collectionPath(coreType('pods'), ns)}?labelSelector=${encodeURIComponent(selector)}&limit=${MAX_PODS}`,
          { verb: 'list', resource: 'pods' },
        )
      : undefined,
    resolveOwners(deps, ref.clusterId, got.value),
  ]);
  const related: Related[] = [...owners, ...mountsOf(got.value)];
  if (pods?.ok) {
    for (const p of pods.value.items ?? []) {
      related.push({
        relation: 'selected pod',
        type: coreType('pods'),
        kind: 'Pod',
        namespace: ns,
        name: p.metadata.name ?? '',
        ...(p.status?.phase ? { note: p.status.phase } : {}),
      });
    }
  }
  const evs = events.ok ? (events.value.items ?? []).map(toObjectEvent) : [];
  // Warnings first, then the most recent.
  evs.sort((a, b) => Number(b.type === 'Warning') - Number(a.type === 'Warning') || (b.lastSeen ?? 0) - (a.lastSeen ?? 0));
  return ok({
    kind,
    yaml: stringify(object),
    events: evs.slice(0, MAX_EVENTS),
    related: related.slice(0, 500),
    ...(keys ? { secretKeys: keys } : {}),
  });
}

async function resolveOwners(deps: DetailDeps, clusterId: string, o: KubeObject): Promise<Related[]> {
  const refs = o.metadata.ownerReferences ?? [];
  const types = new Map<string, ResourceType | undefined>();
  for (const r of refs) {
    const group = r.apiVersion.includes('/') ? r.apiVersion.split('/')[0]! : '';
    types.set(`${group}/${r.kind}`, await deps.knownType(clusterId, group, r.kind));
  }
  return ownersOf(o, (group, kind) => types.get(`${group}/${kind}`));
}

/** One key of one Secret, decoded; `binary` when it is not UTF-8 text (then the value is base64). */
export async function revealSecretKey(
  deps: Pick<DetailDeps, 'connection'>,
  req: { clusterId: string; namespace: string; name: string; key: string },
): Promise<Result<{ value: string; binary: boolean }>> {
  const conn = deps.connection(req.clusterId);
  if (!conn)
    return err('not-found', `Cluster "${req.clusterId}" is not connected. Open it in the cluster overview first.`, {
      clusterId: req.clusterId,
    });
  const got = await conn.getJson<KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> }>(
    objectPath({ type: coreType('secrets'), namespace: req.namespace, name: req.name }),
    { verb: 'get', resource: 'secrets' },
  );
  if (!got.ok) return got;
  const encoded = got.value.data?.[req.key];
  if (encoded === undefined) {
    const plain = got.value.stringData?.[req.key];
    if (plain !== undefined) return ok({ value: plain, binary: false });
    return err('not-found', `Secret ${req.namespace}/${req.name} has no key "${req.key}" any more. Refresh the drawer.`, {
      clusterId: req.clusterId,
    });
  }
  const bytes = Buffer.from(encoded, 'base64');
  try {
    return ok({ value: new TextDecoder('utf-8', { fatal: true }).decode(bytes), binary: false });
  } catch {
    return ok({ value: encoded, binary: true });
  }
}
