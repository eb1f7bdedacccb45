/**
 * What the app keeps of a pod's containers beside its summary: per container its requests and
 * limits, restart count, current state and last terminated state. Read once from the decoded pod
 * when it arrives (the workloads layer has it in hand) and shared: the metrics' pod index holds the
 * same arrays instead of decoding every pod again from the compressed store (at 50,000 pods that
 * was ~150 MB of JSON parsed per sync, and a second copy of this information).
 * The arrays are never changed once made: a new pod version gets new ones.
 */
import type { Pod } from '../k8s/types';
import { parseBytes, parseCpuCores } from '../metrics/quantity';

export interface Terminated {
  reason?: string;
  exitCode?: number;
  signal?: number;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface ContainerInfo {
  /** Container name (a pod's few containers are found by scanning, no Map per pod). */
  name: string;
  app?: string;
  /** Owning Deployment (from the ReplicaSet owner and its pod-template-hash), for aggregates. */
  deployment?: string;
  memoryRequest?: number;
  memoryLimit?: number;
  cpuRequest?: number;
  cpuLimit?: number;
  restarts: number;
  /** "running", a waiting reason (CrashLoopBackOff) or a terminated reason. */
  state?: string;
  lastTerminated?: Terminated;
  /** Epoch ms the pod was deleted: its containers' info is kept (restarts, limits) for their history. */
  deletedAt?: number;
}

/** A pod's containers, by namespace and name (what metrics indexes). */
export interface PodContainers {
  namespace: string;
  name: string;
  containers: readonly ContainerInfo[];
}

/** The label metrics group containers by. */
export const METRICS_APP_LABEL = 'app.kubernetes.io/name';

interface ContainerSpec {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: Record<string, { reason?: string } | undefined>;
  lastState?: { terminated?: Terminated };
}

const same = (v: string) => v;

/** kube names a Deployment's ReplicaSet `<deployment>-<pod-template-hash>`. */
export function deploymentOf(pod: Pod): string | undefined {
  const rs = pod.metadata.ownerReferences?.find((o) => o.kind === 'ReplicaSet' && o.controller)?.name;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  return rs && hash && rs.endsWith(`-${hash}`) ? rs.slice(0, -(hash.length + 1)) : undefined;
}

/** Only the fields of lastState.terminated we show (not the decoded object with everything else). */
function slimTerminated(t: Terminated | undefined, intern: (v: string) => string): Terminated | undefined {
  if (!t) return undefined;
  const out: Terminated = {};
  if (t.reason !== undefined) out.reason = intern(t.reason);
  if (t.exitCode !== undefined) out.exitCode = t.exitCode;
  if (t.signal !== undefined) out.signal = t.signal;
  if (t.message !== undefined) out.message = t.message;
  if (t.startedAt !== undefined) out.startedAt = t.startedAt;
  if (t.finishedAt !== undefined) out.finishedAt = t.finishedAt;
  return out;
}

/**
 * The containers of `pod`; `intern` shares the few distinct strings (names, apps, states) between
 * pods. `previous` (the pod's last array) lends its container names.
 */
export function containersOf(pod: Pod, intern: (v: string) => string = same, previous?: readonly ContainerInfo[]): ContainerInfo[] {
  const specs = (pod.spec as { containers?: ContainerSpec[] } | undefined)?.containers ?? [];
  const statuses = (pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? [];
  const appLabel = pod.metadata.labels?.[METRICS_APP_LABEL];
  const app = appLabel === undefined ? undefined : intern(appLabel);
  const dep = deploymentOf(pod);
  const deployment = dep === undefined ? undefined : intern(dep);
  const out: ContainerInfo[] = new Array(specs.length);
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    const st = statuses.find((s) => s.name === spec.name);
    const r = spec.resources ?? {};
    const stateName = st?.state && Object.keys(st.state)[0];
    out[i] = {
      name: previous?.find((c) => c.name === spec.name)?.name ?? intern(spec.name),
      app,
      deployment,
      memoryRequest: parseBytes(r.requests?.memory),
      memoryLimit: parseBytes(r.limits?.memory),
      cpuRequest: parseCpuCores(r.requests?.cpu),
      cpuLimit: parseCpuCores(r.limits?.cpu),
      restarts: st?.restartCount ?? 0,
      state: stateName ? intern(st.state![stateName]?.reason ?? stateName) : undefined,
      lastTerminated: slimTerminated(st?.lastState?.terminated, intern),
    };
  }
  return out;
}

/** The record metrics indexes, read from a whole pod (tests and sources without a shared index). */
export function podContainersOf(pod: Pod, intern?: (v: string) => string): PodContainers {
  return { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', containers: containersOf(pod, intern) };
}
