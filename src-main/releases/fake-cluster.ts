/**
 * Test doubles for the batch driver. SandboxDeploymentCluster is ClusterOps over the sandbox's
 * in-process store, write handlers and controllers (the Deployment controller checked against
 * upstream's test vectors, ReplicaSets, kubelet readiness) on a fast clock: the mechanism is
 * tested against the same rules the sandbox's API servers run, without HTTP. FakeBatchDriver is a
 * scripted BatchDriver for executor tests.
 */
import { SimClock } from '../../src-sandbox/clock';
import { ControllerManager } from '../../src-sandbox/controllers/controller-manager';
import { defaultDeployment } from '../../src-sandbox/kube/defaults';
import { isPodReady } from '../../src-sandbox/kube/pods';
import { RESOURCES } from '../../src-sandbox/kube/resources';
import { ObjectStore, StoreError } from '../../src-sandbox/kube/store';
import type { KubeObject } from '../../src-sandbox/kube/types';
import { WriteHandlers } from '../../src-sandbox/server/writes';
import { ApiError } from '../../src-sandbox/server/status';
import type { Pod, ReplicaSet } from '../../src-shared/k8s/types';
import { err, ok, type Result } from '../../src-shared/result';
import type {
  BatchDriver,
  ClusterOps,
  DeploymentPatch,
  DeploymentWithStrategy,
  DriverOutcome,
  Observation,
  WriteOpts,
} from './batch-driver';

const NS = 'shop';

export class SandboxDeploymentCluster implements ClusterOps {
  readonly store = new ObjectStore(1_000_000);
  readonly clock: SimClock;
  private readonly cm: ControllerManager;
  private readonly writes: WriteHandlers;
  /** Every referee sample: [new pods not terminating, ready pods] after each store change. */
  readonly samples: { updated: number; ready: number }[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    replicas: number,
    image: string,
    readonly container = 'app',
    opts: { speed?: number; strategy?: Record<string, unknown>; readySeconds?: number; annotations?: Record<string, string> } = {},
  ) {
    this.clock = new SimClock(opts.speed ?? 200);
    let ip = 0;
    this.cm = new ControllerManager(
      this.store,
      this.clock,
      {
        behaviourOf: () => 'good',
        readySecondsOf: () => opts.readySeconds ?? 5,
        nodeNames: () => ['n1', 'n2', 'n3'],
        nodeIp: () => '192.168.0.2',
        nextPodIp: () => `10.0.${Math.floor(++ip / 250)}.${ip % 250}`,
      },
      { name: 'fake' },
    );
    this.writes = new WriteHandlers(this.store, () => this.clock.nowIso());
    this.store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, this.clock.nowIso());
    const d: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'orders', namespace: NS, annotations: { ...opts.annotations } },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'orders' } },
        template: {
          metadata: { labels: { app: 'orders' } },
          spec: {
            containers: [
              { name: container, image },
              { name: 'log-agent', image: 'agent:1' },
            ],
          },
        },
        ...(opts.strategy ? { strategy: opts.strategy } : {}),
      },
    };
    defaultDeployment(d);
    this.store.create('deployments', d, this.clock.nowIso());
    this.unsubscribe = this.store.subscribe(() => this.samples.push(this.sample()));
  }

  close(): void {
    this.unsubscribe();
    this.cm.stop();
    this.clock.stopAll();
  }

  get d(): DeploymentWithStrategy {
    return this.store.get('deployments', NS, 'orders')!.obj as unknown as DeploymentWithStrategy;
  }

  /** Pods of the image, not terminating, and the ready pods of every version. */
  sample(image = this.targetImage): { updated: number; ready: number } {
    const pods = [...this.store.values('pods')].map((s) => s.obj).filter((p) => !p.metadata.deletionTimestamp);
    return {
      updated: pods.filter((p) =>
        p.spec.containers.some((c: { name: string; image: string }) => c.name === this.container && c.image === image),
      ).length,
      ready: pods.filter(isPodReady).length,
    };
  }

  /** The image the referee counts as "new" (set by the test). */
  targetImage = '';

  async getDeployment(): Promise<Result<DeploymentWithStrategy>> {
    return ok(structuredClone(this.d));
  }

  async listReplicaSets(): Promise<Result<ReplicaSet[]>> {
    return ok([...this.store.values('replicasets')].map((s) => structuredClone(s.obj) as unknown as ReplicaSet));
  }

  async listPods(): Promise<Result<Pod[]>> {
    return ok([...this.store.values('pods')].map((s) => structuredClone(s.obj) as unknown as Pod));
  }

  /** Every write the driver sent, in order (dry runs included). */
  readonly writesSent: { kind: 'patch' | 'scale'; dryRun: boolean; body: unknown }[] = [];

  async patchDeployment(_ns: string, name: string, patch: DeploymentPatch, opts: WriteOpts): Promise<Result<DeploymentWithStrategy>> {
    const body = opts.resourceVersion ? { ...patch, metadata: { ...patch.metadata, resourceVersion: opts.resourceVersion } } : patch;
    this.writesSent.push({ kind: 'patch', dryRun: !!opts.dryRun, body });
    return this.write(
      () =>
        JSON.parse(
          this.writes.patch(RESOURCES.deployments, NS, name, 'application/strategic-merge-patch+json', body, writer('capstan', opts.dryRun))
            .json,
        ) as DeploymentWithStrategy,
    );
  }

  async scaleReplicaSet(_ns: string, name: string, replicas: number, opts: WriteOpts): Promise<Result<ReplicaSet>> {
    const body = { metadata: opts.resourceVersion ? { resourceVersion: opts.resourceVersion } : undefined, spec: { replicas } };
    this.writesSent.push({ kind: 'scale', dryRun: !!opts.dryRun, body });
    return this.write(
      () =>
        JSON.parse(
          this.writes.patch(RESOURCES.replicasets, NS, name, 'application/merge-patch+json', body, writer('capstan', opts.dryRun)).json,
        ) as ReplicaSet,
    );
  }

  /** Someone else writes (kubectl set image / scale / patch), as a strategic merge patch. */
  externalPatch(patch: Record<string, unknown>, manager = 'kubectl-patch'): void {
    this.writes.patch(RESOURCES.deployments, NS, 'orders', 'application/strategic-merge-patch+json', patch, writer(manager));
  }

  private async write<T>(fn: () => T): Promise<Result<T>> {
    try {
      return ok(structuredClone(fn()));
    } catch (e) {
      if ((e instanceof ApiError || e instanceof StoreError) && e.code === 409) return err('conflict', e.message);
      if (e instanceof ApiError || e instanceof StoreError) return err('invalid-payload', e.message, { status: e.code });
      throw e;
    }
  }
}

/** Scripted BatchDriver: returns queued outcomes, then `progressing`; records every call. */
export class FakeBatchDriver implements BatchDriver {
  calls: { kind: 'step' | 'rollback'; deployment: string; target?: number }[] = [];
  constructor(private readonly script: DriverOutcome[] = []) {}
  async step(target: { deployment: string }, goal: { target: number }): Promise<Result<DriverOutcome>> {
    this.calls.push({ kind: 'step', deployment: target.deployment, target: goal.target });
    return ok(this.script.shift() ?? { kind: 'progressing', detail: 'scripted' });
  }
  async rollbackStep(target: { deployment: string }): Promise<Result<DriverOutcome>> {
    this.calls.push({ kind: 'rollback', deployment: target.deployment });
    return ok(this.script.shift() ?? { kind: 'progressing', detail: 'scripted' });
  }
  async observe(): Promise<Result<Observation>> {
    return err('not-found', 'the scripted driver observes nothing');
  }
}

/** A write by `manager`, as the API server would take it (unknown fields dropped; a dry run stores nothing). */
const writer = (manager: string, dryRun = false) => ({ dryRun, fieldValidation: 'Ignore' as const, fieldManager: manager });
