/**
 * The start confirmation's "what will change": for every group of the plan, the first write the
 * executor would make to its Deployment (the claim: hold settings and the new image, batch-driver.ts)
 * sent to the API server as a dry run, and what the server answered it would store, as a list of
 * changed fields. Nothing is stored. A refusal (validation, admission, quota, RBAC) is shown with
 * the server's words before anyone starts; a stage approval shows the same for the stage it starts
 * (fresh, with the release's own id), and the executor sends every write as a dry run first too.
 */
import type { StartPreview } from '../../src-shared/releases/contract';
import type { ExecutionState, GroupExecution } from '../../src-shared/releases/execution-model';
import { ok, type Result } from '../../src-shared/result';
import type { ClusterOps, DeploymentWithStrategy } from './batch-driver';
import type { DeploymentBatchDriver } from './deployment-batch-driver';
import { containerFor, goalForGroup } from './executor-glue';

const SERVER_SET = new Set(['resourceVersion', 'generation', 'managedFields', 'uid', 'creationTimestamp']);

/** The fields a person reads in a Deployment: its spec (containers by their image) and its annotations. */
function readable(d: DeploymentWithStrategy): Record<string, unknown> {
  const { template, ...spec } = d.spec ?? ({} as NonNullable<DeploymentWithStrategy['spec']>);
  const images = Object.fromEntries((template?.spec?.containers ?? []).map((c) => [c.name, c.image]));
  const meta = Object.fromEntries(Object.entries(d.metadata).filter(([k]) => !SERVER_SET.has(k) && k !== 'annotations'));
  return { spec, image: images, annotations: d.metadata.annotations ?? {}, metadata: meta };
}

function flatten(o: unknown, prefix: string, out: Map<string, string>): void {
  if (o && typeof o === 'object' && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (o !== undefined) out.set(prefix, typeof o === 'string' ? o : JSON.stringify(o));
}

const short = (v: string | undefined) => (v === undefined ? '(none)' : v.length > 60 ? `${v.slice(0, 57)}…` : v);

/** Changed fields between the live Deployment and what the dry run says would be stored. */
export function changedFields(before: DeploymentWithStrategy, after: DeploymentWithStrategy): string[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(readable(before), '', a);
  flatten(readable(after), '', b);
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) =>
    x.startsWith('image.') ? -1 : y.startsWith('image.') ? 1 : x.localeCompare(y),
  );
  // An unset boolean the server now writes as false is no change (spec.paused).
  return keys
    .filter((k) => a.get(k) !== b.get(k) && !(a.get(k) === undefined && b.get(k) === 'false'))
    .map((k) => `${k}: ${short(a.get(k))} → ${short(b.get(k))}`);
}

/** `only`: the groups to preview (default all; a stage approval previews the stage it starts). */
export async function previewStart(
  state: ExecutionState,
  driver: DeploymentBatchDriver,
  opsFor: (clusterId: string) => ClusterOps,
  only: (g: GroupExecution) => boolean = () => true,
): Promise<Result<StartPreview>> {
  const groups: StartPreview['groups'] = [];
  for (const g of state.groups.filter(only)) {
    const row = { key: g.key, stage: g.stageIndex, batches: g.batches, changes: [] as string[] };
    const live = await opsFor(g.clusterId).getDeployment(g.namespace, g.deployment);
    if (!live.ok) {
      groups.push({ ...row, refused: live.error.message });
      continue;
    }
    const container = containerFor(live.value, g.toImage) ?? containerFor(live.value, g.fromImage ?? g.toImage);
    const goal = goalForGroup(state, { ...g, phase: g.fort ? 'fort' : 'rolling', step: 'updating' });
    if (!container || !goal) {
      groups.push({ ...row, note: 'no container of this Deployment runs the release repository' });
      continue;
    }
    const p = await driver.preview({ clusterId: g.clusterId, namespace: g.namespace, deployment: g.deployment, container }, goal);
    if (!p.ok) return p;
    if (p.value.kind === 'refused') groups.push({ ...row, refused: p.value.detail });
    else if (p.value.kind === 'patch')
      groups.push({ ...row, changes: changedFields(live.value, p.value.result).map((c) => c.replaceAll(state.id, '(this release)')) });
    else if (p.value.kind === 'scale')
      groups.push({ ...row, changes: [`ReplicaSet ${p.value.replicaSet}: replicas → ${p.value.replicas}`] });
    else groups.push({ ...row, note: p.value.detail });
  }
  return ok({ groups });
}
