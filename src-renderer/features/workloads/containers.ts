/**
 * The containers the drawer's Shell and Metrics act on. Pod summaries carry no container names,
 * so they come from the object's YAML the drawer loads anyway (spec.containers of a Pod, the pod
 * template's of a Deployment; init containers are not shells one opens at 3 a.m.).
 */
import { parse } from 'yaml';
import type { ContainerRef } from '../../../src-shared/metrics/contract';
import type { PodSummary } from '../../../src-shared/workloads/contract';

interface WithContainers {
  spec?: { containers?: { name?: unknown }[]; template?: { spec?: { containers?: { name?: unknown }[] } } };
}

export function containersOf(yamlText: string): string[] {
  let doc: WithContainers | undefined;
  try {
    doc = parse(yamlText) as WithContainers | undefined;
  } catch {
    return [];
  }
  const list = doc?.spec?.containers ?? doc?.spec?.template?.spec?.containers ?? [];
  return list.map((c) => c.name).filter((n): n is string => typeof n === 'string' && n.length > 0);
}

/**
 * The container whose chart "Metrics" opens: the chosen container of a pod; for a Deployment,
 * that container in one of its pods, a running ready one first (it has samples now).
 */
export function metricsTarget(
  target: { kind: 'Pod' | 'Deployment'; clusterId: string; namespace: string; name: string },
  container: string | undefined,
  pods: readonly PodSummary[],
): ContainerRef | undefined {
  if (!container) return undefined;
  if (target.kind === 'Pod') return { clusterId: target.clusterId, namespace: target.namespace, pod: target.name, container };
  const mine = pods.filter(
    (p) => p.clusterId === target.clusterId && p.namespace === target.namespace && p.deployment === target.name && !p.deleting,
  );
  const pod = mine.find((p) => p.ready && p.phase === 'Running') ?? mine.find((p) => p.phase === 'Running') ?? mine[0];
  return pod ? { clusterId: pod.clusterId, namespace: pod.namespace, pod: pod.name, container } : undefined;
}

/** A pod whose previous instance is worth reading: it restarted or was killed. */
export const hasPreviousInstance = (pod: Pick<PodSummary, 'restarts' | 'lastTerminationReason'>): boolean =>
  pod.restarts > 0 || pod.lastTerminationReason !== undefined;
