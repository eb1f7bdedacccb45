/**
 * Resolves a plan's group refs against a snapshot into concrete Deployments ("targets"), with the
 * effective batch pattern, minimum online and fort flag of each. Shared by validate, preview and
 * the executor so that all three agree on what a plan means.
 */
import { parseBatchPattern, parseMinOnline, type BatchPattern, type MinOnline } from './batch-pattern';
import {
  DEFAULT_BATCH_PATTERN,
  FORT_GROUPS,
  groupRefLabel,
  imageMatches,
  imageString,
  targetImageFor,
  type GroupRef,
  type ReleasePlan,
} from './plan';
import { deploymentKey, type Snapshot, type SnapshotDeployment } from './snapshot';

export type IssueSeverity = 'error' | 'warning';
export interface PlanIssue {
  severity: IssueSeverity;
  /** Dotted path into the plan, e.g. `stages.2.groups.0`. */
  path: string;
  message: string;
}

export interface ResolvedTarget {
  key: string;
  clusterId: string;
  datacenter: string;
  namespace: string;
  deployment: string;
  /** The Deployment's group label (fat/uat/pro...), if any. */
  group?: string;
  stageIndex: number;
  /** Path of the ref that produced this target. */
  refPath: string;
  fort: boolean;
  batchPatternText: string;
  batchPattern?: BatchPattern;
  minOnline?: MinOnline;
  snapshot: SnapshotDeployment;
  /** The image this release replaces (container from the plan's repository), if found. */
  fromImage?: string;
  /** The image it moves to (in the Deployment's own regional registry when the plan names none). */
  toImage: string;
}

export interface ResolvedPlan {
  stages: ResolvedTarget[][];
  issues: PlanIssue[];
}

export function resolvePlan(plan: ReleasePlan, snapshot: Snapshot): ResolvedPlan {
  const issues: PlanIssue[] = [];
  const stages = plan.stages.map((stage, si) =>
    stage.groups.flatMap((ref, gi) => resolveRef(plan, snapshot, ref, si, `stages.${si}.groups.${gi}`, issues)),
  );
  return { stages, issues };
}

function resolveRef(
  plan: ReleasePlan,
  snapshot: Snapshot,
  ref: GroupRef,
  stageIndex: number,
  refPath: string,
  issues: PlanIssue[],
): ResolvedTarget[] {
  const matches: { clusterId: string; datacenter: string; d: SnapshotDeployment }[] = [];
  if (ref.group === undefined) {
    const cluster = snapshot.clusters.find((c) => c.clusterId === ref.cluster);
    if (!cluster) {
      const known = snapshot.clusters.map((c) => c.clusterId).join(', ') || 'none';
      issues.push({
        severity: 'error',
        path: `${refPath}.cluster`,
        message: `Cluster "${ref.cluster}" is not in the snapshot (known: ${known}).`,
      });
      return [];
    }
    const d = cluster.deployments.find((x) => x.namespace === ref.namespace && x.name === ref.deployment);
    if (!d) {
      issues.push({
        severity: 'error',
        path: refPath,
        message: `Deployment ${ref.namespace}/${ref.deployment} does not exist in cluster ${ref.cluster} (snapshot).`,
      });
      return [];
    }
    if (d.app !== undefined && d.app !== plan.app) {
      issues.push({
        severity: 'warning',
        path: refPath,
        message: `Deployment ${ref.namespace}/${ref.deployment} belongs to app "${d.app}", not "${plan.app}".`,
      });
    }
    matches.push({ clusterId: cluster.clusterId, datacenter: cluster.datacenter, d });
  } else {
    const clusters = snapshot.clusters.filter((c) => ref.datacenter === undefined || c.datacenter === ref.datacenter);
    if (ref.datacenter !== undefined && clusters.length === 0) {
      const known = [...new Set(snapshot.clusters.map((c) => c.datacenter))].join(', ') || 'none';
      issues.push({
        severity: 'error',
        path: `${refPath}.datacenter`,
        message: `Datacenter "${ref.datacenter}" has no cluster in the snapshot (known: ${known}).`,
      });
      return [];
    }
    for (const c of clusters) {
      for (const d of c.deployments)
        if (d.app === plan.app && d.group === ref.group) matches.push({ clusterId: c.clusterId, datacenter: c.datacenter, d });
    }
    if (matches.length === 0) {
      issues.push({
        severity: 'error',
        path: refPath,
        message: `No Deployment of app "${plan.app}" is labelled ${groupRefLabel(ref)} in the snapshot.`,
      });
      return [];
    }
  }
  const patternText = ref.batchPattern ?? plan.defaults?.batchPattern ?? DEFAULT_BATCH_PATTERN;
  const pattern = parseBatchPattern(patternText);
  if (!pattern.ok) issues.push({ severity: 'error', path: `${refPath}.batchPattern`, message: pattern.error.message });
  const minOnlineInput = ref.minOnline ?? plan.defaults?.minOnline;
  const minOnline = minOnlineInput === undefined ? undefined : parseMinOnline(minOnlineInput);
  if (minOnline && !minOnline.ok) issues.push({ severity: 'error', path: `${refPath}.minOnline`, message: minOnline.error.message });
  return matches.map(({ clusterId, datacenter, d }) => {
    const fromImage = d.images.find((img) => imageMatches(img, plan.image));
    return {
      key: deploymentKey(clusterId, d.namespace, d.name),
      clusterId,
      datacenter,
      namespace: d.namespace,
      deployment: d.name,
      group: d.group,
      stageIndex,
      refPath,
      fort: ref.fort ?? (d.group !== undefined && FORT_GROUPS.includes(d.group)),
      batchPatternText: patternText,
      batchPattern: pattern.ok ? pattern.value : undefined,
      minOnline: minOnline?.ok ? minOnline.value : undefined,
      snapshot: d,
      fromImage,
      toImage: fromImage ? targetImageFor(fromImage, plan.image) : imageString(plan.image),
    };
  });
}
