/**
 * What `kubectl drain --ignore-daemonsets` does with each pod of a node, decided from plain
 * objects: DaemonSet pods stay (their controller would recreate them), mirror (static) pods stay,
 * finished pods need nothing, a pod with no controller or with emptyDir data is refused (kubectl
 * refuses without --force / --delete-emptydir-data; Capstan offers neither), the rest is evicted.
 */
import type { KubeObject, Pod } from '../../src-shared/k8s/types';
import type { DrainPod } from '../../src-shared/nodes/contract';
import { controllerOf } from '../../src-shared/workloads/summarize';

export interface Budget extends KubeObject {
  spec?: { selector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } };
  status?: { disruptionsAllowed?: number };
}

/** A PDB's selector matches the pod (matchLabels and matchExpressions, as labels.Selector does). */
export function budgetSelects(b: Budget, pod: Pod): boolean {
  if ((b.metadata.namespace ?? '') !== (pod.metadata.namespace ?? '')) return false;
  const sel = b.spec?.selector;
  if (!sel) return false;
  const labels = pod.metadata.labels ?? {};
  const exprs = sel.matchExpressions ?? [];
  // An empty selector selects every pod of the namespace (policy/v1).
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of exprs) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const v = labels[e.key];
    if (e.operator === 'In' && !(has && e.values?.includes(v!))) return false;
    if (e.operator === 'NotIn' && has && e.values?.includes(v!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

export function planDrain(pods: readonly Pod[], budgets: readonly Budget[]): DrainPod[] {
  return pods.map((p) => {
    const base = { namespace: p.metadata.namespace ?? '', name: p.metadata.name ?? '' };
    const owner = controllerOf(p);
    if (p.metadata.annotations?.['kubernetes.io/config.mirror'])
      return { ...base, action: 'skip-mirror', note: 'static (mirror) pod: managed by the kubelet, stays' };
    if (owner?.kind === 'DaemonSet')
      return { ...base, action: 'skip-daemonset', note: `DaemonSet ${owner.name}: ignored, as with --ignore-daemonsets` };
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed')
      return { ...base, action: 'skip-finished', note: `${p.status.phase}: nothing to move` };
    if (!owner)
      return {
        ...base,
        action: 'refuse-unmanaged',
        note: 'no controller: evicting it would delete it for good; delete or move it yourself first',
      };
    const volumes = (p.spec as { volumes?: { name: string; emptyDir?: unknown }[] } | undefined)?.volumes ?? [];
    const empty = volumes.find((v) => v.emptyDir !== undefined);
    if (empty)
      return {
        ...base,
        action: 'refuse-emptydir',
        note: `emptyDir volume ${empty.name}: its data would be lost; move the pod yourself first`,
      };
    const pdbs = budgets.filter((b) => budgetSelects(b, p));
    const pdb = pdbs[0];
    const allowed = pdb?.status?.disruptionsAllowed ?? 0;
    const note = pdb
      ? `${owner.kind} ${owner.name}; PodDisruptionBudget ${pdb.metadata.name} allows ${allowed} disruption${allowed === 1 ? '' : 's'} now`
      : `${owner.kind} ${owner.name} recreates it elsewhere`;
    return { ...base, action: 'evict', note, ...(pdb ? { pdb: { name: pdb.metadata.name ?? '', disruptionsAllowed: allowed } } : {}) };
  });
}

/** kubectl drain refuses the whole drain when any pod is refused. */
export const drainBlocked = (plan: readonly DrainPod[]) =>
  plan.some((p) => p.action === 'refuse-unmanaged' || p.action === 'refuse-emptydir');
