/**
 * Node detail and node actions, read and done live against the node's API server.
 *
 *   const nodes = new NodeService((id) => clusterService.connection(id));
 *   await nodes.detail(ref); await nodes.setSchedulable(ref, false);
 *   await nodes.drainPreview(ref);
 *   await nodes.drain(ref, { timeoutMs: 300_000, signal }, (progress) => ...);   // abort signal = stop
 */
import type { KubeList, Pod } from '../../src-shared/k8s/types';
import { timeOf } from '../../src-shared/k8s/types';
import { parseQuantity } from '../../src-shared/metrics/quantity';
import { backoffDelay } from '../../src-shared/base/backoff';
import type { DrainEvent, DrainPod, DrainResult, NodeDetail } from '../../src-shared/nodes/contract';
import type { AppError, Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import { controllerOf } from '../../src-shared/workloads/summarize';
import type { ClusterConnection } from '../clusters/cluster-connection';
import type { Budget } from './drain-plan';
import { drainBlocked, planDrain } from './drain-plan';

interface NodeRef {
  clusterId: string;
  name: string;
}

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
type WithResources = { name: string; resources?: Resources; restartPolicy?: string };
type FullPod = Omit<Pod, 'spec'> & {
  spec?: Omit<NonNullable<Pod['spec']>, 'containers' | 'initContainers'> & {
    containers: WithResources[];
    initContainers?: WithResources[];
  };
};
interface FullNode {
  metadata: { name?: string };
  spec?: { unschedulable?: boolean; taints?: { key: string; value?: string; effect: string }[] };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[];
  };
}

const amountsOf = (m: Record<string, string> | undefined) => ({
  cpu: parseQuantity(m?.cpu) ?? 0,
  memory: parseQuantity(m?.memory) ?? 0,
  pods: parseQuantity(m?.pods) ?? 0,
});
const finished = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/**
 * A pod's effective request or limit of one resource, as the scheduler counts it: the sum over
 * app containers (and native sidecars), or the largest init container, whichever is larger.
 */
export function podAmount(p: FullPod, kind: 'requests' | 'limits', resource: 'cpu' | 'memory'): number {
  const of = (c: WithResources) => parseQuantity(c.resources?.[kind]?.[resource]) ?? 0;
  const sidecars = (p.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  const app = [...(p.spec?.containers ?? []), ...sidecars].reduce((n, c) => n + of(c), 0);
  const init = Math.max(0, ...(p.spec?.initContainers ?? []).filter((c) => c.restartPolicy !== 'Always').map(of));
  return Math.max(app, init);
}

/** Ready must be True; any other condition (MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable) is bad when True. */
const conditionBad = (type: string, status: string) => (type === 'Ready' ? status !== 'True' : status === 'True');

export interface NodeServiceOptions {
  now?: () => number;
  /** Waits `ms` or until `signal` aborts (tests pass a fake). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
}

export class NodeService {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly connection: (clusterId: string) => Pick<ClusterConnection, 'getJson'> | undefined,
    o: NodeServiceOptions = {},
  ) {
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? abortableSleep;
    this.random = o.random ?? Math.random;
  }

  private conn(ref: NodeRef): Result<Pick<ClusterConnection, 'getJson'>> {
    const c = this.connection(ref.clusterId);
    return c
      ? ok(c)
      : err('not-found', `Cluster "${ref.clusterId}" is not connected. Open it in the cluster overview first.`, {
          clusterId: ref.clusterId,
        });
  }

  private async podsOn(c: Pick<ClusterConnection, 'getJson'>, node: string): Promise<Result<FullPod[]>> {
    const r = await c.getJson<KubeList<FullPod>>(`/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${node}`)}`, {
      verb: 'list',
      resource: 'pods',
    });
    return r.ok ? ok(r.value.items ?? []) : r;
  }

  async detail(ref: NodeRef): Promise<Result<NodeDetail>> {
    const c = this.conn(ref);
    if (!c.ok) return c;
    const [node, pods, metrics] = await Promise.all([
      c.value.getJson<FullNode>(`/api/v1/nodes/${encodeURIComponent(ref.name)}`, { verb: 'get', resource: 'nodes' }),
      this.podsOn(c.value, ref.name),
      c.value.getJson<{ usage?: { cpu?: string; memory?: string } }>(`/apis/metrics.k8s.io/v1beta1/nodes/${encodeURIComponent(ref.name)}`, {
        verb: 'get',
        resource: 'nodes.metrics.k8s.io',
      }),
    ]);
    if (!node.ok) return node;
    if (!pods.ok) return pods;
    const active = pods.value.filter((p) => !finished(p));
    const sum = (kind: 'requests' | 'limits', r: 'cpu' | 'memory') => active.reduce((n, p) => n + podAmount(p, kind, r), 0);
    const st = node.value.status ?? {};
    return ok({
      unschedulable: node.value.spec?.unschedulable ?? false,
      taints: (node.value.spec?.taints ?? []).slice(0, 100),
      conditions: (st.conditions ?? []).slice(0, 50).map((x) => {
        const since = timeOf(x.lastTransitionTime);
        return {
          type: x.type,
          status: x.status,
          ...(x.reason ? { reason: x.reason.slice(0, 253) } : {}),
          ...(x.message ? { message: x.message.slice(0, 2048) } : {}),
          ...(since !== undefined ? { since } : {}),
          bad: conditionBad(x.type, x.status),
        };
      }),
      capacity: amountsOf(st.capacity),
      allocatable: amountsOf(st.allocatable ?? st.capacity),
      requests: { cpu: sum('requests', 'cpu'), memory: sum('requests', 'memory') },
      limits: { cpu: sum('limits', 'cpu'), memory: sum('limits', 'memory') },
      ...(metrics.ok
        ? { usage: { cpu: parseQuantity(metrics.value.usage?.cpu) ?? 0, memory: parseQuantity(metrics.value.usage?.memory) ?? 0 } }
        : { usageError: `No usage figures: ${metrics.error.message}`.slice(0, 1000) }),
      pods: pods.value.slice(0, 5000).map((p) => ({
        namespace: p.metadata.namespace ?? '',
        name: p.metadata.name ?? '',
        phase: p.status?.phase ?? 'Unknown',
        cpuRequest: podAmount(p, 'requests', 'cpu'),
        memoryRequest: podAmount(p, 'requests', 'memory'),
        owner: controllerOf(p)?.kind ?? '',
      })),
    });
  }

  async setSchedulable(ref: NodeRef, schedulable: boolean): Promise<Result<{ unschedulable: boolean }>> {
    const c = this.conn(ref);
    if (!c.ok) return c;
    // As kubectl cordon: a merge patch of spec.unschedulable (null removes it on uncordon).
    const r = await c.value.getJson<FullNode>(`/api/v1/nodes/${encodeURIComponent(ref.name)}`, {
      method: 'PATCH',
      verb: 'patch',
      resource: 'nodes',
      contentType: 'application/merge-patch+json',
      body: { spec: { unschedulable: schedulable ? null : true } },
    });
    return r.ok ? ok({ unschedulable: r.value.spec?.unschedulable ?? false }) : r;
  }

  async drainPreview(ref: NodeRef): Promise<Result<{ pods: DrainPod[]; blocked: boolean }>> {
    const c = this.conn(ref);
    if (!c.ok) return c;
    const [pods, budgets] = await Promise.all([
      this.podsOn(c.value, ref.name),
      c.value.getJson<KubeList<Budget>>('/apis/policy/v1/poddisruptionbudgets', { verb: 'list', resource: 'poddisruptionbudgets' }),
    ]);
    if (!pods.ok) return pods;
    const plan = planDrain(pods.value, budgets.ok ? (budgets.value.items ?? []) : []);
    return ok({ pods: plan, blocked: drainBlocked(plan) });
  }

  /**
   * Cordon, then one eviction per pod to move, all pods at once (as kubectl drain). A 429 is the
   * pod's PodDisruptionBudget saying "not now": retried with back-off until the deadline (kubectl
   * drain --timeout; kubectl retries every 5 s). Aborting `signal` stops it: no eviction is sent
   * after that. `onProgress` gets the whole per-pod state after every change; the last has `done`.
   */
  async drain(ref: NodeRef, o: { timeoutMs: number; signal: AbortSignal }, onProgress: (e: DrainEvent) => void): Promise<void> {
    const deadline = this.now() + o.timeoutMs;
    const fail = (error: AppError) => onProgress({ pods: [], done: true, deadline, error });
    const preview = await this.drainPreview(ref);
    if (!preview.ok) return fail(preview.error);
    if (preview.value.blocked) {
      const refused = preview.value.pods.filter((p) => p.action.startsWith('refuse')).map((p) => `${p.namespace}/${p.name}`);
      return fail({
        code: 'conflict',
        message: `Drain refused, as kubectl drain would: ${refused.join(', ')} cannot be moved safely (see the preview). Move or delete them first.`,
        clusterId: ref.clusterId,
      });
    }
    const c = this.conn(ref);
    if (!c.ok) return fail(c.error);
    if (o.signal.aborted) return;
    const cordoned = await this.setSchedulable(ref, false);
    if (!cordoned.ok) return fail(cordoned.error);
    const pods: DrainResult[] = preview.value.pods.map((p) =>
      p.action === 'evict'
        ? { namespace: p.namespace, name: p.name, outcome: 'pending', message: 'waiting', attempts: 0 }
        : { namespace: p.namespace, name: p.name, outcome: 'skipped', message: p.note, attempts: 0 },
    );
    const report = () => onProgress({ pods: pods.map((p) => ({ ...p })), done: false, deadline });
    report();
    await Promise.all(
      preview.value.pods.map(async (p, i) => {
        if (p.action !== 'evict') return;
        const set = (patch: Omit<Partial<DrainResult>, 'retryAt'>) => {
          const { retryAt: _r, ...rest } = pods[i]!;
          pods[i] = { ...rest, ...patch };
          report();
        };
        const budget = p.pdb ? `PodDisruptionBudget ${p.pdb.name}` : "the pod's disruption budget";
        for (let attempt = 0; ; attempt++) {
          if (o.signal.aborted) return set({ outcome: 'stopped', message: 'Stopped before it was evicted: the pod stays on the node.' });
          set({ outcome: 'evicting', attempts: attempt + 1, message: attempt ? `eviction, attempt ${attempt + 1}` : 'eviction sent' });
          const r = await c.value.getJson(
            `/api/v1/namespaces/${encodeURIComponent(p.namespace)}/pods/${encodeURIComponent(p.name)}/eviction`,
            {
              method: 'POST',
              verb: 'create',
              resource: 'pods/eviction',
              signal: o.signal,
              body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: p.name, namespace: p.namespace } },
            },
          );
          if (r.ok)
            return set({
              outcome: 'evicted',
              message: attempt ? `evicted (after ${attempt} refusal${attempt === 1 ? '' : 's'} by ${budget})` : 'evicted',
            });
          if (o.signal.aborted)
            return set({ outcome: 'stopped', message: 'Stopped: the eviction in flight was abandoned; check the pod.' });
          // NotFound: the pod is already gone (kubectl drain counts it as done).
          if (r.error.status === 404) return set({ outcome: 'evicted', message: 'already gone' });
          if (r.error.status !== 429) return set({ outcome: 'failed', message: r.error.message.slice(0, 2000) });
          // The generic 429 text speaks of an overloaded server; here it is the budget saying no.
          const delay = backoffDelay(attempt, { ...DRAIN_RETRY, random: this.random });
          const waited = Math.round((this.now() - (deadline - o.timeoutMs)) / 1000);
          if (this.now() + delay > deadline) {
            return set({
              outcome: 'blocked',
              message: `Not evicted: ${budget} allowed no disruption (429) for ${waited}s, until the drain's timeout. Drain again once it allows one.`,
            });
          }
          const retryAt = this.now() + delay;
          pods[i] = { ...pods[i]!, outcome: 'retrying', message: `${budget} allows no disruption now (429); retrying`, retryAt };
          report();
          await this.sleep(delay, o.signal);
        }
      }),
    );
    if (!o.signal.aborted) onProgress({ pods, done: true, deadline });
  }
}

/** Eviction retries after a 429: 1 s doubling to 10 s (kubectl waits a fixed 5 s). */
const DRAIN_RETRY = { initialMs: 1000, maxMs: 10_000 };

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
