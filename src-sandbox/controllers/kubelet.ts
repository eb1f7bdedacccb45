/**
 * Scheduler + kubelet simulation. A new pod is bound to a node, its image pulled, its containers
 * started; then the image's scenario behaviour plays out: `good` becomes Ready after readySeconds,
 * `crashloop` exits 1 and backs off (CrashLoopBackOff, 10 s doubling to 5 min), `oom` becomes
 * ready then is OOMKilled (exit 137), `pull-error` never pulls (ErrImagePull / ImagePullBackOff),
 * `unschedulable` stays Pending (PodScheduled False, FailedScheduling).
 * A pod with a deletionTimestamp has its containers stopped and is then removed.
 */
import type { SimClock } from '../clock';
import { KeyedTimers } from '../keyed-timers';
import { isPodReady } from '../kube/pods';
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import type { Behaviour } from '../scenario';
import {
  crashBackoffMs,
  goDuration,
  imageId,
  newContainerId,
  setPodCondition,
  sortConditions,
  syncReadyConditions,
} from './container-states';
import type { EventRecorder } from './event-recorder';
import { commandOutcome } from './container-command';
import { nodeAdmits, unschedulableMessage } from './scheduling';

export interface KubeletOptions {
  behaviourOf: (image: string) => Behaviour;
  readySecondsOf: (image: string) => number;
  nodeNames: () => string[];
  nodeIp: (node: string) => string;
  nextPodIp: () => string;
}

type ContainerStatus = Record<string, unknown> & {
  name: string;
  ready: boolean;
  restartCount: number;
  started?: boolean;
  state: Record<string, unknown>;
  lastState: Record<string, unknown>;
};

const SCHEDULE_MS = 300;
const PULL_MS = 1500;
const CRASH_AFTER_MS = 4000;
/** Simulated ms a leaking (`oom`) container runs after ready before it is killed (metrics/ draws the leak to match). */
export const OOM_AFTER_MS = 60_000;
const STOP_MS = 1500;

export class Kubelet {
  /** Each pod's next lifecycle step. */
  private readonly timers: KeyedTimers;
  private nextNode = 0;
  private readonly ephemeralTimers: KeyedTimers;
  /** Pods no node admits, with the FailedScheduling message last recorded. */
  private readonly waitingForNodes = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly clock: SimClock,
    private readonly opts: KubeletOptions,
  ) {
    this.timers = new KeyedTimers(clock);
    this.ephemeralTimers = new KeyedTimers(clock);
    this.unsubscribe = store.subscribe((e) => {
      if (e.resource === 'nodes' && e.type !== 'DELETED') this.nodesChanged();
      if (e.resource !== 'pods') return;
      const pod = e.object.obj;
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (e.type === 'DELETED') {
        this.cancel(key);
        this.waitingForNodes.delete(key);
      } else if (pod.metadata.deletionTimestamp && !e.previous?.obj.metadata.deletionTimestamp) this.terminate(key, pod);
      else if (e.type === 'ADDED') this.adopt(key, pod);
      else if ((pod.spec.ephemeralContainers?.length ?? 0) > (pod.status?.ephemeralContainerStatuses?.length ?? 0))
        this.startEphemeral(key);
    });
  }

  stop(): void {
    this.unsubscribe();
    this.timers.cancelAll();
    this.ephemeralTimers.cancelAll();
  }

  /** A pod we have not seen: start its lifecycle, or, if seeded running, only its future faults. */
  private adopt(key: string, pod: KubeObject): void {
    if (!pod.spec.nodeName) return this.at(key, SCHEDULE_MS, () => this.schedule(key));
    if (isPodReady(pod) && this.behaviour(pod) === 'oom')
      return this.at(key, OOM_AFTER_MS * Math.random(), () => this.crash(key, 'OOMKilled', 137));
    if (!isPodReady(pod)) this.at(key, 10, () => this.createContainers(key));
  }

  private behaviour(pod: KubeObject): Behaviour {
    return this.opts.behaviourOf(pod.spec.containers[0]?.image ?? '');
  }

  private schedule(key: string): void {
    const pending = this.store.get('pods', ...split(key))?.obj;
    if (pending && this.behaviour(pending) === 'unschedulable') return this.unschedulable(key);
    const nodes = pending ? this.feasibleNodes(key, pending) : this.opts.nodeNames();
    if (!nodes.length) return;
    this.waitingForNodes.delete(key);
    this.mutate(key, (pod, now) => {
      const node = nodes[this.nextNode++ % nodes.length]!;
      pod.spec.nodeName = node;
      setPodCondition(pod, 'PodScheduled', 'True', now);
      this.events.normal(pod, 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${node}`, {
        component: 'default-scheduler',
      });
    });
    this.at(key, 100, () => this.createContainers(key));
  }

  /**
   * Nodes the pod may go to (cordon, taints, selectors: see scheduling.ts). When none, the pod
   * stays Pending with the scheduler's reasons and is tried again when a node changes.
   */
  private feasibleNodes(key: string, pod: KubeObject): string[] {
    const nodes = [...this.store.values('nodes')].map((s) => s.obj);
    if (!nodes.length) return this.opts.nodeNames();
    const feasible = nodes.filter((n) => nodeAdmits(n, pod).ok).map((n) => n.metadata.name);
    if (feasible.length) return feasible;
    const message = unschedulableMessage(nodes, pod);
    if (!this.waitingForNodes.has(key) || this.waitingForNodes.get(key) !== message) {
      this.mutate(key, (p, now) => {
        setPodCondition(p, 'PodScheduled', 'False', now, 'Unschedulable', message);
        this.events.warning(p, 'FailedScheduling', message, { component: 'default-scheduler' });
      });
    }
    this.waitingForNodes.set(key, message);
    return [];
  }

  /** A node changed: pods that found no node are tried again (the scheduler's requeue on node events). */
  private nodesChanged(): void {
    for (const key of this.waitingForNodes.keys()) this.at(key, 0, () => this.schedule(key));
  }

  /** The version asks for more than any node has: Pending with PodScheduled False, retried. */
  private unschedulable(key: string): void {
    this.mutate(key, (pod, now) => {
      const n = this.opts.nodeNames().length;
      const message = `0/${n} nodes are available: ${n} Insufficient memory. preemption: 0/${n} nodes are available: ${n} No preemption victims found for incoming pod.`;
      setPodCondition(pod, 'PodScheduled', 'False', now, 'Unschedulable', message);
      this.events.warning(pod, 'FailedScheduling', message, { component: 'default-scheduler' });
    });
    this.at(key, 60_000, () => this.unschedulable(key));
  }

  private createContainers(key: string): void {
    const pod = this.mutate(key, (p, now) => {
      const hostIP = this.opts.nodeIp(p.spec.nodeName);
      Object.assign(p.status, { phase: 'Pending', hostIP, hostIPs: [{ ip: hostIP }], startTime: p.status.startTime ?? now });
      if (!p.status.conditions?.some((c: { type: string }) => c.type === 'PodScheduled')) setPodCondition(p, 'PodScheduled', 'True', now);
      setPodCondition(p, 'PodReadyToStartContainers', 'False', now);
      const inits = (p.spec.initContainers ?? []) as { name: string; image: string }[];
      if (inits.length) {
        setPodCondition(
          p,
          'Initialized',
          'False',
          now,
          'ContainersNotInitialized',
          `containers with incomplete status: [${inits.map((c) => c.name).join(' ')}]`,
        );
        p.status.initContainerStatuses = inits.map((c) => waitingStatus(c, 'PodInitializing'));
      } else setPodCondition(p, 'Initialized', 'True', now);
      p.status.containerStatuses = p.spec.containers.map((c: { name: string; image: string }) =>
        waitingStatus(c, inits.length ? 'PodInitializing' : 'ContainerCreating'),
      );
      syncReadyConditions(p, now);
      for (const c of [...inits, ...p.spec.containers]) this.kubeletEvent(p, 'normal', 'Pulling', `Pulling image "${c.image}"`, c.name);
    });
    if (pod) this.at(key, PULL_MS, () => (pod.spec.initContainers?.length ? this.runInit(key, 0) : this.pulled(key)));
  }

  /**
   * Ephemeral containers (kubectl debug) start beside the running ones, without touching their
   * timers: waiting while the image is pulled, then running until the pod goes.
   */
  private startEphemeral(key: string): void {
    const [ns, name] = split(key);
    if (this.ephemeralTimers.has(key)) return;
    const pod = this.store.clone('pods', ns, name);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const statuses = (pod.status.ephemeralContainerStatuses ??= []) as ContainerStatus[];
    const fresh = (pod.spec.ephemeralContainers as { name: string; image: string }[]).filter(
      (c) => !statuses.some((s) => s.name === c.name),
    );
    for (const c of fresh) {
      statuses.push({
        name: c.name,
        image: c.image,
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
      });
      this.kubeletEvent(pod, 'normal', 'Pulling', `Pulling image "${c.image}"`, c.name);
    }
    this.store.update('pods', pod);
    this.ephemeralTimers.set(key, PULL_MS, () => {
      const p = this.store.clone('pods', ns, name);
      if (!p || p.metadata.deletionTimestamp) return;
      const started = this.clock.nowIso();
      for (const c of p.status.ephemeralContainerStatuses as ContainerStatus[]) {
        if (!c.state.waiting) continue;
        this.startContainer(p, c, started, {});
      }
      this.store.update('pods', p);
    });
  }

  /** Init containers run one after another to completion before the app containers start. */
  private runInit(key: string, i: number): void {
    const pod = this.mutate(key, (p, now) => {
      const c = (p.status.initContainerStatuses as ContainerStatus[])[i]!;
      this.kubeletEvent(p, 'normal', 'Pulled', `Container image "${c.image}" already present on machine`, c.name);
      this.startContainer(p, c, now, { started: true });
    });
    if (!pod) return;
    const outcome = commandOutcome({ ...pod, spec: { ...pod.spec, restartPolicy: 'Never' } }, pod.spec.initContainers[i]) ?? {
      exitCode: 0,
      afterMs: 2000,
    };
    this.at(key, outcome.afterMs, () => this.initExited(key, i, outcome.exitCode));
  }

  private initExited(key: string, i: number, exitCode: number): void {
    let next = 'main' as 'init' | 'main' | 'retry' | 'failed';
    let backoff = 0;
    this.mutate(key, (p, now) => {
      const all = p.status.initContainerStatuses as ContainerStatus[];
      const c = all[i]!;
      const startedAt = (c.state.running as { startedAt?: string } | undefined)?.startedAt ?? now;
      const terminated = {
        exitCode,
        reason: exitCode === 0 ? 'Completed' : 'Error',
        startedAt,
        finishedAt: now,
        containerID: c.containerID,
      };
      Object.assign(c, { started: false, ready: exitCode === 0 });
      if (exitCode === 0) {
        c.state = { terminated };
        next = i + 1 < all.length ? 'init' : 'main';
        if (next === 'main') setPodCondition(p, 'Initialized', 'True', now);
      } else if ((p.spec.restartPolicy ?? 'Always') === 'Never') {
        c.state = { terminated };
        p.status.phase = 'Failed';
        next = 'failed';
      } else {
        c.lastState = { terminated };
        c.restartCount++;
        backoff = this.backOff(p, c);
        next = 'retry';
      }
    });
    if (next === 'init') this.at(key, 10, () => this.runInit(key, i + 1));
    else if (next === 'retry') this.at(key, backoff, () => this.runInit(key, i));
    else if (next === 'main') this.at(key, 10, () => this.pulled(key));
  }

  private pulled(key: string): void {
    const pod = this.store.get('pods', ...split(key))?.obj;
    if (!pod) return;
    if (this.behaviour(pod) === 'pull-error') return this.pullFailed(key, 1);
    this.mutate(key, (p, now) => {
      p.status.phase = 'Running';
      if (!p.status.podIP) {
        const ip = this.opts.nextPodIp();
        p.status.podIP = ip;
        p.status.podIPs = [{ ip }];
      }
      setPodCondition(p, 'PodReadyToStartContainers', 'True', now);
      for (const c of p.status.containerStatuses as ContainerStatus[]) {
        const first = c.restartCount === 0 && !c.containerID;
        this.kubeletEvent(
          p,
          'normal',
          'Pulled',
          first
            ? `Successfully pulled image "${c.image}" in 1.2s (1.2s including waiting). Image size: 104857600 bytes.`
            : `Container image "${c.image}" already present on machine`,
          c.name,
        );
        this.startContainer(p, c, now, { started: true, ready: false });
      }
      syncReadyConditions(p, now);
    });
    const behaviour = this.behaviour(pod);
    const outcome = commandOutcome(pod);
    if (outcome) {
      // A container without a readiness probe is ready as soon as it runs.
      if (!pod.spec.containers[0]?.readinessProbe) this.ready(key, 'good');
      this.at(key, outcome.afterMs, () => this.exited(key, outcome.exitCode));
      return;
    }
    if (behaviour === 'crashloop') this.at(key, CRASH_AFTER_MS, () => this.crash(key, 'Error', 1));
    else this.at(key, this.opts.readySecondsOf(pod.spec.containers[0]?.image ?? '') * 1000, () => this.ready(key, behaviour));
  }

  private ready(key: string, behaviour: Behaviour): void {
    this.mutate(key, (p, now) => {
      for (const c of p.status.containerStatuses as ContainerStatus[]) c.ready = true;
      syncReadyConditions(p, now);
    });
    if (behaviour === 'oom') this.at(key, OOM_AFTER_MS, () => this.crash(key, 'OOMKilled', 137));
  }

  /** The container waits in CrashLoopBackOff (its restart count already raised): status, event and the delay, as the kubelet has them. */
  private backOff(p: KubeObject, c: ContainerStatus): number {
    const backoff = crashBackoffMs(c.restartCount);
    const pod = `${p.metadata.name}_${p.metadata.namespace}(${p.metadata.uid})`;
    c.state = {
      waiting: { reason: 'CrashLoopBackOff', message: `back-off ${goDuration(backoff)} restarting failed container=${c.name} pod=${pod}` },
    };
    this.kubeletEvent(p, 'warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod}`, c.name);
    return backoff;
  }

  private crash(key: string, reason: 'Error' | 'OOMKilled' | 'Completed', exitCode: number): void {
    let backoff = 0;
    this.mutate(key, (p, now) => {
      for (const c of p.status.containerStatuses as ContainerStatus[]) {
        const startedAt = (c.state.running as { startedAt?: string } | undefined)?.startedAt ?? now;
        c.lastState = { terminated: { exitCode, reason, startedAt, finishedAt: now, containerID: c.containerID } };
        c.restartCount++;
        c.ready = false;
        c.started = false;
        backoff = this.backOff(p, c);
      }
      syncReadyConditions(p, now);
    });
    if (backoff) this.at(key, backoff, () => this.pulled(key));
  }

  /**
   * The container process ended by itself. Under restartPolicy Always (or OnFailure with a
   * non-zero code) it restarts with back-off; otherwise the pod ends Succeeded or Failed.
   */
  private exited(key: string, exitCode: number): void {
    const pod = this.store.get('pods', ...split(key))?.obj;
    if (!pod) return;
    const policy = pod.spec.restartPolicy ?? 'Always';
    if (policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0))
      return this.crash(key, exitCode === 0 ? 'Completed' : 'Error', exitCode);
    this.mutate(key, (p, now) => {
      for (const c of p.status.containerStatuses as ContainerStatus[]) {
        const startedAt = (c.state.running as { startedAt?: string } | undefined)?.startedAt ?? now;
        c.state = {
          terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: now, containerID: c.containerID },
        };
        c.ready = false;
        c.started = false;
      }
      p.status.phase = exitCode === 0 ? 'Succeeded' : 'Failed';
      syncReadyConditions(p, now);
      for (const t of ['Ready', 'ContainersReady']) setPodCondition(p, t, 'False', now, 'PodCompleted');
      setPodCondition(p, 'PodReadyToStartContainers', 'False', now);
    });
  }

  private pullFailed(key: string, attempt: number): void {
    const backoff = crashBackoffMs(attempt);
    this.mutate(key, (p) => {
      for (const c of p.status.containerStatuses as ContainerStatus[]) {
        const msg = `failed to pull and unpack image "${c.image}": failed to resolve reference "${c.image}": ${c.image}: not found`;
        c.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${c.image}": ErrImagePull: ${msg}` } };
        this.kubeletEvent(p, 'warning', 'Failed', `Failed to pull image "${c.image}": rpc error: code = NotFound desc = ${msg}`, c.name);
        this.kubeletEvent(p, 'normal', 'BackOff', `Back-off pulling image "${c.image}"`, c.name);
      }
    });
    this.at(key, backoff, () => this.pullFailed(key, attempt + 1));
  }

  private terminate(key: string, pod: KubeObject): void {
    for (const c of pod.spec.containers) this.kubeletEvent(pod, 'normal', 'Killing', `Stopping container ${c.name}`, c.name);
    const grace = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    this.at(key, Math.min(grace, STOP_MS), () => {
      const [ns, name] = split(key);
      if (this.store.get('pods', ns, name)) this.store.delete('pods', ns, name);
    });
  }

  /** The kubelet's Created and Started events, and the container's status as running since `startedAt`. */
  private startContainer(p: KubeObject, c: ContainerStatus, startedAt: string, flags: { started?: boolean; ready?: boolean }): void {
    this.kubeletEvent(p, 'normal', 'Created', `Created container: ${c.name}`, c.name);
    this.kubeletEvent(p, 'normal', 'Started', `Started container ${c.name}`, c.name);
    Object.assign(c, {
      imageID: imageId(c.image as string),
      containerID: newContainerId(),
      ...flags,
      state: { running: { startedAt } },
    });
  }

  private kubeletEvent(pod: KubeObject, kind: 'normal' | 'warning', reason: string, message: string, container: string): void {
    this.events[kind](pod, reason, message, { component: 'kubelet', host: pod.spec.nodeName }, `spec.containers{${container}}`);
  }

  /** Applies a change to the current version of the pod, unless it is gone or being deleted. */
  private mutate(key: string, fn: (pod: KubeObject, now: string) => void): KubeObject | undefined {
    const [ns, name] = split(key);
    const pod = this.store.clone('pods', ns, name);
    if (!pod || pod.metadata.deletionTimestamp) return undefined;
    pod.status ??= {};
    fn(pod, this.clock.nowIso());
    sortConditions(pod);
    return this.store.update('pods', pod).obj;
  }

  private at(key: string, simMs: number, fn: () => void): void {
    this.timers.set(key, simMs, fn);
  }

  private cancel(key: string): void {
    this.timers.cancel(key);
  }
}

/** A container's status before it has run: waiting, for `reason`. */
function waitingStatus(c: { name: string; image: string }, reason: string) {
  return {
    name: c.name,
    image: c.image,
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason } },
    lastState: {},
  };
}

function split(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}
