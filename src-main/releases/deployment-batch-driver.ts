/**
 * The real BatchDriver: one read, one decision (batch-decide.ts), at most one write per step (a
 * Deployment patch or a ReplicaSet scale). A 409 Conflict (the controller or a person wrote in
 * between) is not an error: the next step re-reads and decides again; a real external edit shows
 * up in that decision.
 */
import { ok, type Result } from '../../src-shared/result';
import { decideBatchStep, decideRollbackStep, type Decision, type RollbackGoal } from './batch-decide';
import { observe, type BatchDriver, type BatchGoal, type ClusterOps, type DriverOutcome, type DriverTarget, type Observation } from './batch-driver';

export const CHANGE_CAUSE = 'kubernetes.io/change-cause';

/** `capstan release orders-1.5.0-…: app 1.4.2 → 1.5.0 by alice` (tags only: the history column is narrow). */
export function changeCause(what: string, releaseId: string, container: string, from: string, to: string, by: string | undefined): string {
  const tag = (i: string) => i.slice(i.lastIndexOf('/') + 1);
  return `capstan ${what} ${releaseId}: ${container} ${tag(from)} → ${tag(to)}${by ? ` by ${by}` : ''}`;
}

export class DeploymentBatchDriver implements BatchDriver {
  /** Resolves the ClusterOps of a cluster (the foundation's per-cluster connection). */
  constructor(private readonly opsFor: (clusterId: string) => ClusterOps) {}

  step(target: DriverTarget, goal: BatchGoal, signal?: AbortSignal): Promise<Result<DriverOutcome>> {
    return this.run(target, goal.toImage, (o) => decideBatchStep(o, goal, target.container), signal, changeCause('release', goal.releaseId, target.container, goal.fromImage, goal.toImage, goal.by));
  }

  /** Observed for the old image: during a rollback it is the one that grows. */
  rollbackStep(target: DriverTarget, goal: RollbackGoal, signal?: AbortSignal): Promise<Result<DriverOutcome>> {
    return this.run(target, goal.fromImage, (o) => decideRollbackStep(o, goal, target.container), signal, changeCause('rollback of release', goal.releaseId, target.container, goal.toImage, goal.fromImage, goal.by));
  }

  async observe(target: DriverTarget, image: string, signal?: AbortSignal): Promise<Result<Observation>> {
    const read = await this.read(target, image, signal);
    return read.ok ? ok(read.value.o) : read;
  }

  private async read(target: DriverTarget, image: string, signal?: AbortSignal): Promise<Result<{ o: Observation; rvs: Map<string, string | undefined> }>> {
    const ops = this.opsFor(target.clusterId);
    const d = await ops.getDeployment(target.namespace, target.deployment, signal);
    if (!d.ok) return d;
    const selector = d.value.spec?.selector?.matchLabels ?? {};
    const rss = await ops.listReplicaSets(target.namespace, selector, signal);
    if (!rss.ok) return rss;
    const owned = rss.value.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.kind === 'Deployment' && r.uid === d.value.metadata.uid) ?? true);
    return ok({ o: observe(d.value, owned, target.container, image), rvs: new Map(owned.map((rs) => [rs.metadata.name ?? '', rs.metadata.resourceVersion])) });
  }

  private async run(target: DriverTarget, image: string, decide: (o: Observation) => Decision, signal: AbortSignal | undefined, cause: string): Promise<Result<DriverOutcome>> {
    const ops = this.opsFor(target.clusterId);
    const read = await this.read(target, image, signal);
    if (!read.ok) return read;
    const { o, rvs } = read.value;
    const decision = decide(o);
    if (decision.kind === 'outcome') return ok(decision.outcome);
    if (decision.kind === 'wait') return ok({ kind: 'progressing', detail: decision.why });
    if (decision.kind === 'scale') {
      const scaled = await ops.scaleReplicaSet(target.namespace, decision.replicaSet, decision.replicas, { resourceVersion: rvs.get(decision.replicaSet), signal });
      if (!scaled.ok) return scaled.error.code === 'conflict' ? ok({ kind: 'progressing', detail: 'the ReplicaSet changed while we scaled it; reading again' }) : scaled;
      return ok({ kind: 'progressing', detail: decision.why });
    }
    // The write that changes the template carries the change cause, so `kubectl rollout history` says why.
    const patch = decision.patch.spec?.template ? { ...decision.patch, metadata: { ...decision.patch.metadata, annotations: { ...decision.patch.metadata?.annotations, [CHANGE_CAUSE]: cause } } } : decision.patch;
    const patched = await ops.patchDeployment(target.namespace, target.deployment, patch, { resourceVersion: o.resourceVersion, signal });
    if (!patched.ok) return patched.error.code === 'conflict' ? ok({ kind: 'progressing', detail: 'the Deployment changed while we patched it; reading it again' }) : patched;
    return ok({ kind: 'progressing', detail: decision.why, wrote: patched.value });
  }
}
