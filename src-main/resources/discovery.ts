/**
 * Discovery of one cluster, as kubectl does it: /api (core v1) and /apis (every group, its
 * preferred version), then each group version's resource list. Only top-level resources that can
 * be listed and watched are kept (no subresources like pods/log). Custom resources are groups like
 * any other, so CRDs appear here with no special case.
 */
import type { Result } from '../../src-shared/result';
import { ok } from '../../src-shared/result';
import type { ReflectorTransport } from '../watch/reflector';

export interface DiscoveredKind {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
  shortNames?: string[];
}
interface ApiGroupList {
  groups?: { name: string; preferredVersion?: { version: string }; versions?: { version: string }[] }[];
}

const canListWatch = (r: ApiResource) => !r.name.includes('/') && !!r.verbs?.includes('list') && r.verbs.includes('watch');

async function groupVersion(t: ReflectorTransport, group: string, version: string): Promise<Result<DiscoveredKind[]>> {
  const path = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const r = await t.getJson<{ resources?: ApiResource[] }>(path, { verb: 'get', resource: 'discovery' });
  if (!r.ok) return r;
  return ok(
    (r.value.resources ?? []).filter(canListWatch).map((x) => ({
      group,
      version,
      resource: x.name,
      kind: x.kind,
      namespaced: x.namespaced,
      shortNames: (x.shortNames ?? []).slice(0, 32),
    })),
  );
}

/** Every listable, watchable type of the cluster. A group that fails alone is skipped (an aggregated API being down must not hide the rest). */
export async function discoverKinds(t: ReflectorTransport): Promise<Result<DiscoveredKind[]>> {
  const groups = await t.getJson<ApiGroupList>('/apis', { verb: 'get', resource: 'discovery' });
  if (!groups.ok) return groups;
  const versions: [string, string][] = [['', 'v1']];
  for (const g of groups.value.groups ?? []) {
    const v = g.preferredVersion?.version ?? g.versions?.[0]?.version;
    if (v) versions.push([g.name, v]);
  }
  const lists = await Promise.all(versions.map(([g, v]) => groupVersion(t, g, v)));
  const core = lists[0]!;
  if (!core.ok) return core;
  return ok(lists.flatMap((l) => (l.ok ? l.value : [])));
}
