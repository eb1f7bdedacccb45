/**
 * Why a shell cannot open in a container, from the pod's status, in the words `kubectl describe
 * pod` uses: state and reason, last exit code, restart count. Pure: the handler reads the pod.
 */
import type { ContainerExplanation } from '../../src-shared/exec/contract';

interface State {
  running?: { startedAt?: string };
  waiting?: { reason?: string; message?: string };
  terminated?: { reason?: string; message?: string; exitCode?: number; finishedAt?: string };
}
interface Status {
  name: string;
  state?: State;
  lastState?: State;
  restartCount?: number;
}
export interface ExplainPod {
  metadata: { name: string };
  spec?: { containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: { name: string }[] };
  status?: { phase?: string; containerStatuses?: Status[]; initContainerStatuses?: Status[]; ephemeralContainerStatuses?: Status[] };
}

export function explainContainer(pod: ExplainPod | undefined, podName: string, container?: string): ContainerExplanation {
  if (!pod)
    return {
      running: false,
      state: 'pod-missing',
      restartCount: 0,
      containers: [],
      summary: `Pod ${podName} no longer exists (deleted or replaced). Open a shell in one of its successors.`,
    };
  const names = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map(
    (c) => c.name,
  );
  const name = container ?? pod.spec?.containers?.[0]?.name;
  const podPhase = pod.status?.phase;
  const base = { containers: names, ...(podPhase ? { podPhase } : {}), ...(name ? { container: name } : {}) };
  if (!name || !names.includes(name)) {
    return {
      ...base,
      running: false,
      state: 'missing',
      restartCount: 0,
      summary: `Pod ${podName} has no container ${name ?? ''}; its containers are ${names.join(', ') || 'none'}.`,
    };
  }
  const st = [
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ].find((s) => s.name === name);
  const restartCount = st?.restartCount ?? 0;
  const lt = st?.lastState?.terminated;
  const last = lt
    ? {
        ...(lt.reason ? { reason: lt.reason } : {}),
        ...(lt.exitCode !== undefined ? { exitCode: lt.exitCode } : {}),
        ...(lt.finishedAt ? { finishedAt: lt.finishedAt } : {}),
      }
    : undefined;
  const withLast = { ...base, restartCount, ...(last ? { last } : {}) };
  const restarts = `${restartCount} restart${restartCount === 1 ? '' : 's'}`;
  const lastWords = last ? `; last exit code ${last.exitCode ?? '?'}${last.reason ? ` (${last.reason})` : ''}` : '';
  if (st?.state?.running) return { ...withLast, running: true, state: 'running', summary: `Container ${name} is running.` };
  if (st?.state?.waiting) {
    const w = st.state.waiting;
    return {
      ...withLast,
      running: false,
      state: 'waiting',
      ...(w.reason ? { reason: w.reason } : {}),
      ...(w.message ? { message: w.message } : {}),
      summary: `Container ${name} is not running: waiting (${w.reason ?? 'unknown reason'}), ${restarts}${lastWords}.`,
    };
  }
  if (st?.state?.terminated) {
    const t = st.state.terminated;
    return {
      ...withLast,
      running: false,
      state: 'terminated',
      ...(t.reason ? { reason: t.reason } : {}),
      ...(t.message ? { message: t.message } : {}),
      ...(t.exitCode !== undefined ? { exitCode: t.exitCode } : {}),
      summary: `Container ${name} is not running: terminated (${t.reason ?? 'unknown reason'}, exit code ${t.exitCode ?? '?'}), ${restarts}.`,
    };
  }
  return {
    ...withLast,
    running: false,
    state: 'not-started',
    summary: `Container ${name} has not started yet (pod ${podPhase ?? 'Pending'}).`,
  };
}
