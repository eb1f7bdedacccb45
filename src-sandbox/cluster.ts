/**
 * One simulated cluster: its object store, controllers (with the kubelet simulation) and its API
 * server. The API server can go down and come back while the state (and the resourceVersion
 * sequence) carries on, as with a restarted apiserver in front of the same etcd.
 */
import { randomBytes } from 'node:crypto';
import type { SimClock } from './clock';
import { ClusterKindControllers } from './controllers/cluster-kind-controllers';
import { ControllerManager } from './controllers/controller-manager';
import { OOM_AFTER_MS } from './controllers/kubelet';
import { ObjectStore } from './kube/store';
import { MetricsServer } from './metrics/metrics-server';
import type { Behaviour, Scenario, ScenarioCluster } from './scenario';
import { behaviourIndex, imageKey } from './scenario';
import { nodeCount, seedCluster } from './seed';
import type { Fault } from './server/api-server';
import type { AccessRule } from './server/access';
import { ClusterApiServer } from './server/api-server';

export interface ClusterOptions {
  index: number;
  port: number;
  scale: number;
  clock: SimClock;
  bookmarkIntervalMs: number;
  watchWindow: number;
  maxEvents: number;
  tls: { certPem: string; keyPem: string };
}

export class SimCluster {
  readonly name: string;
  readonly token = randomBytes(24).toString('base64url');
  readonly store: ObjectStore;
  readonly controllers: ControllerManager;
  /** Controllers of Services, StatefulSets, DaemonSets, Jobs, CronJobs, budgets, node heartbeats. */
  readonly kinds: ClusterKindControllers;
  readonly server: ClusterApiServer;
  readonly metrics: MetricsServer;
  readonly nodeNames: string[];
  private podIpCounter = 10;

  constructor(
    readonly scenario: Scenario,
    readonly config: ScenarioCluster,
    opts: ClusterOptions,
  ) {
    this.name = config.name;
    this.store = new ObjectStore(opts.watchWindow);
    const count = nodeCount(scenario, config, opts.scale);
    this.nodeNames = Array.from({ length: count }, (_, i) => `${config.name}-worker-${String(i + 1).padStart(2, '0')}`);
    const nodeIps = new Map(this.nodeNames.map((n, i) => [n, `192.168.${opts.index}.${(i % 250) + 2}`]));
    const behaviours = behaviourIndex(scenario);
    const readySeconds = new Map(scenario.apps.map((a) => [a.name, a.readySeconds]));
    const nextPodIp = () => {
      const n = this.podIpCounter++;
      return `10.${opts.index + 1}.${(n >> 8) & 255}.${n & 255}`;
    };
    this.controllers = new ControllerManager(
      this.store,
      opts.clock,
      {
        behaviourOf: (image): Behaviour => behaviours.get(imageKey(image)) ?? 'good',
        readySecondsOf: (image) => readySeconds.get(imageKey(image).split(':')[0]!) ?? 5,
        nodeNames: () => this.nodeNames,
        nodeIp: (n) => nodeIps.get(n) ?? '192.168.0.1',
        nextPodIp,
      },
      { name: config.name, maxEvents: opts.maxEvents },
    );
    this.kinds = new ClusterKindControllers(this.store, opts.clock, this.controllers.events, {
      name: config.name,
      caPem: opts.tls.certPem,
    });
    seedCluster({
      store: this.store,
      scenario,
      cluster: config,
      scale: opts.scale,
      nodeNames: this.nodeNames,
      nodeIp: (n) => nodeIps.get(n)!,
      nextPodIp,
    });
    // Leaking (`oom`) images grow to their limit by the time the kubelet simulation kills them.
    this.metrics = new MetricsServer(this.store, {
      speed: opts.clock.speed,
      leakMsOf: (image) =>
        behaviours.get(imageKey(image)) === 'oom'
          ? (readySeconds.get(imageKey(image).split(':')[0]!) ?? 5) * 1000 + OOM_AFTER_MS
          : undefined,
    });
    this.server = new ClusterApiServer(this.store, {
      extraRoutes: (req, res, path, params) => this.metrics.handle(req, res, path, params),
      name: config.name,
      token: this.token,
      port: opts.port,
      bookmarkIntervalMs: opts.bookmarkIntervalMs,
      nowIso: () => opts.clock.nowIso(),
      tls: opts.tls,
      clockSpeed: opts.clock.speed,
    });
  }

  get url(): string {
    return this.server.url;
  }

  setFault(fault: Fault | null): void {
    this.server.fault = fault;
  }

  /** Take permissions away from the sandbox's user (access.ts); `[]` gives them back. */
  denyAccess(rules: AccessRule[]): void {
    this.server.deny = rules;
  }

  async close(): Promise<void> {
    this.controllers.stop();
    this.kinds.stop();
    this.metrics.stop();
    await this.server.stop();
  }
}
