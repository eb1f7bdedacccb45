/**
 * Pure functions turning whole Kubernetes objects into the compact summaries the renderer shows.
 * Pod STATUS follows kubectl's printPod (pkg/printers/internalversion/printers.go); deployment
 * rollout status follows kubectl's DeploymentStatusViewer (see DESIGN.md, API facts).
 */
import type { Container, ContainerStatus, Deployment, Pod } from '../k8s/types';
import { timeOf } from '../k8s/types';
import type { DeploymentSummary, PodSummary } from './contract';

export interface LabelKeys {
  /** Label naming the app. Default `app.kubernetes.io/name`. */
  app: string;
  /** Label naming the release group. Default `capstan.io/group`. */
  group: string;
}
export const defaultLabelKeys: LabelKeys = { app: 'app.kubernetes.io/name', group: 'capstan.io/group' };

export const revisionAnnotation = 'deployment.kubernetes.io/revision';

const isRestartableInit = (c: Container | undefined): boolean => c?.restartPolicy === 'Always';

export interface PodStatusColumns {
  status: string;
  readyContainers: number;
  totalContainers: number;
  restarts: number;
}

/** kubectl's READY / STATUS / RESTARTS columns for a pod. */
export function podStatusColumns(pod: Pod): PodStatusColumns {
  const spec = pod.spec ?? { containers: [] };
  const st = pod.status ?? {};
  let restarts = 0;
  let totalContainers = spec.containers?.length ?? 0;
  let readyContainers = 0;
  let reason: string = st.reason || st.phase || 'Unknown';

  for (const c of st.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initSpecs = new Map<string, Container>();
  for (const c of spec.initContainers ?? []) {
    initSpecs.set(c.name, c);
    if (isRestartableInit(c)) totalContainers++;
  }

  let initializing = false;
  const inits: ContainerStatus[] = st.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    restarts += c.restartCount ?? 0;
    if (isRestartableInit(initSpecs.get(c.name))) {
      if (c.started && c.ready) readyContainers++;
      continue;
    }
    const term = c.state?.terminated;
    const wait = c.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (term) {
      if (!term.reason) reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
      else reason = `Init:${term.reason}`;
    } else if (wait?.reason && wait.reason !== 'PodInitializing') {
      reason = `Init:${wait.reason}`;
    } else {
      reason = `Init:${i}/${spec.initContainers?.length ?? 0}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = (st.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = 0;
    let hasRunning = false;
    const statuses = st.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += c.restartCount ?? 0;
      const wait = c.state?.waiting;
      const term = c.state?.terminated;
      if (wait?.reason) reason = wait.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const readyCond = (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = readyCond ? 'Running' : 'NotReady';
    }
  }

  const phase = st.phase;
  if (pod.metadata.deletionTimestamp && st.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  return { status: reason, readyContainers, totalContainers, restarts };
}

type Termination = NonNullable<PodSummary['terminations']>[number];

/** Each container's last termination (the newer of its terminated state and lastState). */
function terminations(pod: Pod): Termination[] | undefined {
  let out: Termination[] | undefined;
  for (const c of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) {
    let best: Termination | undefined;
    for (const t of [c.lastState?.terminated, c.state?.terminated]) {
      if (!t || (!t.reason && t.exitCode === undefined)) continue;
      const at = timeOf(t.finishedAt);
      if (best && (at ?? 0) < (best.at ?? 0)) continue;
      best = { container: c.name };
      if (t.reason) best.reason = t.reason;
      if (t.exitCode !== undefined) best.exitCode = t.exitCode;
      if (at) best.at = at;
    }
    if (best) (out ??= []).push(best);
  }
  return out;
}

/** The most recent termination with a reason, of any container. */
function lastTermination(all: Termination[] | undefined): { reason: string; at: number } | undefined {
  let best: { at: number; reason: string } | undefined;
  for (const t of all ?? []) {
    if (!t.reason) continue;
    const at = t.at ?? 0;
    if (!best || at >= best.at) best = { at, reason: t.reason };
  }
  return best;
}

/** When the state that matters for "pending too long" / "not ready since" began. */
function conditionSince(pod: Pod, createdAt: number): number | undefined {
  if ((pod.status?.phase ?? 'Pending') === 'Pending') return createdAt;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  return timeOf(ready?.lastTransitionTime) ?? timeOf(pod.status?.startTime) ?? createdAt;
}

export function summarizePod(clusterId: string, pod: Pod, deployment: string | undefined, keys: LabelKeys = defaultLabelKeys): PodSummary {
  const cols = podStatusColumns(pod);
  const labels = pod.metadata.labels ?? {};
  const createdAt = timeOf(pod.metadata.creationTimestamp) ?? 0;
  const readyCond = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const images = (pod.spec?.containers ?? []).map((c) => c.image ?? '').filter(Boolean);
  const perContainer = terminations(pod);
  const term = lastTermination(perContainer);
  return {
    uid: pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`,
    clusterId,
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name ?? '',
    app: labels[keys.app],
    group: labels[keys.group],
    deployment,
    phase: pod.status?.phase ?? 'Unknown',
    status: cols.status,
    readyContainers: cols.readyContainers,
    totalContainers: cols.totalContainers,
    ready: readyCond?.status === 'True',
    restarts: cols.restarts,
    lastTerminationReason: term?.reason,
    lastTerminationAt: term?.at || undefined,
    ...(perContainer ? { terminations: perContainer } : {}),
    conditionSince: conditionSince(pod, createdAt),
    node: pod.spec?.nodeName,
    podIP: pod.status?.podIP,
    images,
    createdAt,
    deleting: Boolean(pod.metadata.deletionTimestamp),
    resourceVersion: pod.metadata.resourceVersion ?? '',
  };
}

export interface RolloutStatus {
  rollout: DeploymentSummary['rollout'];
  message: string;
}

/** Rollout status exactly as `kubectl rollout status` computes it; a paused, unfinished rollout is `paused`. */
export function deploymentRolloutStatus(d: Deployment): RolloutStatus {
  const name = d.metadata.name ?? '';
  const st = d.status ?? {};
  const paused = Boolean(d.spec?.paused);
  const waiting = (message: string): RolloutStatus => ({ rollout: paused ? 'paused' : 'progressing', message });
  if ((d.metadata.generation ?? 0) > (st.observedGeneration ?? 0)) {
    return waiting('Waiting for deployment spec update to be observed...');
  }
  const progressing = st.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { rollout: 'failed', message: `deployment "${name}" exceeded its progress deadline` };
  }
  const updated = st.updatedReplicas ?? 0;
  const replicas = st.replicas ?? 0;
  const available = st.availableReplicas ?? 0;
  const specReplicas = d.spec?.replicas;
  if (specReplicas !== undefined && updated < specReplicas) {
    return waiting(
      `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${specReplicas} new replicas have been updated...`,
    );
  }
  if (replicas > updated) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`);
  }
  if (available < updated) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`);
  }
  return { rollout: 'done', message: `deployment "${name}" successfully rolled out` };
}

export const changeCauseAnnotation = 'kubernetes.io/change-cause';
const optional = <K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> =>
  v ? ({ [k]: v } as Record<K, string>) : {};

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  time?: string;
}

/** The newest managedFields entry that wrote the object itself (a status writer is the controller, not a person). */
export function lastSpecManager(fields: unknown[] | undefined): ManagedFieldsEntry | undefined {
  let best: ManagedFieldsEntry | undefined;
  for (const f of (fields ?? []) as ManagedFieldsEntry[]) {
    if (!f?.manager || f.subresource === 'status') continue;
    if (!best || (f.time ?? '') >= (best.time ?? '')) best = f;
  }
  return best;
}

export function summarizeDeployment(clusterId: string, d: Deployment, keys: LabelKeys = defaultLabelKeys): DeploymentSummary {
  const labels = d.metadata.labels ?? {};
  const st = d.status ?? {};
  const { rollout, message } = deploymentRolloutStatus(d);
  return {
    uid: d.metadata.uid ?? `${d.metadata.namespace}/${d.metadata.name}`,
    clusterId,
    namespace: d.metadata.namespace ?? '',
    name: d.metadata.name ?? '',
    app: labels[keys.app] ?? d.spec?.template?.metadata?.labels?.[keys.app],
    group: labels[keys.group] ?? d.spec?.template?.metadata?.labels?.[keys.group],
    replicas: d.spec?.replicas ?? 0,
    readyReplicas: st.readyReplicas ?? 0,
    updatedReplicas: st.updatedReplicas ?? 0,
    availableReplicas: st.availableReplicas ?? 0,
    images: (d.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? '').filter(Boolean),
    revision: d.metadata.annotations?.[revisionAnnotation],
    paused: Boolean(d.spec?.paused),
    rollout,
    rolloutMessage: message,
    ...optional('specManager', lastSpecManager(d.metadata.managedFields)?.manager),
    ...optional('changeCause', d.metadata.annotations?.[changeCauseAnnotation]),
    createdAt: timeOf(d.metadata.creationTimestamp) ?? 0,
    resourceVersion: d.metadata.resourceVersion ?? '',
  };
}

/** The controlling owner of an object, if any (ownerReferences with controller: true, else the first). */
export function controllerOf(obj: {
  metadata: { ownerReferences?: { kind: string; name: string; controller?: boolean }[] };
}): { kind: string; name: string } | undefined {
  const refs = obj.metadata.ownerReferences ?? [];
  return refs.find((r) => r.controller) ?? refs[0];
}
