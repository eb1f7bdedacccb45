/**
 * Offline plan checks for the planner: parse + validate + preview against the snapshot on disk
 * (no cluster needed), in one answer the renderer shows as an issues list and a batch table; and
 * a draft plan for an app, made from what the snapshot knows (FAT → UAT → one PRO stage per
 * datacenter), which the person then edits.
 */
import type { PlanCheck } from '../../src-shared/releases/contract';
import type { ReleasePlan } from '../../src-shared/releases/plan';
import { imageName, splitRegistry } from '../../src-shared/base/image-ref';
import { parsePlanYaml, stringifyPlanYaml } from '../../src-shared/releases/plan-yaml';
import { previewPlan } from '../../src-shared/releases/preview';
import { snapshotDate, type Snapshot } from '../../src-shared/releases/snapshot';
import { hasErrors, validatePlan } from '../../src-shared/releases/validate';
import { err, ok, type Result } from '../../src-shared/result';
import { batchLabel } from '../../src-shared/releases/batch-pattern';

export function checkPlan(yaml: string, snapshot: Snapshot, now: number): PlanCheck {
  const taken = snapshotDate(snapshot);
  const parsed = parsePlanYaml(yaml);
  if (!parsed.ok) {
    return {
      ok: false,
      snapshotTakenAt: taken,
      stages: [],
      issues: parsed.problems.map((p) => ({ severity: 'error', path: p.path, message: p.message, line: p.line })),
    };
  }
  const issues = validatePlan(parsed.plan, snapshot, { now });
  const preview = previewPlan(parsed.plan, snapshot);
  return {
    ok: !hasErrors(issues),
    issues,
    snapshotTakenAt: taken,
    planSnapshotDate: parsed.plan.snapshotDate,
    summary: preview.summary,
    totalDurationSec: preview.totalDurationSec,
    steps: preview.steps.map((st) => ({ stageIndex: st.stageIndex, key: st.targetKey, label: st.label, description: st.description })),
    stages: preview.stages.map((s) => ({
      name: s.name,
      approvalBefore: s.approvalBefore,
      durationSec: s.durationSec,
      groups: s.groups.map((g) => ({
        key: g.targetKey,
        datacenter: g.datacenter,
        replicas: g.replicas,
        fromImage: g.fromImage,
        toImage: g.toImage,
        batches: g.batches.map((b, i) => ({ size: b.size, fort: b.fort, label: batchLabel({ batches: g.batches }, i) })),
      })),
    })),
  };
}

const ORDER = ['fat', 'uat', 'pro'];

export function draftPlan(app: string, tag: string, snapshot: Snapshot, now: number): Result<{ yaml: string }> {
  const deps = snapshot.clusters.flatMap((c) => c.deployments.filter((d) => d.app === app).map((d) => ({ c, d })));
  if (deps.length === 0)
    return err('not-found', `The snapshot has no Deployment of app "${app}"; connect its clusters once so they are captured.`);
  const first = deps[0]!.d.images[0] ?? app;
  const repository = splitRegistry(imageName(first)).path;
  const groups = [...new Set(deps.map(({ d }) => d.group).filter((g): g is string => g !== undefined))].sort((a, b) => rank(a) - rank(b));
  const stages: ReleasePlan['stages'] = [];
  for (const group of groups) {
    if (group !== 'pro') {
      // Small test groups: one instance may be replaced in place (the driver surges, nothing goes down).
      const fewest = Math.min(...deps.filter(({ d }) => d.group === group).map(({ d }) => d.replicas));
      stages.push({
        name: group,
        ...(stages.length === 0 ? { approval: false } : {}),
        groups: [{ group, minOnline: fewest <= 1 ? 0 : 1 }],
      });
      continue;
    }
    const dcs = [...new Set(deps.filter(({ d }) => d.group === 'pro').map(({ c }) => c.datacenter))].sort();
    for (const dc of dcs) stages.push({ name: dc.startsWith(`${group}-`) ? dc : `${group}-${dc}`, groups: [{ group, datacenter: dc }] });
  }
  const iso = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const plan: ReleasePlan = {
    name: `${app}-${tag}`,
    app,
    image: { repository, tag },
    snapshotDate: new Date(snapshotDate(snapshot) ?? now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    createdAt: iso,
    maxParallelGroups: 2,
    rollback: 'manual',
    onClusterLost: 'pause-group',
    defaults: { batchPattern: '50%', minOnline: '50%' },
    gates: {
      approval: { beforeStage: true, afterFort: true },
      soak: { afterFort: '2m', afterBatch: '30s' },
      health: { readyWithin: '3m' },
      bake: '10m',
    },
    stages,
  };
  return ok({ yaml: stringifyPlanYaml(plan) });
}

const rank = (g: string) => (ORDER.includes(g) ? ORDER.indexOf(g) : ORDER.length);
