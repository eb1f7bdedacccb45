import type { MatrixFilter, SyncMatrix } from '../../src-shared/images/contract';
import { follows } from '../../src-shared/images/follow';
import { computeMatrix } from '../../src-shared/images/matrix';
import type { AppError } from '../../src-shared/result';
import type { RegistryConfig } from './registry-config';
import type { RegistrySnapshot } from './registry-snapshot';
import { replicationObservations, sourceRegionFromPolicies, type ReplicationView } from './replication-view';

/**
 * The sync matrix from the registries' snapshots (no I/O): which regions could be read and since
 * when not, which repositories each region follows, where each row came from, and the source
 * region (the user's choice, else the one Harbor's replication policies push from).
 */

export interface MatrixState {
  view: ReplicationView;
  /** Registries whose fetch overran the refresh budget, since when. */
  slow: Map<string, number>;
  /** Registries whose last fetch failed, since when (first failure after a success). */
  failingSince: Map<string, number>;
  priority: Set<string>;
  /** The deployment's fixed source region (sandbox), used when no registry is marked as source. */
  defaultSourceRegion?: string;
}

export function sourceRegionOf(s: MatrixState): string | undefined {
  return s.view.registries.find((r) => r.source)?.region ?? s.defaultSourceRegion ?? sourceRegionFromPolicies(s.view);
}

/** A region follows a repository when any of its registries does (by its last snapshot's rule, else its settings). */
function regionFollows(registries: RegistryConfig[], snapshots: Map<string, RegistrySnapshot>) {
  const byRegion = new Map<string, RegistryConfig[]>();
  for (const r of registries) byRegion.set(r.region, [...(byRegion.get(r.region) ?? []), r]);
  return (region: string, repository: string) =>
    (byRegion.get(region) ?? []).some((r) => {
      const rule = snapshots.get(r.id)?.follow ?? { include: r.include, exclude: r.exclude, projects: r.projects };
      return follows(rule, repository);
    });
}

export function matrixFrom(s: MatrixState, filter?: MatrixFilter): SyncMatrix {
  const { registries, snapshots, now } = s.view;
  const regions = [...new Set(registries.map((r) => r.region))];
  const readable = new Set<string>();
  const regionErrors = new Map<string, AppError>();
  const registryErrors: { registryId: string; error: AppError }[] = [];
  const since = new Map<string, number>();
  for (const r of registries) {
    const snap = snapshots.get(r.id);
    const slowSince = s.slow.get(r.id);
    if (slowSince !== undefined) {
      const error: AppError = {
        code: 'timeout',
        message: snap
          ? `${r.name} is slow to answer: showing its data from ${new Date(snap.fetchedAt).toISOString()}.`
          : `${r.name} is slow to answer: no data yet.`,
      };
      registryErrors.push({ registryId: r.id, error });
      if (!snap) regionErrors.set(r.region, error);
    }
    const failing = s.failingSince.get(r.id) ?? (snap ? undefined : slowSince);
    if (failing !== undefined) since.set(r.region, Math.min(since.get(r.region) ?? Infinity, failing));
    if (!snap) continue;
    if (snap.error) {
      regionErrors.set(r.region, {
        code: snap.error.code,
        message: snap.error.message,
        ...(snap.error.status !== undefined ? { status: snap.error.status } : {}),
      });
      registryErrors.push({ registryId: r.id, error: snap.error });
    } else readable.add(r.region);
    // An unreachable Harbor fails both parts with the same error: say it once.
    if (snap.replicationError && snap.replicationError.message !== snap.error?.message)
      registryErrors.push({ registryId: r.id, error: snap.replicationError });
  }
  const sources = new Map<string, string[]>();
  for (const snap of snapshots.values())
    for (const [repo, list] of snap.sources) {
      const merged = sources.get(repo) ?? [];
      for (const x of list) if (!merged.includes(x)) merged.push(x);
      sources.set(repo, merged);
    }
  return computeMatrix({
    regions,
    observations: [...snapshots.values()].filter((x) => !x.error).flatMap((x) => x.tags),
    readableRegions: readable,
    regionErrors,
    registryErrors,
    replication: replicationObservations(s.view),
    priority: s.priority,
    now,
    filter,
    sourceRegion: sourceRegionOf(s),
    follows: regionFollows(registries, snapshots),
    sources,
    unreadableSince: since,
  });
}
