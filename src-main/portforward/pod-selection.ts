/**
 * Which pod and port a Service forward reaches, decided as `kubectl port-forward svc/…` decides
 * it: the Service port is translated to its targetPort (a number, or a container port's name
 * looked up in the chosen pod), and the pod is the "most active" one selected by the Service
 * (kubectl sorts with podutils.ActivePods reversed): running, ready, ready the longest, fewest
 * restarts, oldest. Pods being deleted are never chosen. Pure functions over plain objects.
 */
import type { TargetPort } from '../../src-shared/portforward/contract';

interface ContainerPort {
  containerPort: number;
  name?: string;
  protocol?: string;
}
interface Container {
  name: string;
  ports?: ContainerPort[];
}
export interface PodLike {
  metadata: { name: string; creationTimestamp?: string; deletionTimestamp?: string };
  spec?: { containers?: Container[] };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { restartCount?: number }[];
  };
}
export interface ServicePort {
  port: number;
  name?: string;
  protocol?: string;
  targetPort?: number | string;
}
export interface ServiceLike {
  metadata: { name: string };
  spec?: { selector?: Record<string, string>; ports?: ServicePort[]; type?: string };
}

const readyCondition = (p: PodLike) => p.status?.conditions?.find((c) => c.type === 'Ready');
export const isPodReady = (p: PodLike): boolean =>
  p.status?.phase === 'Running' && readyCondition(p)?.status === 'True' && !p.metadata.deletionTimestamp;
const restarts = (p: PodLike) => (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
const time = (s: string | undefined) => (s ? Date.parse(s) : Number.POSITIVE_INFINITY);

/** The pod a new connection should go to, or undefined when none is ready. */
export function pickReadyPod(pods: PodLike[]): PodLike | undefined {
  return pods
    .filter(isPodReady)
    .sort(
      (a, b) =>
        time(readyCondition(a)?.lastTransitionTime) - time(readyCondition(b)?.lastTransitionTime) ||
        restarts(a) - restarts(b) ||
        time(a.metadata.creationTimestamp) - time(b.metadata.creationTimestamp) ||
        a.metadata.name.localeCompare(b.metadata.name),
    )[0];
}

/** The Service port a forward names (by number), or a message listing the ports it has. */
export function servicePort(svc: ServiceLike, port: number): ServicePort | string {
  const ports = svc.spec?.ports ?? [];
  const found = ports.find((p) => p.port === port);
  if (found) return found;
  const list = ports.map((p) => `${p.port}${p.name ? ` (${p.name})` : ''}`).join(', ');
  return `Service ${svc.metadata.name} has no port ${port}${list ? `; its ports are ${list}` : ' and declares no ports'}. Choose one of its ports.`;
}

/** The container port a Service port reaches on this pod (targetPort by number, or by name). */
export function podPortFor(sp: ServicePort, pod: PodLike): number | string {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) {
    const p = c.ports?.find((x) => x.name === target);
    if (p) return p.containerPort;
  }
  return `Pod ${pod.metadata.name} has no container port named "${target}" (the Service's targetPort).`;
}

/** labelSelector query value for a Service's selector; undefined when it selects nothing by labels. */
export function selectorQuery(svc: ServiceLike): string | undefined {
  const sel = Object.entries(svc.spec?.selector ?? {});
  return sel.length ? sel.map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}

/** The TCP ports to offer for a pod (its containers') or a Service (its own). */
export function declaredPorts(obj: { kind: 'pod'; pod: PodLike } | { kind: 'service'; service: ServiceLike }): TargetPort[] {
  const tcp = (p?: string) => (p ?? 'TCP') === 'TCP';
  if (obj.kind === 'service')
    return (obj.service.spec?.ports ?? [])
      .filter((p) => tcp(p.protocol))
      .map((p) => ({ port: p.port, ...(p.name ? { name: p.name } : {}), protocol: p.protocol ?? 'TCP' }));
  return (obj.pod.spec?.containers ?? []).flatMap((c) =>
    (c.ports ?? [])
      .filter((p) => tcp(p.protocol))
      .map((p) => ({ port: p.containerPort, ...(p.name ? { name: p.name } : {}), protocol: p.protocol ?? 'TCP', container: c.name })),
  );
}
