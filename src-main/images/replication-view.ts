import type { CellDetail, ExecutionSummary, PolicySummary, SyncMatrix, TaskSummary } from '../../src-shared/images/contract';
import { isStuck, parseTaskResource, sortTasksFailedFirst, type ReplicationObservation } from '../../src-shared/images/matrix';
import type { AppError } from '../../src-shared/result';
import { harborTime, type HarborExecution, type HarborPolicy } from './harbor-types';
import type { RegistryConfig } from './registry-config';
import type { RegistrySnapshot } from './registry-snapshot';

/**
 * Replication as the matrix sees it, computed from registry snapshots (no I/O): which region a
 * policy copies into, the tasks concerning each cell, and a cell's detail.
 */

export interface ReplicationView {
  registries: RegistryConfig[];
  snapshots: Map<string, RegistrySnapshot>;
  now: number;
  stuckThresholdMs: number;
}

const normUrl = (u: string) => u.replace(/\/+$/, '').toLowerCase();
const host = (u: string) => {
  try {
    return new URL(u).hostname.toLowerCase();
  } catch {
    return undefined;
  }
};

/**
 * Region served by a replication endpoint: the configured registry with the same URL, else the
 * same host name, else the same name (Harbor endpoints often use internal URLs).
 */
export function regionOfEndpoint(registries: RegistryConfig[], url: string | undefined, name?: string): string | undefined {
  if (url) {
    const exact = registries.find((r) => normUrl(r.url) === normUrl(url));
    if (exact) return exact.region;
    const h = host(url);
    const sameHost = h && h !== '127.0.0.1' && h !== 'localhost' ? registries.filter((r) => host(r.url) === h) : [];
    if (sameHost.length === 1) return sameHost[0]!.region;
  }
  if (name) return registries.find((r) => r.name === name || r.id === name)?.region;
  return undefined;
}

/** Destination region of a policy defined on registry `owner` (pull-based policies copy into the owner). */
export function destRegion(registries: RegistryConfig[], owner: RegistryConfig, p: HarborPolicy): string | undefined {
  const pull = p.src_registry && p.src_registry.id !== 0 && (!p.dest_registry || p.dest_registry.id === 0);
  return pull ? owner.region : regionOfEndpoint(registries, p.dest_registry?.url, p.dest_registry?.name);
}

/**
 * The region images are pushed to first, from Harbor's enabled replication policies: a push policy
 * copies out of its owner's region, a pull policy out of its source endpoint's region. Undefined
 * unless exactly one region is a source.
 */
export function sourceRegionFromPolicies(v: Pick<ReplicationView, 'registries' | 'snapshots'>): string | undefined {
  const found = new Set<string>();
  for (const r of v.registries) {
    for (const p of v.snapshots.get(r.id)?.policies ?? []) {
      if (p.enabled === false) continue;
      const pull = p.src_registry && p.src_registry.id !== 0 && (!p.dest_registry || p.dest_registry.id === 0);
      const from = pull ? regionOfEndpoint(v.registries, p.src_registry?.url, p.src_registry?.name) : r.region;
      const to = destRegion(v.registries, r, p);
      if (from && to && from !== to) found.add(from);
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

export function replicationObservations(v: ReplicationView): ReplicationObservation[] {
  const out: ReplicationObservation[] = [];
  for (const r of v.registries) {
    const snap = v.snapshots.get(r.id);
    if (!snap) continue;
    const dest = new Map(snap.policies.map((p) => [p.id, destRegion(v.registries, r, p)]));
    for (const e of snap.executions) {
      const region = dest.get(e.policy_id);
      if (!region) continue;
      const stuck = isStuck(e.status, harborTime(e.start_time), v.now, v.stuckThresholdMs);
      for (const t of snap.tasks.get(e.id) ?? []) {
        const res = parseTaskResource(t.src_resource) ?? parseTaskResource(t.dst_resource);
        if (!res) continue;
        for (const tag of res.tags)
          out.push({
            destRegion: region,
            repository: res.repository,
            tag,
            taskStatus: t.status,
            taskStartedAt: harborTime(t.start_time),
            stuck,
          });
      }
    }
  }
  return out;
}

export function executionSummary(
  registryId: string,
  e: HarborExecution,
  policy: HarborPolicy | undefined,
  now: number,
  stuckThresholdMs: number,
): ExecutionSummary {
  const start = harborTime(e.start_time);
  const end = harborTime(e.end_time);
  return {
    registryId,
    id: e.id,
    policyId: e.policy_id,
    ...(policy ? { policyName: policy.name } : {}),
    status: e.status,
    ...(e.status_text ? { statusText: e.status_text } : {}),
    trigger: e.trigger ?? 'manual',
    ...(start !== undefined ? { startTime: start } : {}),
    ...(end !== undefined ? { endTime: end } : {}),
    total: e.total ?? 0,
    failed: e.failed ?? 0,
    succeed: e.succeed ?? 0,
    inProgress: e.in_progress ?? 0,
    stopped: e.stopped ?? 0,
    stuck: isStuck(e.status, start, now, stuckThresholdMs),
  };
}

/** Policies into the cell's region, their executions concerning the image (newest first, plus any InProgress), its tasks (failed first). */
export function cellDetail(v: ReplicationView, matrix: SyncMatrix, repository: string, tag: string, region: string): CellDetail {
  const row = matrix.rows.find((r) => r.repository === repository && r.tag === tag);
  const executions: ExecutionSummary[] = [];
  const tasks: TaskSummary[] = [];
  const policySummaries: PolicySummary[] = [];
  const errors: { registryId: string; error: AppError }[] = [];
  for (const r of v.registries) {
    const snap = v.snapshots.get(r.id);
    if (!snap) continue;
    if (snap.replicationError) errors.push({ registryId: r.id, error: snap.replicationError });
    const policies = snap.policies.filter((p) => destRegion(v.registries, r, p) === region);
    for (const p of policies)
      policySummaries.push({
        registryId: r.id,
        id: p.id,
        name: p.name,
        destRegion: region,
        ...(p.trigger?.type ? { trigger: p.trigger.type } : {}),
        enabled: p.enabled ?? true,
      });
    for (const e of snap.executions) {
      const policy = policies.find((p) => p.id === e.policy_id);
      if (!policy) continue;
      const mine = (snap.tasks.get(e.id) ?? []).filter((t) => {
        const res = parseTaskResource(t.src_resource) ?? parseTaskResource(t.dst_resource);
        return res?.repository === repository && res.tags.includes(tag);
      });
      if (mine.length === 0 && e.status !== 'InProgress') continue;
      executions.push(executionSummary(r.id, e, policy, v.now, v.stuckThresholdMs));
      for (const t of mine) {
        const start = harborTime(t.start_time);
        const end = harborTime(t.end_time);
        tasks.push({
          registryId: r.id,
          id: t.id,
          executionId: t.execution_id,
          status: t.status,
          ...(t.operation ? { operation: t.operation } : {}),
          ...(t.resource_type ? { resourceType: t.resource_type } : {}),
          ...(t.src_resource ? { srcResource: t.src_resource } : {}),
          ...(t.dst_resource ? { dstResource: t.dst_resource } : {}),
          ...(start !== undefined ? { startTime: start } : {}),
          ...(end !== undefined ? { endTime: end } : {}),
        });
      }
    }
  }
  executions.sort((a, b) => (b.startTime ?? 0) - (a.startTime ?? 0) || b.id - a.id);
  return {
    ...(row ? { row, cell: row.cells.find((c) => c.region === region) } : {}),
    policies: policySummaries,
    executions,
    tasks: sortTasksFailedFirst(tasks),
    errors,
  };
}
