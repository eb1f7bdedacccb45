/**
 * Test harness for ReleaseService against the sandbox datacenter: the datacenter, a kubeconfig
 * for kubectl, a ClusterService, services on demand, plans, and helpers that start a release and
 * approve what waits for approval. Used by the *.sandbox.test.ts files of this folder.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { startDatacenter, type Datacenter } from '../../../src-sandbox/datacenter';
import { isPodReady } from '../../../src-sandbox/kube/pods';
import { needsMe } from '../../../src-shared/releases/execution-views';
import { ClusterService } from '../../clusters/cluster-service';
import { KubeconfigService } from '../../clusters/kubeconfig-service';
import { until } from '../../testing/fake-kube';
import { ReleaseService, type ReleaseServiceOptions } from '../release-service';

export interface ReleaseSandbox {
  dc: Datacenter;
  dir: string;
  clusters: ClusterService;
  kubeconfig: string;
  speed: number;
  service(): Promise<ReleaseService>;
  /** Another ClusterService on the datacenter (another Capstan's); the caller disposes of it. */
  newClusters(): ClusterService;
  /** Async: the sandbox runs in this process, a synchronous kubectl would starve it. */
  kubectl(...args: string[]): Promise<string>;
  /** A Deployment as kubectl prints it with `-o jsonpath=<template>` (e.g. `{.spec.replicas}`). */
  deploymentJsonpath(ctx: string, ns: string, name: string, template: string): Promise<string>;
  /** `kubectl rollout status` of a Deployment (rejects when it is not rolled out within `timeout`). */
  rolloutStatus(ctx: string, ns: string, name: string, timeout?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startReleaseSandbox(speed = 20): Promise<ReleaseSandbox> {
  const dc = await startDatacenter({ clockSpeed: speed, bookmarkIntervalMs: 500 });
  const dir = mkdtempSync(join(tmpdir(), 'capstan-rel-'));
  const kubeconfig = join(dir, 'kubeconfig');
  dc.writeKubeconfig(kubeconfig);
  const newClusters = () =>
    new ClusterService(KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox'), {
      staleAfterMs: 2000,
      notifyIntervalMs: 50,
      idleCloseMs: 0,
    });
  const clusters = newClusters();
  const kubectl = async (...args: string[]) =>
    (await promisify(execFile)('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', timeout: 20_000 })).stdout;
  return {
    dc,
    dir,
    clusters,
    kubeconfig,
    speed,
    service: () => startService({ dir, clusters, tickMs: 100, timeScale: speed, actor: 'tester' }),
    newClusters,
    kubectl,
    deploymentJsonpath: (ctx, ns, name, template) =>
      kubectl('--context', ctx, '-n', ns, 'get', `deployment/${name}`, '-o', `jsonpath=${template}`),
    rolloutStatus: (ctx, ns, name, timeout = '5s') =>
      kubectl('--context', ctx, '-n', ns, 'rollout', 'status', `deployment/${name}`, `--timeout=${timeout}`),
    async close() {
      clusters.dispose();
      await dc.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The first container's image, for `deploymentJsonpath`. */
export { IMAGE } from '../../../src-shared/testing/fixtures';

/** kubectl arguments that print the team records (labelled ConfigMaps in `ctx`'s capstan-system) by a jsonpath template. */
export const recordsQuery = (ctx: string, template: string) => [
  '--context',
  ctx,
  '-n',
  'capstan-system',
  'get',
  'configmap',
  '-l',
  'capstan.io/release-execution=record',
  '-o',
  `jsonpath=${template}`,
];

/** Starts a ReleaseService as the board does: every cluster connected and live, snapshots read. */
export async function startService(options: ReleaseServiceOptions): Promise<ReleaseService> {
  const s = new ReleaseService(options);
  await s.start();
  s.subscribe(() => undefined); // what the board does: connect every cluster
  await until(() => options.clusters.ids().every((id) => options.clusters.get(id)?.state === 'live'), 20_000, 'clusters live');
  await s.snapshots.refresh();
  return s;
}

/** Lease timing of the team-release sandbox tests: a Lease expires within seconds. */
export const TEAM_TIMING = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 400 };

/**
 * Another Capstan with team releases on the sandbox: its own data folder and ClusterService,
 * identity `<name>@test/<n>-0000` (n counts the services in `owned`); the test closes what `owned` holds.
 */
export async function startTeamService(
  sb: ReleaseSandbox,
  owned: { services: ReleaseService[]; clusters: ClusterService[] },
  name: string,
  team: NonNullable<ReleaseServiceOptions['team']> = {},
  log?: (m: string) => void,
): Promise<ReleaseService> {
  const dir = mkdtempSync(join(sb.dir, `${name}-`));
  const clusters = sb.newClusters();
  owned.clusters.push(clusters);
  const s = await startService({
    dir,
    clusters,
    tickMs: 100,
    timeScale: sb.speed,
    actor: name,
    log,
    team: { timing: TEAM_TIMING, identity: `${name}@test/${owned.services.length + 1}-0000`, ...team },
  });
  owned.services.push(s);
  return s;
}

export const plan = (app: string, tag: string, stages: string, extra = '') => `name: ${app}-${tag}
app: ${app}
image: { repository: shop/${app}, tag: "${tag}" }
snapshotDate: 2026-11-26T20:00:00Z
createdAt: 2026-11-26T21:00:00Z
maxParallelGroups: 2
${extra}
defaults: { batchPattern: 50%, minOnline: 0 }
gates:
  approval: { beforeStage: true, afterFort: true }
  soak: { afterFort: 10s, afterBatch: 5s }
  health: { readyWithin: 2m }
  bake: 0s
stages:
${stages}`;

/** Saves the plan and creates its release (not started) at the drift just read; its id. */
export async function createRelease(s: ReleaseService, yaml: string, opts: { localOnly?: boolean } = {}): Promise<string> {
  const saved = await s.savePlan(yaml);
  if (!saved.ok) throw new Error(saved.error.message);
  const drift = await s.drift(yaml);
  if (!drift.ok) throw new Error(drift.error.message);
  const created = await s.create(yaml, drift.value.fingerprint, opts);
  if (!created.ok) throw new Error(created.error.message);
  return created.value.id;
}

/** A plan with no errors in its check, created and started; its id. */
export async function startRelease(s: ReleaseService, yaml: string): Promise<string> {
  const check = await s.check(yaml);
  expect(check.issues.filter((i) => i.severity === 'error')).toEqual([]);
  const id = await createRelease(s, yaml);
  expect((await s.act(id, { type: 'start' })).ok).toBe(true);
  return id;
}

/** Approve what waits for approval until `done` holds. */
export async function drive(s: ReleaseService, id: string, done: () => boolean, timeoutMs: number, label: string) {
  const given = new Set<string>();
  try {
    await until(
      () => {
        const st = s.executor.entries.get(id)!.state;
        for (const n of needsMe(st)) {
          const k = `${n.kind}/${n.group}/${st.stageIndex}/${n.since}`;
          if ((n.kind === 'approve-stage' || n.kind === 'approve-fort') && !given.has(k)) {
            given.add(k);
            void s.act(id, { type: 'approvalGiven', group: n.group, version: n.version });
          }
        }
        return done();
      },
      timeoutMs,
      label,
    );
  } catch (e) {
    const st = s.executor.entries.get(id)!.state;
    console.log(
      st.status,
      JSON.stringify(st.groups.map((g) => [g.key, g.phase, g.batch, g.step, g.awaiting, g.pauseReason])),
      st.history.slice(-8).map((h) => `${h.action} ${h.result} ${h.changes.join('; ')}`),
    );
    throw e;
  }
}

/** The referee: the lowest number of ready pods of one Deployment seen at any store change from now on. */
export function watchReady(sb: ReleaseSandbox, cluster: string, deployment: string): { min: () => number; stop: () => void } {
  const store = sb.dc.cluster(cluster).store;
  let min = Infinity;
  const stop = store.subscribe(() => {
    const pods = [...store.values('pods')]
      .map((x) => x.obj)
      .filter(
        (p) =>
          !p.metadata.deletionTimestamp &&
          p.metadata.name.startsWith(`${deployment}-`) &&
          p.metadata.name.split('-').length === deployment.split('-').length + 2,
      );
    min = Math.min(min, pods.filter(isPodReady).length);
  });
  return { min: () => min, stop };
}
