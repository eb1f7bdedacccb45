/**
 * The real BatchDriver: one read, one decision (batch-decide.ts), at most one write per step (a
 * Deployment patch or a ReplicaSet scale). A 409 Conflict (the controller or a person wrote in
 * between) is not an error: the next step re-reads and decides again; a real external edit shows
 * up in that decision.
 *
 * Every write is previewed: it goes to the API server first as a dry run (dryRun=All: schema,
 * admission, quota; nothing stored), then for real with the same body and the same
 * resourceVersion precondition, so what is stored is what the dry run answered (anything that
 * moved in between is a 409 and the step reads again). A dry run the server refuses stops the
 * group (`failed`, with the server's words) before anything changed. The write order that keeps
 * every boundary exact (batch-driver.ts, RESTING STATES) is untouched: a dry run stores nothing,
 * so dying between it and the write leaves the state of before the step.
 */
import type { AppError } from '../../src-shared/result';
import { changeCauseAnnotation } from '../../src-shared/workloads/summarize';
import { ok, type Result } from '../../src-shared/result';
import { decideBatchStep, decideRollbackStep, type Decision, type RollbackGoal } from './batch-decide';
import {
  observe,
  type BatchDriver,
  type BatchGoal,
  type ClusterOps,
  type DeploymentPatch,
  type DeploymentWithStrategy,
  type DriverOutcome,
  type DriverTarget,
  type Observation,
} from './batch-driver';

/** What the next write of a step would be, and the server's dry-run answer to it (nothing stored). */
export type WritePreview =
  | { kind: 'none'; detail: string }
  | { kind: 'patch'; why: string; patch: DeploymentPatch; result: DeploymentWithStrategy }
  | { kind: 'scale'; why: string; replicaSet: string; replicas: number }
  | { kind: 'refused'; why: string; detail: string };

/**
 * The API server refused the request itself (validation, admission, quota, RBAC, not found), as
 * opposed to a conflict, an overloaded or unreachable server, or expired credentials: sending it
 * again will not help, a person must look.
 */
export function refusedByServer(e: AppError): boolean {
  return e.status !== undefined && e.status >= 400 && e.status < 500 && ![401, 408, 409, 410, 429].includes(e.status);
}

const refusal = (why: string, e: AppError) =>
  `the API server refused the next write in a dry run, so nothing was changed (${why}): ${e.message}`;

/**
 * A Deployment patch as the driver writes it: dry run, then the same body for real at the same
 * resourceVersion. Also used by the executor's hand-back on abort. A refusal of the dry run is
 * returned as `refused` (nothing changed); any other error as the error.
 */
export async function previewedPatch(
  ops: ClusterOps,
  namespace: string,
  name: string,
  patch: DeploymentPatch,
  opts: { resourceVersion?: string; signal?: AbortSignal },
): Promise<Result<{ refused?: string; applied?: DeploymentWithStrategy }>> {
  const dry = await ops.patchDeployment(namespace, name, patch, { ...opts, dryRun: true });
  if (!dry.ok) return refusedByServer(dry.error) ? ok({ refused: dry.error.message }) : dry;
  const applied = await ops.patchDeployment(namespace, name, patch, opts);
  return applied.ok ? ok({ applied: applied.value }) : applied;
}

type Write = Extract<Decision, { kind: 'patch' | 'scale' }>;

const releaseCause = (target: DriverTarget, goal: BatchGoal) =>
  changeCause('release', goal.releaseId, target.container, goal.fromImage, goal.toImage, goal.by);

/** The write that changes the template carries the change cause, so `kubectl rollout history` says why (dry run and real write alike). */
function withChangeCause(d: Decision, cause: string): Decision {
  if (d.kind !== 'patch' || !d.patch.spec?.template) return d;
  return {
    ...d,
    patch: {
      ...d.patch,
      metadata: { ...d.patch.metadata, annotations: { ...d.patch.metadata?.annotations, [changeCauseAnnotation]: cause } },
    },
  };
}

/** `capstan release orders-1.5.0-…: app 1.4.2 → 1.5.0 by alice` (tags only: the history column is narrow). */
export function changeCause(what: string, releaseId: string, container: string, from: string, to: string, by: string | undefined): string {
  const tag = (i: string) => i.slice(i.lastIndexOf('/') + 1);
  return `capstan ${what} ${releaseId}: ${container} ${tag(from)} → ${tag(to)}${by ? ` by ${by}` : ''}`;
}

export class DeploymentBatchDriver implements BatchDriver {
  /** Resolves the ClusterOps of a cluster (the foundation's per-cluster connection). */
  constructor(private readonly opsFor: (clusterId: string) => ClusterOps) {}

  step(target: DriverTarget, goal: BatchGoal, signal?: AbortSignal): Promise<Result<DriverOutcome>> {
    return this.run(target, goal.toImage, (o) => decideBatchStep(o, goal, target.container), signal, releaseCause(target, goal));
  }

  /** Observed for the old image: during a rollback it is the one that grows. */
  rollbackStep(target: DriverTarget, goal: RollbackGoal, signal?: AbortSignal): Promise<Result<DriverOutcome>> {
    return this.run(
      target,
      goal.fromImage,
      (o) => decideRollbackStep(o, goal, target.container),
      signal,
      changeCause('rollback of release', goal.releaseId, target.container, goal.toImage, goal.fromImage, goal.by),
    );
  }

  /**
   * What step() would write next for this goal, sent as a dry run only: the API server validates
   * it and answers the object it would store; nothing changes (the start confirmation shows it).
   */
  async preview(target: DriverTarget, goal: BatchGoal, signal?: AbortSignal): Promise<Result<WritePreview>> {
    const read = await this.read(target, goal.toImage, signal);
    if (!read.ok) return read;
    const decision = withChangeCause(decideBatchStep(read.value.o, goal, target.container), releaseCause(target, goal));
    if (decision.kind === 'wait') return ok({ kind: 'none', detail: decision.why });
    if (decision.kind === 'outcome')
      return ok({ kind: 'none', detail: 'detail' in decision.outcome ? decision.outcome.detail : decision.outcome.kind });
    const dry = await this.send(target, read.value, decision, true, signal);
    if (!dry.ok) return refusedByServer(dry.error) ? ok({ kind: 'refused', why: decision.why, detail: dry.error.message }) : dry;
    return ok(
      decision.kind === 'scale'
        ? { kind: 'scale', why: decision.why, replicaSet: decision.replicaSet, replicas: decision.replicas }
        : { kind: 'patch', why: decision.why, patch: decision.patch, result: dry.value as DeploymentWithStrategy },
    );
  }

  async observe(target: DriverTarget, image: string, signal?: AbortSignal): Promise<Result<Observation>> {
    const read = await this.read(target, image, signal);
    return read.ok ? ok(read.value.o) : read;
  }

  private async read(
    target: DriverTarget,
    image: string,
    signal?: AbortSignal,
  ): Promise<Result<{ o: Observation; rvs: Map<string, string | undefined> }>> {
    const ops = this.opsFor(target.clusterId);
    const d = await ops.getDeployment(target.namespace, target.deployment, signal);
    if (!d.ok) return d;
    const selector = d.value.spec?.selector?.matchLabels ?? {};
    const rss = await ops.listReplicaSets(target.namespace, selector, signal);
    if (!rss.ok) return rss;
    const owned = rss.value.filter(
      (rs) => rs.metadata.ownerReferences?.some((r) => r.kind === 'Deployment' && r.uid === d.value.metadata.uid) ?? true,
    );
    return ok({
      o: observe(d.value, owned, target.container, image),
      rvs: new Map(owned.map((rs) => [rs.metadata.name ?? '', rs.metadata.resourceVersion])),
    });
  }

  /** One write of a decision, at the resourceVersion it was decided on. */
  private send(
    target: DriverTarget,
    read: { o: Observation; rvs: Map<string, string | undefined> },
    w: Write,
    dryRun: boolean,
    signal?: AbortSignal,
  ): Promise<Result<unknown>> {
    const ops = this.opsFor(target.clusterId);
    return w.kind === 'scale'
      ? ops.scaleReplicaSet(target.namespace, w.replicaSet, w.replicas, { resourceVersion: read.rvs.get(w.replicaSet), signal, dryRun })
      : ops.patchDeployment(target.namespace, target.deployment, w.patch, { resourceVersion: read.o.resourceVersion, signal, dryRun });
  }

  private async run(
    target: DriverTarget,
    image: string,
    decide: (o: Observation) => Decision,
    signal: AbortSignal | undefined,
    cause: string,
  ): Promise<Result<DriverOutcome>> {
    const read = await this.read(target, image, signal);
    if (!read.ok) return read;
    const decision = withChangeCause(decide(read.value.o), cause);
    if (decision.kind === 'outcome') return ok(decision.outcome);
    if (decision.kind === 'wait') return ok({ kind: 'progressing', detail: decision.why });
    const object = decision.kind === 'scale' ? 'the ReplicaSet' : 'the Deployment';
    const dry = await this.send(target, read.value, decision, true, signal);
    if (!dry.ok) {
      if (dry.error.code === 'conflict')
        return ok({ kind: 'progressing', detail: `${object} changed before we wrote it; reading it again` });
      return refusedByServer(dry.error) ? ok({ kind: 'failed', detail: refusal(decision.why, dry.error) }) : dry;
    }
    const wrote = await this.send(target, read.value, decision, false, signal);
    if (!wrote.ok)
      return wrote.error.code === 'conflict'
        ? ok({ kind: 'progressing', detail: `${object} changed while we wrote it; reading it again` })
        : wrote;
    return ok({
      kind: 'progressing',
      detail: decision.why,
      wrote: decision.kind === 'patch' ? (wrote.value as DeploymentWithStrategy) : undefined,
    });
  }
}
