/**
 * The real BatchDriver: one read, one decision (batch-decide.ts), at most one patch per step.
 * A 409 Conflict (the controller or a person wrote in between) is not an error: the next step
 * re-reads and decides again; a real external edit shows up in that decision.
 */
import { ok, type Result } from '../../src-shared/result';
import { decideBatchStep, decideRollbackStep, type Decision } from './batch-decide';
import { observe, type BatchDriver, type BatchGoal, type ClusterOps, type DriverOutcome, type DriverTarget, type Observation } from './batch-driver';

export class DeploymentBatchDriver implements BatchDriver {
  /** Resolves the ClusterOps of a cluster (the foundation's per-cluster connection). */
  constructor(private readonly opsFor: (clusterId: string) => ClusterOps) {}

  step(target: DriverTarget, goal: BatchGoal, signal?: AbortSignal): Promise<Result<DriverOutcome>> {
    return this.run(target, goal.toImage, (o) => decideBatchStep(o, goal, target.container), signal);
  }

  rollbackStep(target: DriverTarget, goal: Pick<BatchGoal, 'releaseId' | 'fromImage' | 'toImage'>, signal?: AbortSignal): Promise<Result<DriverOutcome>> {
    return this.run(target, goal.toImage, (o) => decideRollbackStep(o, goal, target.container), signal);
  }

  private async run(target: DriverTarget, toImage: string, decide: (o: Observation) => Decision, signal?: AbortSignal): Promise<Result<DriverOutcome>> {
    const ops = this.opsFor(target.clusterId);
    const d = await ops.getDeployment(target.namespace, target.deployment, signal);
    if (!d.ok) return d;
    const selector = d.value.spec?.selector?.matchLabels ?? {};
    const rss = await ops.listReplicaSets(target.namespace, selector, signal);
    if (!rss.ok) return rss;
    const owned = rss.value.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.kind === 'Deployment' && r.uid === d.value.metadata.uid) ?? true);
    const decision = decide(observe(d.value, owned, target.container, toImage));
    if (decision.kind === 'outcome') return ok(decision.outcome);
    if (decision.kind === 'wait') return ok({ kind: 'progressing', detail: decision.why });
    const patched = await ops.patchDeployment(target.namespace, target.deployment, decision.patch, { resourceVersion: d.value.metadata.resourceVersion, signal });
    if (!patched.ok && patched.error.code === 'conflict') return ok({ kind: 'progressing', detail: 'the Deployment changed while we patched it; reading it again' });
    if (!patched.ok) return patched;
    return ok({ kind: 'progressing', detail: decision.why });
  }
}
