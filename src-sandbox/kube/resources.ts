/**
 * The resource types the sandbox serves, with what discovery, routing and field selectors need.
 */
export type ResourceName =
  | 'namespaces'
  | 'nodes'
  | 'pods'
  | 'deployments'
  | 'replicasets'
  | 'events'
  | 'services'
  | 'endpointslices'
  | 'configmaps'
  | 'secrets'
  | 'serviceaccounts'
  | 'leases'
  | 'statefulsets'
  | 'daemonsets'
  | 'jobs'
  | 'cronjobs'
  | 'poddisruptionbudgets'
  | 'selfsubjectaccessreviews'
  | 'selfsubjectreviews'
  | 'selfsubjectrulesreviews'
  | 'controllerrevisions'
  | 'endpoints';

/** API groups the sandbox serves (all at version v1). */
export type GroupName =
  '' | 'apps' | 'batch' | 'policy' | 'coordination.k8s.io' | 'discovery.k8s.io' | 'authorization.k8s.io' | 'authentication.k8s.io';

export interface ResourceInfo {
  name: ResourceName;
  group: GroupName;
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
    name: 'namespaces',
    group: '',
    version: 'v1',
    kind: 'Namespace',
    listKind: 'NamespaceList',
    singularName: 'namespace',
    namespaced: false,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [],
  },
  nodes: {
    name: 'nodes',
    group: '',
    version: 'v1',
    kind: 'Node',
    listKind: 'NodeList',
    singularName: 'node',
    namespaced: false,
    shortNames: ['no'],
    verbs: readWrite,
    subresources: [],
  },
  pods: {
    name: 'pods',
    group: '',
    version: 'v1',
    kind: 'Pod',
    listKind: 'PodList',
    singularName: 'pod',
    namespaced: true,
    shortNames: ['po'],
    verbs: readWrite,
    categories: ['all'],
    subresources: [
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    ],
  },
  events: {
    name: 'events',
    group: '',
    version: 'v1',
    kind: 'Event',
    listKind: 'EventList',
    singularName: 'event',
    namespaced: true,
    shortNames: ['ev'],
    verbs: readWrite,
    subresources: [],
  },
  deployments: {
    name: 'deployments',
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    listKind: 'DeploymentList',
    singularName: 'deployment',
    namespaced: true,
    shortNames: ['deploy'],
    verbs: readWrite,
    categories: ['all'],
    subresources: [{ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] }],
  },
  replicasets: {
    name: 'replicasets',
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    listKind: 'ReplicaSetList',
    singularName: 'replicaset',
    namespaced: true,
    shortNames: ['rs'],
    verbs: readWrite,
    categories: ['all'],
    subresources: [{ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] }],
  },
  ...CLUSTER_KINDS(),
};

/** The kinds every real cluster serves beyond the workloads above (services, config, batch, policy, auth reviews). */
function CLUSTER_KINDS(): Record<
  Exclude<ResourceName, 'namespaces' | 'nodes' | 'pods' | 'deployments' | 'replicasets' | 'events'>,
  ResourceInfo
> {
  const kind = (
    name: ResourceName,
    group: GroupName,
    kind: string,
    shortNames: string[],
    extra: Partial<ResourceInfo> = {},
  ): ResourceInfo => ({
    name,
    group,
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    singularName: kind.toLowerCase(),
    namespaced: true,
    shortNames,
    verbs: readWrite,
    subresources: [],
    ...extra,
  });
  const scale = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
  return {
    services: kind('services', '', 'Service', ['svc'], { categories: ['all'] }),
    endpointslices: kind('endpointslices', 'discovery.k8s.io', 'EndpointSlice', []),
    endpoints: kind('endpoints', '', 'Endpoints', ['ep'], { singularName: 'endpoints' }),
    configmaps: kind('configmaps', '', 'ConfigMap', ['cm']),
    secrets: kind('secrets', '', 'Secret', []),
    serviceaccounts: kind('serviceaccounts', '', 'ServiceAccount', ['sa']),
    leases: kind('leases', 'coordination.k8s.io', 'Lease', []),
    statefulsets: kind('statefulsets', 'apps', 'StatefulSet', ['sts'], { categories: ['all'], subresources: [scale] }),
    daemonsets: kind('daemonsets', 'apps', 'DaemonSet', ['ds'], { categories: ['all'] }),
    controllerrevisions: kind('controllerrevisions', 'apps', 'ControllerRevision', []),
    jobs: kind('jobs', 'batch', 'Job', [], { categories: ['all'] }),
    cronjobs: kind('cronjobs', 'batch', 'CronJob', ['cj'], { categories: ['all'] }),
    poddisruptionbudgets: kind('poddisruptionbudgets', 'policy', 'PodDisruptionBudget', ['pdb']),
    selfsubjectaccessreviews: kind('selfsubjectaccessreviews', 'authorization.k8s.io', 'SelfSubjectAccessReview', [], {
      namespaced: false,
      verbs: ['create'],
    }),
    selfsubjectreviews: kind('selfsubjectreviews', 'authentication.k8s.io', 'SelfSubjectReview', [], {
      namespaced: false,
      verbs: ['create'],
    }),
    selfsubjectrulesreviews: kind('selfsubjectrulesreviews', 'authorization.k8s.io', 'SelfSubjectRulesReview', [], {
      namespaced: false,
      verbs: ['create'],
    }),
  };
}

/** Kinds that are only ever created and answered, never stored (access and identity reviews). */
export const REVIEW_RESOURCES = new Set<ResourceName>(['selfsubjectaccessreviews', 'selfsubjectreviews', 'selfsubjectrulesreviews']);

/** Kinds whose spec changes bump metadata.generation (the controllers report observedGeneration). */
export const GENERATION_RESOURCES = new Set<ResourceName>([
  'deployments',
  'replicasets',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'poddisruptionbudgets',
]);

export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

export function resourcesOfGroup(group: GroupName): ResourceInfo[] {
  return Object.values(RESOURCES).filter((r) => r.group === group);
}

/** Values of the fields a fieldSelector may name, per resource (as the real apiserver allows). */
export function fieldValue(resource: ResourceName, obj: Record<string, unknown>, field: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const o = obj as any;
  switch (field) {
    case 'metadata.name':
      return o.metadata?.name ?? '';
    case 'metadata.namespace':
      return o.metadata?.namespace ?? '';
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
  if (resource === 'secrets' && field === 'type') return o.type ?? '';
  if (resource === 'jobs' && field === 'status.successful') return String(o.status?.succeeded ?? 0);
  if (resource === 'namespaces' && field === 'status.phase') return o.status?.phase ?? '';
  if (resource === 'nodes' && field === 'spec.unschedulable') return String(o.spec?.unschedulable ?? false);
  return undefined;
}
