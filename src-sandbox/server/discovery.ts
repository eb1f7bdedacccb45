/**
 * Discovery documents. We serve the legacy (unaggregated) forms: kubectl asks for aggregated
 * discovery first but accepts APIVersions / APIGroupList / APIResourceList, as it must for older
 * servers.
 */
import { resourcesOfGroup } from '../kube/resources';

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

const appsGroup = {
  name: 'apps',
  versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
  preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
};

export function groupList(): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [appsGroup] };
}

export function group(name: string): Record<string, unknown> | undefined {
  return name === 'apps' ? { kind: 'APIGroup', apiVersion: 'v1', ...appsGroup } : undefined;
}

export function resourceList(group: '' | 'apps'): Record<string, unknown> {
  const resources: Record<string, unknown>[] = [];
  for (const r of resourcesOfGroup(group)) {
    const entry: Record<string, unknown> = {
      name: r.name, singularName: r.singularName, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs,
    };
    if (r.shortNames.length) entry.shortNames = r.shortNames;
    if (r.categories) entry.categories = r.categories;
    resources.push(entry);
    for (const sub of r.subresources) {
      const s: Record<string, unknown> = { name: `${r.name}/${sub.name}`, singularName: '', namespaced: r.namespaced, kind: sub.kind, verbs: sub.verbs };
      if (sub.group) s.group = sub.group;
      if (sub.version) s.version = sub.version;
      resources.push(s);
    }
    if (r.name === 'deployments' || r.name === 'replicasets' || r.name === 'pods' || r.name === 'nodes' || r.name === 'namespaces') {
      resources.push({ name: `${r.name}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/v1` : 'v1', resources };
}

