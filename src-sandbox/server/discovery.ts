/**
 * Discovery documents. We serve the legacy (unaggregated) forms: kubectl asks for aggregated
 * discovery first but accepts APIVersions / APIGroupList / APIResourceList, as it must for older
 * servers.
 */
import type { GroupName } from '../kube/resources';
import { RESOURCES, resourcesOfGroup } from '../kube/resources';

export const KUBE_VERSION = { major: '1', minor: '35', gitVersion: 'v1.35.0' };

export function versionInfo(): Record<string, string> {
  return {
    ...KUBE_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.25.0',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function coreVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** The served API groups, apps first as kube-apiserver orders them; each at v1. */
function servedGroups(): {
  name: string;
  versions: { groupVersion: string; version: string }[];
  preferredVersion: { groupVersion: string; version: string };
}[] {
  const names = [
    ...new Set(
      Object.values(RESOURCES)
        .map((r) => r.group)
        .filter((g) => g !== ''),
    ),
  ];
  return names.map((name) => ({
    name,
    versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
    preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
  }));
}

export function groupList(): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: servedGroups() };
}

export function group(name: string): Record<string, unknown> | undefined {
  const g = servedGroups().find((x) => x.name === name);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...g } : undefined;
}

/** `/apis/{group}/v1` of a served group. */
export function isServedGroup(name: string): name is GroupName {
  return servedGroups().some((g) => g.name === name);
}

export function resourceList(group: GroupName): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [];
  for (const r of resourcesOfGroup(group)) {
    const entry: Record<string, unknown> = {
      name: r.name,
      singularName: r.singularName,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames.length) entry.shortNames = r.shortNames;
    if (r.categories) entry.categories = r.categories;
    resources.push(entry);
    for (const sub of r.subresources) {
      const s: Record<string, unknown> = {
        name: `${r.name}/${sub.name}`,
        singularName: '',
        namespaced: r.namespaced,
        kind: sub.kind,
        verbs: sub.verbs,
      };
      if (sub.group) s.group = sub.group;
      if (sub.version) s.version = sub.version;
      resources.push(s);
    }
    if (HAS_STATUS.has(r.name)) {
      resources.push({
        name: `${r.name}/status`,
        singularName: '',
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/v1` : 'v1', resources };
}

const HAS_STATUS = new Set([
  'deployments',
  'replicasets',
  'pods',
  'nodes',
  'namespaces',
  'services',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'poddisruptionbudgets',
]);
