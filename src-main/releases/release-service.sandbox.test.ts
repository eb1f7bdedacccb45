/**
 * ReleaseService against the sandbox datacenter (real API servers, the real deployment
 * controller): a whole FAT → UAT → PRO release with forts and batches, including a restart of the
 * service mid-release (held until resumed); a bad version failing its health gate and rolled back
 * automatically. Afterwards the real kubectl agrees (rollout status, rollout history).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { needsMe } from '../../src-shared/releases/execution-views';
import { ClusterService } from '../clusters/clusterService';
import { KubeconfigService } from '../clusters/kubeconfigService';
import { until } from '../clusters/testing/fakeKube';
import { ReleaseService } from './release-service';

const SPEED = 20;
let dc: Datacenter;
let dir: string;
let clusters: ClusterService;
let kubeconfig: string;

beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: SPEED, bookmarkIntervalMs: 500 });
  dir = mkdtempSync(join(tmpdir(), 'capstan-rel-'));
  kubeconfig = join(dir, 'kubeconfig');
  dc.writeKubeconfig(kubeconfig);
  clusters = new ClusterService(KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox'), { staleAfterMs: 2000, notifyIntervalMs: 50, idleCloseMs: 0 });
}, 30_000);
afterAll(async () => {
  clusters?.dispose();
  await dc?.close();
  rmSync(dir, { recursive: true, force: true });
});

const service = async () => {
  const s = new ReleaseService({ dir, clusters, tickMs: 100, timeScale: SPEED, actor: 'tester' });
  await s.start();
  s.subscribe(() => undefined); // what the board does: connect every cluster
  await until(() => clusters.ids().every((id) => clusters.get(id)?.state === 'live'), 20_000, 'clusters live');
  await s.snapshots.refresh();
  return s;
};

/** Async: the sandbox runs in this process, a synchronous kubectl would starve it. */
const kubectl = async (...args: string[]) => (await promisify(execFile)('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', timeout: 20_000 })).stdout;

const plan = (app: string, tag: string, stages: string, extra = '') => `name: ${app}-${tag}
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
stages:
${stages}`;

async function startRelease(s: ReleaseService, yaml: string): Promise<string> {
  expect((await s.savePlan(yaml)).ok).toBe(true);
  const check = await s.check(yaml);
  expect(check.issues.filter((i) => i.severity === 'error')).toEqual([]);
  const drift = await s.drift(yaml);
  if (!drift.ok) throw new Error(drift.error.message);
  const created = await s.create(yaml, drift.value.fingerprint);
  if (!created.ok) throw new Error(created.error.message);
  expect((await s.act(created.value.id, { type: 'start' })).ok).toBe(true);
  return created.value.id;
}

/** Approve what waits for approval until `done` holds. */
async function drive(s: ReleaseService, id: string, done: () => boolean, timeoutMs: number, label: string) {
  const given = new Set<string>();
  try {
    await until(() => {
      const st = s.executor.entries.get(id)!.state;
      for (const n of needsMe(st)) {
        const k = `${n.kind}/${n.group}/${st.stageIndex}/${n.since}`;
        if ((n.kind === 'approve-stage' || n.kind === 'approve-fort') && !given.has(k)) {
          given.add(k);
          void s.act(id, { type: 'approvalGiven', group: n.group, version: n.version });
        }
      }
      return done();
    }, timeoutMs, label);
  } catch (e) {
    const st = s.executor.entries.get(id)!.state;
    console.log(st.status, JSON.stringify(st.groups.map((g) => [g.key, g.phase, g.batch, g.step, g.awaiting, g.pauseReason])), st.history.slice(-8).map((h) => `${h.action} ${h.result} ${h.changes.join('; ')}`));
    throw e;
  }
}

it('runs orders 1.5.0 through FAT → UAT → PRO (forts, batches), surviving a service restart', async () => {
  let s = await service();
  const stages = `  - { name: fat, approval: false, groups: [{ group: fat }] }
  - { name: uat, groups: [{ group: uat }] }
  - { name: pro-east, groups: [{ group: pro, datacenter: pro-east }] }
  - { name: pro-west, groups: [{ group: pro, datacenter: pro-west }] }`;
  const id = await startRelease(s, plan('orders', '1.5.0', stages, 'rollback: manual'));
  const state = () => s.executor.entries.get(id)!.state;
  // Run until pro-east is mid-release, then restart the service.
  await drive(s, id, () => state().groups.some((g) => g.clusterId === 'pro-east' && g.phase === 'rolling'), 90_000, 'pro-east rolling');
  await s.dispose();
  s = await service();
  expect(state().status).toBe('paused');
  expect(state().history.at(-1)!.action).toBe('recovered');
  expect((await s.act(id, { type: 'resume' })).ok).toBe(true);
  await drive(s, id, () => state().status === 'succeeded', 150_000, 'release succeeded');
  expect(state().groups.map((g) => g.phase)).toEqual(state().groups.map(() => 'succeeded'));
  for (const [ctx, name] of [['pro-east', 'orders-pro'], ['pro-east', 'orders-pro-b'], ['pro-west', 'orders-pro'], ['uat', 'orders-uat']] as const) {
    expect(await kubectl('--context', ctx, '-n', 'shop', 'rollout', 'status', `deployment/${name}`, '--timeout=5s')).toContain('successfully rolled out');
    const img = await kubectl('--context', ctx, '-n', 'shop', 'get', `deployment/${name}`, '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
    expect(img).toMatch(/\/shop\/orders:1\.5\.0$/);
    expect(await kubectl('--context', ctx, '-n', 'shop', 'get', `deployment/${name}`, '-o', 'jsonpath={.metadata.annotations}')).not.toContain('capstan.io/release');
  }
  // One new revision for the whole release: batches held one ReplicaSet, not one per batch.
  const history = await kubectl('--context', 'pro-west', '-n', 'shop', 'rollout', 'history', 'deployment/orders-pro');
  expect(history.trim().split('\n').filter((l) => /^\d+\s/.test(l))).toHaveLength(4);
  await s.dispose();
}, 300_000);

it('a crash-looping version fails its health gate in FAT and is rolled back (policy auto)', async () => {
  const s = await service();
  const id = await startRelease(s, plan('catalog', '2.2.0', '  - { name: fat, approval: false, groups: [{ group: fat }] }\n  - { name: uat, groups: [{ group: uat }] }', 'rollback: auto'));
  const state = () => s.executor.entries.get(id)!.state;
  await drive(s, id, () => state().status === 'rolled-back', 120_000, 'rolled back');
  const failed = state().history.find((h) => h.action.startsWith('gateFailed'));
  expect(failed?.action).toMatch(/no-crashloop|no-new-restarts|ready/);
  expect(state().groups.find((g) => g.clusterId === 'uat')!.phase).toBe('pending');
  for (let i = 0; i < 60 && (await kubectl('--context', 'fat', '-n', 'shop', 'get', 'deployment/catalog-fat', '-o', 'jsonpath={.status.updatedReplicas}/{.status.availableReplicas}')) !== '1/1'; i++) {
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(await kubectl('--context', 'fat', '-n', 'shop', 'get', 'deployment/catalog-fat', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).toMatch(/catalog:2\.1\.0$/);
  expect(await kubectl('--context', 'fat', '-n', 'shop', 'rollout', 'status', 'deployment/catalog-fat', '--timeout=5s')).toContain('successfully rolled out');
  await s.dispose();
}, 200_000);
