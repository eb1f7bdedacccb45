/**
 * The scheduler's filter plugins the sandbox models: NodeUnschedulable (cordon, unless tolerated),
 * TaintToleration (NoSchedule and NoExecute taints), NodeName, NodeSelector and required node
 * affinity (label expressions and metadata.name fields). Messages as kube-scheduler words them.
 */
import type { KubeObject } from '../kube/types';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  /** NoExecute only: how long a pod stays on a node that gets the taint (taint-eviction). */
  tolerationSeconds?: number;
}
interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

export type Admission = { ok: true } | { ok: false; reason: string };

export function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

export function nodeAdmits(node: KubeObject, pod: KubeObject): Admission {
  const tolerations = (pod.spec?.tolerations ?? []) as Toleration[];
  if (pod.spec?.nodeName && pod.spec.nodeName !== node.metadata.name)
    return { ok: false, reason: "node(s) didn't match the requested node name" };
  if (node.spec?.unschedulable && !tolerates(tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
    return { ok: false, reason: 'node(s) were unschedulable' };
  }
  const labels = node.metadata.labels ?? {};
  const selector = (pod.spec?.nodeSelector ?? {}) as Record<string, string>;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as
    { matchExpressions?: Requirement[]; matchFields?: Requirement[] }[] | undefined;
  const selectorOk = Object.entries(selector).every(([k, v]) => labels[k] === v);
  const affinityOk =
    !terms?.length ||
    terms.some(
      (t) =>
        (t.matchExpressions ?? []).every((r) => matches(r, labels[r.key])) &&
        (t.matchFields ?? []).every((r) => r.key !== 'metadata.name' || matches(r, node.metadata.name)),
    );
  if (!selectorOk || !affinityOk) return { ok: false, reason: "node(s) didn't match Pod's node affinity/selector" };
  for (const taint of (node.spec?.taints ?? []) as Taint[]) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerates(tolerations, taint)) return { ok: false, reason: `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}` };
  }
  return { ok: true };
}

/** The FailedScheduling message for a pod no node admits: "0/3 nodes are available: 1 node(s) …, 2 node(s) …." */
export function unschedulableMessage(nodes: KubeObject[], pod: KubeObject): string {
  const counts = new Map<string, number>();
  for (const n of nodes) {
    const a = nodeAdmits(n, pod);
    if (!a.ok) counts.set(a.reason, (counts.get(a.reason) ?? 0) + 1);
  }
  // FitError sorts the "<count> <reason>" strings themselves.
  const parts = [...counts.entries()].map(([reason, n]) => `${n} ${reason}`).sort();
  const total = nodes.length;
  return `0/${total} nodes are available: ${parts.join(', ')}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
}

function matches(r: Requirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(r.values?.[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(r.values?.[0]);
    default:
      return false;
  }
}
