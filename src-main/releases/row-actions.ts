/**
 * Board row actions on one Deployment, with kubectl's semantics, each in two steps: plan (a dry
 * run that reads the Deployment and says exactly what will change, or why it is refused) and
 * apply (which re-plans against a fresh read and refuses if the Deployment moved since the person
 * looked: the confirm dialog must never approve something it did not show).
 *
 * - restart: sets the pod template annotation kubectl.kubernetes.io/restartedAt (kubectl rollout
 *   restart); refused on a paused Deployment, as kubectl does.
 * - undo: restores the pod template of the ReplicaSet with the chosen
 *   deployment.kubernetes.io/revision (kubectl rollout undo --to-revision; the pod-template-hash
 *   label is dropped); refused on a paused Deployment.
 * - scale, pause, resume: spec.replicas / spec.paused.
 */
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../../src-shared/k8s/types';
import type { RevisionInfo, RowAction, RowActionPlan } from '../../src-shared/releases/contract';
import { err, ok, type Result } from '../../src-shared/result';
import type { JsonPatchOp, KubeClusterOps } from './kube-cluster-ops';

const REVISION = 'deployment.kubernetes.io/revision';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

interface Planned {
  plan: RowActionPlan;
  apply?: (ops: KubeClusterOps) => Promise<Result<unknown>>;
}

const images = (t: PodTemplateSpec | undefined) => (t?.spec?.containers ?? []).map((c) => `${c.name}=${c.image ?? '?'}`);

export async function revisionsOf(
  ops: KubeClusterOps,
  namespace: string,
  name: string,
): Promise<Result<{ deployment: Deployment; rss: ReplicaSet[]; revisions: RevisionInfo[] }>> {
  const d = await ops.getDeployment(namespace, name);
  if (!d.ok) return d;
  const rs = await ops.listReplicaSets(namespace, d.value.spec?.selector?.matchLabels ?? {});
  if (!rs.ok) return rs;
  const owned = rs.value.filter((r) => r.metadata.ownerReferences?.some((o) => o.uid === d.value.metadata.uid) ?? false);
  const current = d.value.metadata.annotations?.[REVISION];
  const revisions = owned
    .filter((r) => r.metadata.annotations?.[REVISION] !== undefined)
    .map((r) => ({
      revision: r.metadata.annotations![REVISION]!,
      images: images(r.spec?.template),
      replicas: r.spec?.replicas ?? 0,
      current: r.metadata.annotations![REVISION] === current,
    }))
    .sort((a, b) => Number(b.revision) - Number(a.revision));
  return ok({ deployment: d.value, rss: owned, revisions });
}

export async function planRowAction(ops: KubeClusterOps, a: RowAction, now: number): Promise<Result<Planned>> {
  const info = await revisionsOf(ops, a.namespace, a.name);
  if (!info.ok) return info;
  const d = info.value.deployment;
  const paused = d.spec?.paused ?? false;
  const replicas = d.spec?.replicas ?? 1;
  // Generation, not resourceVersion: status updates during a rollout must not make a preview stale.
  const gen = String(d.metadata.generation ?? 0);
  const what = `deployment ${a.namespace}/${a.name} in ${a.clusterId}`;
  const refuse = (why: string): Result<Planned> => ok({ plan: { generation: gen, changes: [], refused: why } });
  const planned = (changes: string[], apply: Planned['apply']): Result<Planned> => ok({ plan: { generation: gen, changes }, apply });
  switch (a.kind) {
    case 'restart': {
      if (paused) return refuse(`${what} is paused; kubectl refuses to restart a paused deployment. Resume it first.`);
      const at = new Date(now).toISOString();
      return planned(
        [
          `pod template annotation ${RESTARTED_AT}: ${d.spec?.template?.metadata?.annotations?.[RESTARTED_AT] ?? '(none)'} → ${at}`,
          `all ${replicas} pod(s) are replaced by a rolling update`,
        ],
        (o) => o.mergePatchDeployment(a.namespace, a.name, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } }),
      );
    }
    case 'scale':
      if (a.replicas === replicas) return refuse(`${what} already has ${replicas} replica(s).`);
      return planned(
        [
          `spec.replicas: ${replicas} → ${a.replicas}`,
          a.replicas > replicas ? `${a.replicas - replicas} pod(s) are added` : `${replicas - a.replicas} pod(s) are removed`,
        ],
        (o) => o.mergePatchDeployment(a.namespace, a.name, { spec: { replicas: a.replicas } }),
      );
    case 'pause':
    case 'resume': {
      const want = a.kind === 'pause';
      if (paused === want) return refuse(`${what} is already ${want ? 'paused' : 'not paused'}.`);
      const effect = want
        ? 'the controller stops rolling out template changes; running pods stay'
        : 'the controller continues any pending rollout';
      return planned([`spec.paused: ${paused} → ${want}`, effect], (o) =>
        o.mergePatchDeployment(a.namespace, a.name, { spec: { paused: want } }),
      );
    }
    case 'undo': {
      if (paused) return refuse(`${what} is paused; kubectl refuses to roll back a paused deployment. Resume it first.`);
      const rs = info.value.rss.find((r) => r.metadata.annotations?.[REVISION] === a.toRevision);
      if (!rs?.spec?.template)
        return refuse(
          `${what} has no revision ${a.toRevision} (known: ${info.value.revisions.map((r) => r.revision).join(', ') || 'none'}).`,
        );
      if (d.metadata.annotations?.[REVISION] === a.toRevision)
        return refuse(`revision ${a.toRevision} is already the current revision of ${what}.`);
      const template = structuredClone(rs.spec.template);
      delete template.metadata?.labels?.['pod-template-hash'];
      const before = images(d.spec?.template);
      const after = images(template);
      const changes = after.map((img, i) =>
        img === before[i] ? `container ${img} unchanged` : `container ${before[i] ?? '(new)'} → ${img}`,
      );
      changes.push(`pod template of revision ${a.toRevision} restored; it becomes the new current revision; ${replicas} pod(s) roll`);
      const patch: JsonPatchOp[] = [{ op: 'replace', path: '/spec/template', value: template }];
      return planned(changes, (o) => o.jsonPatchDeployment(a.namespace, a.name, patch));
    }
  }
}

/**
 * The preview the confirm dialog shows: the plan, and its write sent to the API server as a dry
 * run (dryRun=All), so a change the server would refuse (validation, conflicts) is an error here,
 * before anyone confirms it. `dryRunOps` must be a dry-run client: nothing may change.
 */
export async function previewRowAction(
  ops: KubeClusterOps,
  dryRunOps: KubeClusterOps,
  a: RowAction,
  now: number,
): Promise<Result<RowActionPlan>> {
  const p = await planRowAction(ops, a, now);
  if (!p.ok) return p;
  if (p.value.plan.refused || !p.value.apply) return ok(p.value.plan);
  const dry = await p.value.apply(dryRunOps);
  return dry.ok ? ok(p.value.plan) : dry;
}

/** Apply an action previously planned at `seenGeneration` (re-planned now: what is applied is what was shown). */
export async function applyRowAction(
  ops: KubeClusterOps,
  a: RowAction,
  seenGeneration: string,
  now: number,
): Promise<Result<RowActionPlan>> {
  const p = await planRowAction(ops, a, now);
  if (!p.ok) return p;
  if (p.value.plan.refused) return err('invalid-transition', p.value.plan.refused);
  if (p.value.plan.generation !== seenGeneration) {
    return err(
      'stale-state',
      `deployment ${a.namespace}/${a.name} changed since you looked at it; look at the new preview and confirm again.`,
    );
  }
  const r = await p.value.apply!(ops);
  if (!r.ok) return r;
  return ok(p.value.plan);
}
