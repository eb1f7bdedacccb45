/**
 * The sandbox datacenter: every cluster of a scenario, each its own API server on 127.0.0.1.
 * This is the programmatic entry point for the app (embedded sandbox), tests and the CLI.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SimClock } from './clock';
import { SimCluster } from './cluster';
import { kubeconfigYaml } from './kubeconfig';
import type { ObjectStore } from './kube/store';
import type { Scenario } from './scenario';
import { DEFAULT_SCENARIO_PATH, loadScenarioFile, parseScenario } from './scenario';
import type { Fault, RequestListener } from './server/api-server';
import type { AccessRule } from './server/access';
import { createSandboxCert } from './server/tls-cert';

export type { Fault, RequestListener, RequestSeen } from './server/api-server';
export type { AccessRule } from './server/access';
export type { Scenario } from './scenario';

export interface DatacenterOptions {
  /** A parsed scenario, or the path of a scenario YAML file; default resources/scenarios/default.yaml. */
  scenario?: Scenario | string;
  /** Multiplies every group's replicas (`--scale`). Default 1. */
  scale?: number;
  /** Simulated seconds per real second. Default 1. */
  clockSpeed?: number;
  /** Fixed ports per cluster name; clusters not listed get a free port. */
  ports?: Record<string, number>;
  /** First port; cluster i gets portBase + i (unless in `ports`). Default 0 = any free port. */
  portBase?: number;
  /** Real milliseconds between watch BOOKMARK events. Default 15000. */
  bookmarkIntervalMs?: number;
  /** Change events kept per cluster for watch resumption; older resourceVersions get 410. Default 10000. */
  watchWindow?: number;
  /** Events (core/v1) kept per cluster. Default 5000. */
  maxEvents?: number;
}

/** How to reach one cluster: https URL, bearer token, and the PEM CA certificate to trust. */
export interface ClusterInfo {
  name: string;
  url: string;
  token: string;
  caPem: string;
}

export interface ClusterHandle {
  name: string;
  url: string;
  token: string;
  caPem: string;
  store: ObjectStore;
  /** Whether its API server is up. */
  readonly running: boolean;
  /** Calls `l` for every request the API server receives (exec upgrades too); returns the unsubscribe. */
  onRequest(l: RequestListener): () => void;
}

export interface Datacenter {
  readonly clusters: ClusterInfo[];
  /** The parsed scenario the datacenter was built from (apps, groups, versions, behaviours). */
  readonly scenario: Scenario;
  kubeconfigYaml(): string;
  writeKubeconfig(path: string): void;
  cluster(name: string): ClusterHandle;
  stopCluster(name: string): Promise<void>;
  startCluster(name: string): Promise<void>;
  setFault(name: string, fault: Fault | null): void;
  /** What the user may not do in cluster `name` (403 Forbidden, access reviews `allowed: false`); `[]` = a cluster admin again. */
  denyAccess(name: string, rules: AccessRule[]): void;
  /** Stop the simulation clock: no controller or kubelet activity (crash loops, OOM kills, rollouts) until thaw(). The API servers keep serving. */
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startDatacenter(opts: DatacenterOptions = {}): Promise<Datacenter> {
  const scenario =
    typeof opts.scenario === 'object'
      ? parseScenario(opts.scenario)
      : loadScenarioFile(opts.scenario ?? fileURLToPath(DEFAULT_SCENARIO_PATH));
  const scale = opts.scale ?? 1;
  if (!(scale > 0)) throw new Error(`scale must be > 0, got ${scale}`);
  const clock = new SimClock(opts.clockSpeed ?? 1);
  const tls = createSandboxCert();
  const sims = scenario.clusters.map(
    (config, index) =>
      new SimCluster(scenario, config, {
        index,
        port: opts.ports?.[config.name] ?? (opts.portBase ? opts.portBase + index : 0),
        scale,
        clock,
        bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 15_000,
        watchWindow: opts.watchWindow ?? 10_000,
        maxEvents: opts.maxEvents ?? 5000,
        tls,
      }),
  );
  try {
    await Promise.all(sims.map((c) => c.server.start()));
  } catch (e) {
    await Promise.all(sims.map((c) => c.close()));
    clock.stopAll();
    throw e;
  }
  const byName = (name: string) => {
    const c = sims.find((s) => s.name === name);
    if (!c) throw new Error(`no sandbox cluster named "${name}" (have: ${sims.map((s) => s.name).join(', ')})`);
    return c;
  };
  const infos = () => sims.map((c) => ({ name: c.name, url: c.url, token: c.token, caPem: tls.certPem }));
  return {
    get clusters() {
      return infos();
    },
    scenario,
    kubeconfigYaml: () => kubeconfigYaml(infos()),
    writeKubeconfig(path) {
      writeFileSync(path, kubeconfigYaml(infos()), { mode: 0o600 });
    },
    cluster(name) {
      const c = byName(name);
      return {
        name: c.name,
        url: c.url,
        token: c.token,
        caPem: tls.certPem,
        store: c.store,
        get running() {
          return c.server.listening;
        },
        onRequest: (l) => c.server.onRequest(l),
      };
    },
    stopCluster: (name) => byName(name).server.stop(),
    startCluster: (name) => byName(name).server.start(),
    setFault: (name, fault) => byName(name).setFault(fault),
    denyAccess: (name, rules) => byName(name).denyAccess(rules),
    freeze: () => clock.freeze(),
    thaw: () => clock.thaw(),
    async close() {
      await Promise.all(sims.map((c) => c.close()));
      clock.stopAll();
    },
  };
}
