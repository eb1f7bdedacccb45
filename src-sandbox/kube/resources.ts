/**
 * The resource types the sandbox serves, with what discovery, routing and field selectors need.
 */
export type ResourceName = 'namespaces' | 'nodes' | 'pods' | 'deployments' | 'replicasets' | 'events';

export interface ResourceInfo {
  name: ResourceName;
  group: '' | 'apps';
  version: 'v1';
  kind: string;
  listKind: string;
  singularName: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  categories?: string[];
  subresources: { name: string; kind: string; group?: string; version?: string; verbs: string[] }[];
}

const readWrite = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const RESOURCES: Record<ResourceName, ResourceInfo> = {
  namespaces: {
    name: 'namespaces', group: '', version: 'v1', kind: 'Namespace', listKind: 'NamespaceList',
    singularName: 'namespace', namespaced: false, shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: [],
  },
  nodes: {
    name: 'nodes', group: '', version: 'v1', kind: 'Node', listKind: 'NodeList', singularName: 'node',
    namespaced: false, shortNames: ['no'], verbs: readWrite, subresources: [],
  },
  pods: {
    name: 'pods', group: '', version: 'v1', kind: 'Pod', listKind: 'PodList', singularName: 'pod',
    namespaced: true, shortNames: ['po'], verbs: readWrite, categories: ['all'],
    subresources: [{ name: 'log', kind: 'Pod', verbs: ['get'] }],
  },
  events: {
    name: 'events', group: '', version: 'v1', kind: 'Event', listKind: 'EventList', singularName: 'event',
    namespaced: true, shortNames: ['ev'], verbs: readWrite, subresources: [],
  },
  deployments: {
    name: 'deployments', group: 'apps', version: 'v1', kind: 'Deployment', listKind: 'DeploymentList',
    singularName: 'deployment', namespaced: true, shortNames: ['deploy'], verbs: readWrite, categories: ['all'],
    subresources: [{ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] }],
  },
  replicasets: {
    name: 'replicasets', group: 'apps', version: 'v1', kind: 'ReplicaSet', listKind: 'ReplicaSetList',
    singularName: 'replicaset', namespaced: true, shortNames: ['rs'], verbs: readWrite, categories: ['all'],
    subresources: [{ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] }],
  },
};

export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

export function resourcesOfGroup(group: '' | 'apps'): ResourceInfo[] {
  return Object.values(RESOURCES).filter((r) => r.group === group);
}

/** Values of the fields a fieldSelector may name, per resource (as the real apiserver allows). */
export function fieldValue(resource: ResourceName, obj: Record<string, unknown>, field: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const o = obj as any;
  switch (field) {
    case 'metadata.name': return o.metadata?.name ?? '';
    case 'metadata.namespace': return o.metadata?.namespace ?? '';
  }
  if (resource === 'pods') {
    if (field === 'spec.nodeName') return o.spec?.nodeName ?? '';
    if (field === 'status.phase') return o.status?.phase ?? '';
    if (field === 'spec.restartPolicy') return o.spec?.restartPolicy ?? '';
    if (field === 'spec.schedulerName') return o.spec?.schedulerName ?? '';
    if (field === 'spec.serviceAccountName') return o.spec?.serviceAccountName ?? '';
    if (field === 'status.podIP') return o.status?.podIP ?? '';
  }
  if (resource === 'events') {
    if (field.startsWith('involvedObject.')) return String(o.involvedObject?.[field.slice('involvedObject.'.length)] ?? '');
    if (field === 'reason') return o.reason ?? '';
    if (field === 'type') return o.type ?? '';
    if (field === 'source') return o.source?.component ?? '';
    if (field === 'reportingComponent') return o.reportingComponent ?? '';
  }
  if (resource === 'namespaces' && field === 'status.phase') return o.status?.phase ?? '';
  if (resource === 'nodes' && field === 'spec.unschedulable') return String(o.spec?.unschedulable ?? false);
  return undefined;
}
