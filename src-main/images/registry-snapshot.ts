import { matchesPatterns, type FollowRule, type RepositorySource } from '../../src-shared/images/follow';
import type { TagObservation } from '../../src-shared/images/matrix';
import { splitRepository } from '../../src-shared/images/registry-api';
import type { AppError } from '../../src-shared/result';
import type { HarborClient } from './harbor-client';
import { harborTime, type HarborExecution, type HarborPolicy, type HarborTask } from './harbor-types';
import { createLimiter } from './http';

/**
 * One registry's view at a point in time: which repository:tag → digest it holds, and (Harbor)
 * its replication policies, recent executions and their tasks. Fetching reuses the previous
 * snapshot: a repository whose `update_time` and `artifact_count` did not change is not listed
 * again, and the tasks of finished executions are not fetched again, so a repeated refresh costs
 * a fraction of the first.
 */

export interface RegistrySnapshot {
  registryId: string;
  region: string;
  fetchedAt: number;
  /** Tags could not be read (the region's cells become unknown). */
  error?: AppError;
  tags: TagObservation[];
  /** Replication data could not be read (e.g. 403 for a robot without system permissions). */
  replicationError?: AppError;
  policies: HarborPolicy[];
  executions: HarborExecution[];
  tasks: Map<number, HarborTask[]>;
  /** Per repository: the listing key and its observations (reused when unchanged). */
  repoCache: Map<string, { key: string; tags: TagObservation[]; at: number }>;
  requests: number;
  /** Which repositories this registry follows (the rest are "not followed" in its region). */
  follow: FollowRule;
  /** How each repository read was found. */
  sources: Map<string, RepositorySource[]>;
  /** catalog / harbor: the registry lists its repositories; listed: it refused, a list is followed. */
  discovery: { mode: 'catalog' | 'harbor' | 'listed'; note?: string };
  /** OCI: when each `repository:tag` digest was last read from the registry (rotating revalidation). */
  checkedAt: Map<string, number>;
  /** What the next refresh costs if nothing changes (paces a view's refreshes); else `requests`. */
  steadyRequests?: number;
}

export function emptySnapshot(
  registryId: string,
  region: string,
  now: number,
  discovery: RegistrySnapshot['discovery'],
  follow: FollowRule,
): RegistrySnapshot {
  return {
    registryId,
    region,
    fetchedAt: now,
    tags: [],
    policies: [],
    executions: [],
    tasks: new Map(),
    repoCache: new Map(),
    requests: 0,
    follow,
    sources: new Map(),
    discovery,
    checkedAt: new Map(),
  };
}

export interface SnapshotOptions {
  registryId: string;
  region: string;
  projects?: string[];
  include?: string[];
  exclude?: string[];
  concurrency: number;
  /** Recent executions examined (newest first). */
  executionsWindow: number;
  previous?: RegistrySnapshot;
  now: number;
  /** A cached repository listing older than this is read again even if unchanged (default 5 min). */
  repoCacheMaxAgeMs?: number;
}

export async function fetchHarborSnapshot(client: HarborClient, o: SnapshotOptions): Promise<RegistrySnapshot> {
  const start = client.requests;
  const patterns = { ...(o.include?.length ? { include: o.include } : {}), ...(o.exclude?.length ? { exclude: o.exclude } : {}) };
  const snap = emptySnapshot(
    o.registryId,
    o.region,
    o.now,
    { mode: 'harbor' },
    { ...patterns, ...(o.projects?.length ? { projects: o.projects } : {}) },
  );
  const limit = createLimiter(o.concurrency);

  const tagsPart = async (): Promise<AppError | undefined> => {
    let projects = o.projects;
    if (!projects) {
      const p = await client.listProjects();
      if (!p.ok) return p.error;
      projects = p.value.items.map((x) => x.name);
    }
    for (const project of projects) {
      const repos = await client.listRepositories(project);
      if (!repos.ok) return repos.error;
      const followed = repos.value.items.filter((repo) => matchesPatterns(patterns, repo.name));
      const results = await Promise.all(
        followed.map((repo) =>
          limit(async (): Promise<AppError | undefined> => {
            snap.sources.set(repo.name, ['harbor']);
            const key = `${repo.update_time ?? ''}|${repo.artifact_count ?? ''}`;
            const cached = o.previous?.repoCache.get(repo.name);
            if (cached && cached.key === key && repo.update_time && o.now - cached.at < (o.repoCacheMaxAgeMs ?? 300_000)) {
              snap.repoCache.set(repo.name, cached);
              snap.tags.push(...cached.tags);
              return undefined;
            }
            const arts = await client.listArtifacts(project, splitRepository(repo.name).repository);
            if (!arts.ok) return arts.error.code === 'not-found' ? undefined : arts.error;
            const tags: TagObservation[] = [];
            for (const a of arts.value.items)
              for (const t of a.tags ?? [])
                tags.push({
                  region: o.region,
                  repository: repo.name,
                  tag: t.name,
                  digest: a.digest,
                  pushedAt: harborTime(t.push_time) ?? harborTime(a.push_time),
                });
            snap.repoCache.set(repo.name, { key, tags, at: o.now });
            snap.tags.push(...tags);
            return undefined;
          }),
        ),
      );
      const failed = results.find((e) => e !== undefined);
      if (failed) return failed;
    }
    return undefined;
  };

  const replicationPart = async (): Promise<AppError | undefined> => {
    const [policies, executions] = await Promise.all([client.listPolicies(), client.listExecutions({ maxItems: o.executionsWindow })]);
    if (!policies.ok) return policies.error;
    if (!executions.ok) return executions.error;
    snap.policies = policies.value.items;
    snap.executions = executions.value.items;
    const results = await Promise.all(
      snap.executions.map((e) =>
        limit(async (): Promise<AppError | undefined> => {
          const prevExec = o.previous?.executions.find((x) => x.id === e.id);
          const prevTasks = o.previous?.tasks.get(e.id);
          // Tasks of an execution that had finished at the previous refresh do not change.
          if (prevTasks && prevExec && prevExec.status !== 'InProgress' && prevExec.status === e.status) {
            snap.tasks.set(e.id, prevTasks);
            return undefined;
          }
          const tasks = await client.listTasks(e.id, { maxItems: 2_000 });
          if (!tasks.ok) return tasks.error;
          snap.tasks.set(e.id, tasks.value.items);
          return undefined;
        }),
      ),
    );
    return results.find((x) => x !== undefined);
  };

  const [tagsError, replicationError] = await Promise.all([tagsPart(), replicationPart()]);
  if (tagsError) snap.error = tagsError;
  if (replicationError) snap.replicationError = replicationError;
  snap.requests = client.requests - start;
  return snap;
}
