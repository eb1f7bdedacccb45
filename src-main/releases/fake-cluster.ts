/**
 * Test doubles for the batch driver. FakeDeploymentCluster is one Deployment plus a simulation of
 * the deployment controller's rolling-update arithmetic (pkg/controller/deployment: NewRSNewReplicas,
 * reconcileNewReplicaSet, reconcileOldReplicaSets, and the paused sync that only keeps sizes), so
 * that the mechanism's exactness is tested against the rules it relies on. Pods become Available
 * one tick after they are created (the minReadySeconds window). FakeBatchDriver is a scripted
 * BatchDriver for executor tests.
 */
import type { ReplicaSet } from '../../src-shared/k8s/types';
import { err, ok, type Result } from '../../src-shared/result';
import type { BatchDriver, ClusterOps, DeploymentPatch, DeploymentWithStrategy, DriverOutcome } from './batch-driver';

interface SimRS {
  name: string;
  image: string;
  replicas: number;
  available: number;
  /** replicas at the previous tick: only pods that existed then can be Available now. */
  aged: number;
}

const resolve = (v: number | string | undefined, n: number, fallback: string, round: (x: number) => number): number => {
  const value = v ?? fallback;
  return typeof value === 'number' ? value : round((n * Number(value.replace('%', ''))) / 100);
};

export class FakeDeploymentCluster implements ClusterOps {
  d: DeploymentWithStrategy;
  rss: SimRS[];
  patches: DeploymentPatch[] = [];
  proportionalScalings = 0;
  /** Lowest number of Available pods seen after any controller step. */
  minAvailableSeen = Infinity;

  constructor(replicas: number, image: string, readonly container = 'app') {
    this.d = {
      metadata: { name: 'orders', namespace: 'shop', uid: 'uid-1', resourceVersion: '1', generation: 1, annotations: {} },
      spec: { replicas, selector: { matchLabels: { app: 'orders' } }, template: { spec: { containers: [{ name: container, image }, { name: 'log-agent', image: 'agent:1' }] } } },
      status: { observedGeneration: 1 },
    };
    this.rss = [{ name: 'rs-0', image, replicas, available: replicas, aged: replicas }];
  }

  get image(): string {
    return this.d.spec!.template!.spec!.containers.find((c) => c.name === this.container)!.image!;
  }
  newRS(): SimRS | undefined {
    return this.rss.find((r) => r.image === this.image);
  }
  private bump(spec: boolean): void {
    this.d.metadata.resourceVersion = String(Number(this.d.metadata.resourceVersion) + 1);
    if (spec) this.d.metadata.generation = (this.d.metadata.generation ?? 0) + 1;
  }

  async getDeployment(): Promise<Result<DeploymentWithStrategy>> {
    return ok(structuredClone(this.d));
  }
  async listReplicaSets(): Promise<Result<ReplicaSet[]>> {
    return ok(
      this.rss.map((r) => ({
        metadata: { name: r.name, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders', uid: 'uid-1', controller: true }] },
        spec: { replicas: r.replicas, template: { spec: { containers: [{ name: this.container, image: r.image }] } } },
        status: { replicas: r.replicas, availableReplicas: r.available },
      })),
    );
  }
  async listPods() {
    return ok([]);
  }
  async patchDeployment(_ns: string, _name: string, patch: DeploymentPatch, opts: { resourceVersion?: string }): Promise<Result<DeploymentWithStrategy>> {
    if (opts.resourceVersion !== undefined && opts.resourceVersion !== this.d.metadata.resourceVersion) return err('conflict', 'the object has been modified');
    this.patches.push(structuredClone(patch));
    const ann = { ...this.d.metadata.annotations };
    for (const [k, v] of Object.entries(patch.metadata?.annotations ?? {})) {
      if (v === null) delete ann[k];
      else ann[k] = v;
    }
    this.d.metadata.annotations = ann;
    const spec = this.d.spec!;
    const p = patch.spec ?? {};
    if (p.paused !== undefined) spec.paused = p.paused;
    if (p.minReadySeconds !== undefined) spec.minReadySeconds = p.minReadySeconds;
    if (p.strategy !== undefined) spec.strategy = p.strategy ?? undefined;
    for (const c of p.template?.spec.containers ?? []) {
      const target = spec.template!.spec!.containers.find((x) => x.name === c.name);
      if (target) target.image = c.image;
    }
    this.bump(patch.spec !== undefined);
    return ok(structuredClone(this.d));
  }

  /** Someone else runs `kubectl set image` / `kubectl scale`. */
  externalEdit(edit: { image?: string; replicas?: number }): void {
    if (edit.image) this.d.spec!.template!.spec!.containers.find((c) => c.name === this.container)!.image = edit.image;
    if (edit.replicas !== undefined) this.d.spec!.replicas = edit.replicas;
    this.bump(true);
  }

  /** One pass of the deployment controller. */
  sync(): string {
    const spec = this.d.spec!;
    const n = spec.replicas ?? 1;
    this.d.status = { ...this.d.status, observedGeneration: this.d.metadata.generation };
    const ru = spec.strategy?.rollingUpdate;
    const maxSurge = resolve(ru?.maxSurge, n, '25%', Math.ceil);
    const maxUnavailable = resolve(ru?.maxUnavailable, n, '25%', Math.floor);
    const total = () => this.rss.reduce((a, r) => a + r.replicas, 0);
    let rs = this.newRS();
    if (spec.paused) {
      const active = this.rss.filter((r) => r.replicas > 0);
      if (active.length === 1 && active[0]!.replicas !== n) active[0]!.replicas = n;
      else if (active.length > 1 && total() !== n + maxSurge) this.proportionalScalings++;
      return 'paused';
    }
    if (!rs) {
      const old = total();
      rs = { name: `rs-${this.rss.length}`, image: this.image, replicas: old === 0 ? n : Math.max(0, Math.min(n + maxSurge - old, n)), available: 0, aged: 0 };
      this.rss.push(rs);
      return 'created new RS';
    }
    if (rs.replicas > n) return ((rs.replicas = n), 'scaled new down');
    if (rs.replicas < n && total() < n + maxSurge) {
      rs.replicas += Math.min(n + maxSurge - total(), n - rs.replicas);
      return 'scaled new up';
    }
    const olds = this.rss.filter((r) => r !== rs && r.replicas > 0);
    if (olds.length === 0) return 'complete';
    const minAvailable = n - maxUnavailable;
    if (total() - minAvailable - (rs.replicas - rs.available) <= 0) return 'waiting';
    let down = this.rss.reduce((a, r) => a + r.available, 0) - minAvailable;
    if (down <= 0) return 'waiting';
    for (const old of olds) {
      const d = Math.min(old.replicas, down);
      old.replicas -= d;
      old.available = Math.min(old.available, old.replicas);
      old.aged = Math.min(old.aged, old.replicas);
      down -= d;
    }
    return 'scaled old down';
  }

  /** Time passes: pods that existed at the previous tick become Available. */
  tick(): void {
    for (const r of this.rss) {
      r.available = Math.min(r.replicas, Math.max(r.available, r.aged));
      r.aged = r.replicas;
    }
    this.minAvailableSeen = Math.min(this.minAvailableSeen, this.rss.reduce((a, r) => a + r.available, 0));
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
}
