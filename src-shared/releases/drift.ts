/**
 * Drift check: what changed between the snapshot a plan was made against and the live state, so
 * that a person signs off every difference before the plan runs. Pure: both sides have the
 * Snapshot shape. The sign-off is bound to a fingerprint of the list, so a sign-off given for one
 * set of differences does not cover a later, different set.
 */
import { deploymentKey, type Snapshot, type SnapshotDeployment } from './snapshot';

export const driftKinds = [
  'cluster-missing', // in the snapshot, not live (unreachable or removed)
  'cluster-added',
  'deployment-missing',
  'deployment-added',
  'image-changed',
  'replicas-changed',
  'revision-changed',
  'paused-changed',
  'labels-changed',
] as const;
export type DriftKind = (typeof driftKinds)[number];

export interface DriftItem {
  kind: DriftKind;
  clusterId: string;
  /** `cluster/namespace/name`, absent for cluster-level items. */
  key?: string;
  before?: string;
  after?: string;
  message: string;
}

export interface DriftOptions {
  /** Only these deployment keys matter (e.g. the plan's targets); others are ignored. */
  only?: ReadonlySet<string>;
}

export function diffSnapshots(snapshot: Snapshot, live: Snapshot, opts: DriftOptions = {}): DriftItem[] {
  const items: DriftItem[] = [];
  const liveById = new Map(live.clusters.map((c) => [c.clusterId, c]));
  const relevant = (key: string) => !opts.only || opts.only.has(key);
  for (const snap of snapshot.clusters) {
    const now = liveById.get(snap.clusterId);
    if (!now) {
      if (snap.deployments.some((d) => relevant(deploymentKey(snap.clusterId, d.namespace, d.name)))) {
        items.push({
          kind: 'cluster-missing',
          clusterId: snap.clusterId,
          message: `Cluster ${snap.clusterId} has no live state (unreachable or removed).`,
        });
      }
      continue;
    }
    const liveDeps = new Map(now.deployments.map((d) => [`${d.namespace}/${d.name}`, d]));
    for (const before of snap.deployments) {
      const key = deploymentKey(snap.clusterId, before.namespace, before.name);
      if (!relevant(key)) continue;
      const after = liveDeps.get(`${before.namespace}/${before.name}`);
      liveDeps.delete(`${before.namespace}/${before.name}`);
      if (!after) {
        items.push({ kind: 'deployment-missing', clusterId: snap.clusterId, key, message: `${key} no longer exists.` });
        continue;
      }
      items.push(...compareDeployment(snap.clusterId, key, before, after));
    }
    for (const added of liveDeps.values()) {
      const key = deploymentKey(snap.clusterId, added.namespace, added.name);
      if (relevant(key))
        items.push({
          kind: 'deployment-added',
          clusterId: snap.clusterId,
          key,
          after: added.images.join(', '),
          message: `${key} is new since the snapshot.`,
        });
    }
  }
  const snapIds = new Set(snapshot.clusters.map((c) => c.clusterId));
  for (const c of live.clusters) {
    if (!snapIds.has(c.clusterId) && !opts.only)
      items.push({ kind: 'cluster-added', clusterId: c.clusterId, message: `Cluster ${c.clusterId} is not in the snapshot.` });
  }
  return items;
}

function compareDeployment(clusterId: string, key: string, a: SnapshotDeployment, b: SnapshotDeployment): DriftItem[] {
  const out: DriftItem[] = [];
  const push = (kind: DriftKind, before: string, after: string, what: string) =>
    out.push({ kind, clusterId, key, before, after, message: `${key}: ${what} changed from ${before} to ${after}.` });
  const imgA = [...a.images].sort().join(', ');
  const imgB = [...b.images].sort().join(', ');
  if (imgA !== imgB) push('image-changed', imgA, imgB, 'images');
  if (a.replicas !== b.replicas) push('replicas-changed', String(a.replicas), String(b.replicas), 'replicas');
  if ((a.revision ?? '') !== (b.revision ?? '')) push('revision-changed', a.revision ?? 'none', b.revision ?? 'none', 'revision');
  if (a.paused !== b.paused) push('paused-changed', String(a.paused), String(b.paused), 'paused');
  const labA = `app=${a.app ?? ''} group=${a.group ?? ''}`;
  const labB = `app=${b.app ?? ''} group=${b.group ?? ''}`;
  if (labA !== labB) push('labels-changed', labA, labB, 'labels');
  return out;
}

/**
 * A short stable fingerprint of a drift list (FNV-1a over the items). The planner stores it with
 * the sign-off; the executor refuses to start when the live drift no longer has that fingerprint.
 */
export function driftFingerprint(items: readonly DriftItem[]): string {
  const text = items
    .map((i) => `${i.kind}|${i.clusterId}|${i.key ?? ''}|${i.before ?? ''}|${i.after ?? ''}`)
    .sort()
    .join('\n');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${items.length}-${h.toString(16).padStart(8, '0')}`;
}
