import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagesContract, type MatrixCell, type MatrixEvent, type SyncMatrix } from '../../src-shared/images/contract';
import { applyMatrixDiff } from '../../src-shared/images/matrix-diff';
import { startHarborRegions, type SandboxHarbor } from '../../src-sandbox/harbor';
import { createImagesHandlers } from './handlers';
import { ImageSyncService } from './image-sync-service';
import { MemoryRegistryConfigStore } from './registry-config';
import type { SecretStore } from './http';
import type { VaultService } from '../vault/vault-service';

// The composition root passes the VaultService as the SecretStore: keep them compatible.
type VaultIsASecretStore = VaultService extends SecretStore ? true : never;
const _vaultFits: VaultIsASecretStore = true;
void _vaultFits;

/** ImageSyncService against two sandbox Harbors (east replicates to west): every matrix state. */

const secrets = new Map<string, string>();
const store = {
  get: (k: string) => ({ ok: true as const, value: secrets.get(k) }),
  put: (k: string, v: string) => void secrets.set(k, v),
  delete: (k: string) => void secrets.delete(k),
};
let east: SandboxHarbor;
let west: SandboxHarbor;
let close: () => Promise<void>;
let svc: ImageSyncService;
const logs: string[] = [];

beforeAll(async () => {
  const regions = await startHarborRegions({
    clockSpeed: 10,
    failRate: 0,
    stuckRate: 0,
    replicationDelayMs: [2_000, 4_000],
    seedEverywhere: true,
    projects: [{ name: 'library', repositories: { app: ['1.0', '1.1'], 'team/svc': ['2.0'] } }],
  });
  [east, west] = regions.harbors as [SandboxHarbor, SandboxHarbor];
  close = regions.close;
  svc = new ImageSyncService({
    secrets: store,
    config: new MemoryRegistryConfigStore(),
    stuckThresholdMs: 150,
    minRefreshIntervalMs: 0,
    retryBaseMs: 5,
    timeoutMs: 3_000,
    log: (l) => logs.push(l),
  });
  await svc.init();
  for (const h of [east, west]) {
    const r = await svc.addRegistry({
      name: h.name,
      kind: 'harbor',
      url: h.url,
      region: h.region,
      username: 'robot$capstan',
      secret: 'capstan-robot-secret',
    });
    expect(r.ok).toBe(true);
  }
});
afterAll(async () => {
  svc?.dispose();
  await close?.();
});

const cell = (m: SyncMatrix, repo: string, tag: string, region: string): MatrixCell | undefined =>
  m.rows.find((r) => r.repository === repo && r.tag === tag)?.cells.find((c) => c.region === region);

async function until(
  repo: string,
  tag: string,
  region: string,
  pred: (c: MatrixCell | undefined) => boolean,
  ms = 12_000,
): Promise<MatrixCell | undefined> {
  const t0 = Date.now();
  for (;;) {
    const m = await svc.getMatrix(undefined, { refresh: true });
    if (!m.ok) throw new Error(m.error.message);
    const c = cell(m.value, repo, tag, region);
    if (pred(c) || Date.now() - t0 > ms) return c;
    await new Promise((r) => setTimeout(r, 40));
  }
}

describe('ImageSyncService', () => {
  it('registries: list without secrets, health, version, credentials', async () => {
    const list = svc.listRegistries();
    expect(list.map((r) => [r.id, r.region, r.hasSecret])).toEqual([
      ['harbor-east', 'east', true],
      ['harbor-west', 'west', true],
    ]);
    expect(JSON.stringify(list)).not.toContain('capstan-robot-secret');
    const h = await svc.testRegistry('harbor-east');
    expect(h.ok && h.value).toMatchObject({ reachable: true, status: 'healthy', version: 'v2.11.1-sandbox', credentialsOk: true });
    expect(h.ok && h.value.components.map((c) => c.name)).toContain('jobservice');

    const bad = await svc.addRegistry({
      name: 'east-wrong',
      kind: 'harbor',
      url: east.url,
      region: 'east-2',
      username: 'admin',
      secret: 'not-the-password',
    });
    expect(bad.ok).toBe(true);
    const hb = await svc.testRegistry('east-wrong');
    expect(hb.ok && hb.value.credentialsOk).toBe(false);
    expect(JSON.stringify(hb)).not.toContain('not-the-password');
    const fixed = await svc.setCredentials('east-wrong', undefined, 'Harbor12345');
    expect(fixed.ok && fixed.value.hasSecret).toBe(true);
    const hf = await svc.testRegistry('east-wrong');
    expect(hf.ok && hf.value.credentialsOk).toBe(true);
    expect((await svc.removeRegistry('east-wrong')).ok).toBe(true);
    expect([...secrets.keys()]).toEqual(['images.registry.harbor-east.secret', 'images.registry.harbor-west.secret']);
  });

  it('in sync at start; a push replicates: replicating, then synced with its lag', async () => {
    const m = await svc.getMatrix(undefined, { refresh: true });
    if (!m.ok) throw new Error(m.error.message);
    expect(m.value.regions).toEqual(['east', 'west']);
    expect(m.value.rows.every((r) => r.cells.every((c) => c.state === 'synced'))).toBe(true);
    expect(m.value.rows.map((r) => `${r.repository}:${r.tag}`).sort()).toEqual([
      'library/app:1.0',
      'library/app:1.1',
      'library/team/svc:2.0',
    ]);

    east.scriptReplication('success');
    east.pauseReplication(true); // hold the copy so that 'replicating' is seen even on a busy machine
    east.push('library/app', '2.0');
    const during = await until('library/app', '2.0', 'west', (c) => c?.state === 'replicating');
    expect(during?.state).toBe('replicating');
    east.pauseReplication(false);
    const after = await until('library/app', '2.0', 'west', (c) => c?.state === 'synced');
    expect(after?.state).toBe('synced');
    expect(after?.lagMs).toBeGreaterThan(0);
    const row = (await svc.getMatrix()).ok && ((await svc.getMatrix()) as { value: SyncMatrix }).value.rows[0];
    expect(row && `${row.repository}:${row.tag}`).toBe('library/app:2.0'); // newest first
  });

  it('a failed task: failed cell, detail with the failed task first and its log; retry fixes it', async () => {
    east.scriptReplication('fail');
    east.push('library/app', '3.0');
    const failed = await until('library/app', '3.0', 'west', (c) => c?.state === 'failed');
    expect(failed?.state).toBe('failed');
    // Executions and tasks are separate reads: the execution may still say InProgress in the
    // snapshot that already has the failed task (as with a real Harbor); the next refresh agrees.
    let d = await svc.getCellDetail('library/app', '3.0', 'west');
    for (let i = 0; i < 100 && d.ok && d.value.executions[0]?.status !== 'Failed'; i++) {
      await new Promise((r) => setTimeout(r, 40));
      await svc.refresh();
      d = await svc.getCellDetail('library/app', '3.0', 'west');
    }
    if (!d.ok) throw new Error(d.error.message);
    expect(d.value.tasks[0]).toMatchObject({ registryId: 'harbor-east', status: 'Failed', srcResource: 'library/app:[3.0]' });
    expect(d.value.executions[0]).toMatchObject({ status: 'Failed', trigger: 'event_based', policyName: 'replicate-to-harbor-west' });
    expect(d.value.policies).toEqual([
      {
        registryId: 'harbor-east',
        id: d.value.executions[0]!.policyId,
        name: 'replicate-to-harbor-west',
        destRegion: 'west',
        trigger: 'event_based',
        enabled: true,
      },
    ]);
    const log = await svc.getTaskLog('harbor-east', d.value.tasks[0]!.executionId, d.value.tasks[0]!.id);
    expect(log.ok && log.value.text).toContain('failed to push manifest');

    east.scriptReplication('success', 'success', 'success', 'success', 'success', 'success', 'success', 'success');
    const retry = await svc.retryExecution('harbor-east', d.value.executions[0]!.id);
    expect(retry.ok && retry.value.executionId).toBeGreaterThan(d.value.executions[0]!.id);
    const fixed = await until('library/app', '3.0', 'west', (c) => c?.state === 'synced');
    expect(fixed?.state).toBe('synced');
  });

  it('a stuck execution is flagged; the first stop is ignored, the second stops it', async () => {
    east.scriptReplication('stuck');
    east.push('library/app', '4.0');
    const stuck = await until('library/app', '4.0', 'west', (c) => c?.stuck === true);
    expect(stuck).toMatchObject({ state: 'replicating', stuck: true });
    const m = await svc.getMatrix();
    expect(m.ok && m.value.summary.find((s) => s.region === 'west')?.stuck).toBe(1);
    const d = await svc.getCellDetail('library/app', '4.0', 'west');
    const task = d.ok ? d.value.tasks.find((t) => t.srcResource === 'library/app:[4.0]') : undefined;
    const exec = d.ok ? d.value.executions.find((e) => e.id === task?.executionId) : undefined;
    expect(exec?.status).toBe('InProgress');
    expect(exec?.stuck).toBe(true);
    const first = await svc.stopExecution('harbor-east', exec!.id);
    expect(first.ok && first.value).toEqual({ status: 'InProgress', stopped: false });
    const second = await svc.stopExecution('harbor-east', exec!.id);
    expect(second.ok && second.value).toEqual({ status: 'Stopped', stopped: true });
    const after = await until('library/app', '4.0', 'west', (c) => c?.state === 'missing');
    expect(after).toMatchObject({ state: 'missing', stuck: false });
  });

  it('missing and mismatch; checkImagePresent for the release planner', async () => {
    east.state.push('library/app', '5.0'); // no replication event: missing in west
    west.state.push('library/app', '6.0', 'a-different-build', Date.now() - 1_000); // same tag, an older build
    const eastDigest = east.state.push('library/app', '6.0').manifest.digest; // the newest push
    const m = await svc.getMatrix(undefined, { refresh: true });
    if (!m.ok) throw new Error(m.error.message);
    expect(cell(m.value, 'library/app', '5.0', 'west')?.state).toBe('missing');
    expect(cell(m.value, 'library/app', '6.0', 'west')?.state).toBe('mismatch');
    expect(cell(m.value, 'library/app', '6.0', 'east')?.state).toBe('synced');

    const present = await svc.checkImagePresent('registry.example.com/library/app:1.0', undefined, ['east', 'west']);
    expect(present.ok && present.value.allPresent).toBe(true);
    const missing = await svc.checkImagePresent('library/app:5.0', undefined, ['east', 'west']);
    expect(missing.ok && missing.value.regions.map((r) => [r.region, r.present])).toEqual([
      ['east', true],
      ['west', false],
    ]);
    const mismatch = await svc.checkImagePresent('library/app:6.0', eastDigest, ['east', 'west']);
    expect(mismatch.ok && mismatch.value).toMatchObject({ allPresent: false, regions: [{ mismatch: false }, { mismatch: true }] });
    const noRegion = await svc.checkImagePresent('library/app:1.0', undefined, ['south']);
    expect(noRegion.ok && noRegion.value.regions[0]?.error?.code).toBe('not-found');
  });

  it('filters, priority first, and handlers wired to the contract', async () => {
    svc.setPriorityImages(['harbor.example.com/library/team/svc:2.0']);
    const h = createImagesHandlers(svc);
    const ctx = { senderId: 't', signal: new AbortController().signal };
    const m = await h['images.matrix.get']({ filter: { tagPattern: '2.*' } }, ctx);
    if (!m.ok) throw new Error(m.error.message);
    expect(m.value.rows.map((r) => `${r.repository}:${r.tag}`)).toEqual(['library/team/svc:2.0', 'library/app:2.0']);
    expect(m.value.rows[0]?.priority).toBe(true);
    const out = await h['images.matrix.get']({ filter: { onlyOutOfSync: true } }, ctx);
    expect(out.ok && out.value.rows.every((r) => r.cells.some((c) => c.state !== 'synced'))).toBe(true);
    expect(JSON.stringify(out)).not.toContain('capstan-robot-secret');
    expect(logs.join('\n')).not.toContain('capstan-robot-secret');
  });

  it('a Docker Hub short name as a workload writes it (app:1.0) marks the library/ row as priority', async () => {
    svc.setPriorityImages(['app:1.0']);
    const m = await svc.getMatrix({ tagPattern: '1.0' });
    if (!m.ok) throw new Error(m.error.message);
    expect(m.value.rows.find((r) => r.repository === 'library/app' && r.tag === '1.0')?.priority).toBe(true);
  });

  it('images.matrix.watch sends the matrix, then diffs, and stops when aborted', async () => {
    const h = createImagesHandlers(svc);
    const ac = new AbortController();
    const events: MatrixEvent[] = [];
    const r = await h['images.matrix.watch']({ intervalMs: 5_000 }, (e) => events.push(e), { senderId: 't', signal: ac.signal });
    expect(r.ok).toBe(true);
    // Conditions, not counts: on a busy machine a refresh may send an empty diff before the one
    // with the push in it.
    const waitFor = async (cond: () => boolean, what: string) => {
      const t0 = Date.now();
      while (!cond() && Date.now() - t0 < 15_000) await new Promise((res) => setTimeout(res, 20));
      if (!cond()) throw new Error(`never saw ${what}: ${JSON.stringify(events.map((e) => e.kind))}`);
    };
    const hasPush = (e: MatrixEvent) => e.kind === 'diff' && e.diff.upserts.some((u) => `${u.repository}:${u.tag}` === 'library/app:9.9');
    await waitFor(() => events.length >= 1, 'the first event');
    expect(events[0]?.kind).toBe('full');
    let view = events[0]!.kind === 'full' ? events[0]!.matrix : undefined;
    east.state.push('library/app', '9.9');
    await svc.refresh();
    await waitFor(() => events.some(hasPush), 'a diff with the pushed tag');
    for (const e of events.slice(1)) if (e.kind === 'diff' && view) view = applyMatrixDiff(view, e.diff);
    const direct = await svc.getMatrix();
    expect(view?.rows.map((x) => `${x.repository}:${x.tag}`)).toEqual(
      direct.ok && direct.value.rows.map((x) => `${x.repository}:${x.tag}`),
    );
    ac.abort();
    const seen = events.length;
    east.state.push('library/app', '9.10');
    await svc.refresh();
    expect(events.length).toBe(seen);
  });

  it('every handler answers what the contract schemas accept', async () => {
    const h = createImagesHandlers(svc);
    const ctx = { senderId: 't', signal: new AbortController().signal };
    const d = await svc.getCellDetail('library/app', '3.0', 'west');
    const task = d.ok ? d.value.tasks[0] : undefined;
    const calls: [keyof typeof imagesContract, unknown][] = [
      ['images.registries.list', {}],
      ['images.registries.test', { registryId: 'harbor-west' }],
      ['images.matrix.get', { filter: { project: 'library' } }],
      ['images.cell.detail', { repository: 'library/app', tag: '3.0', region: 'west' }],
      ['images.task.log', { registryId: 'harbor-east', executionId: task!.executionId, taskId: task!.id }],
      ['images.checkPresent', { image: 'library/app:1.0', regions: ['east', 'west', 'south'] }],
      ['images.priority.set', { images: ['library/app'] }],
    ];
    for (const [channel, req] of calls) {
      const def = imagesContract[channel];
      if (def.kind !== 'request') continue;
      const parsedReq = def.request.parse(req);
      const res = await (h[channel] as (r: unknown, c: typeof ctx) => Promise<{ ok: boolean; value?: unknown }>)(parsedReq, ctx);
      expect(res.ok, channel).toBe(true);
      expect(() => def.response.parse(res.value), channel).not.toThrow();
    }
  });

  it('one failing registry marks its region unknown without blocking the other', async () => {
    west.setFaults({ failNext: { count: 1_000, status: 503 } });
    const m = await svc.getMatrix(undefined, { refresh: true });
    west.setFaults({});
    if (!m.ok) throw new Error(m.error.message);
    expect(m.value.rows.every((r) => cell(m.value, r.repository, r.tag, 'west')?.state === 'unknown')).toBe(true);
    expect(m.value.rows.some((r) => cell(m.value, r.repository, r.tag, 'east')?.state === 'synced')).toBe(true);
    expect(m.value.errors.find((e) => e.registryId === 'harbor-west')?.error.code).toBe('unavailable');
  });

  it('a registry slower than the refresh budget keeps its last data and catches up later', async () => {
    const quick = new ImageSyncService({
      secrets: store,
      config: new MemoryRegistryConfigStore(svc.listRegistries().map((r) => ({ ...r, secretKey: `images.registry.${r.id}.secret` }))),
      minRefreshIntervalMs: 0,
      refreshBudgetMs: 300,
      retries: 0,
    });
    await quick.init();
    await quick.refresh();
    west.setFaults({ delayMs: 700 });
    const changes: number[] = [];
    quick.onDidChangeMatrix(() => changes.push(Date.now()));
    const t0 = Date.now();
    const m = await quick.getMatrix(undefined, { refresh: true });
    const took = Date.now() - t0;
    west.setFaults({});
    if (!m.ok) throw new Error(m.error.message);
    expect(took).toBeLessThan(650);
    expect(m.value.errors.find((e) => e.registryId === 'harbor-west')?.error).toMatchObject({ code: 'timeout' });
    expect(m.value.errors.find((e) => e.registryId === 'harbor-west')?.error.message).toContain('showing its data from');
    // West's cells still show its previous data rather than unknown.
    expect(cell(m.value, 'library/app', '1.0', 'west')?.state).toBe('synced');
    const t1 = Date.now();
    while (changes.length < 2 && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(changes.length).toBeGreaterThanOrEqual(2); // the refresh, then west landing
    const after = await quick.getMatrix();
    expect(after.ok && after.value.errors.filter((e) => e.registryId === 'harbor-west')).toEqual([]);
    quick.dispose();
  });

  it('a repeated refresh costs a fraction of the first (unchanged repositories are not listed again)', async () => {
    for (let i = 0; i < 60; i++) {
      east.state.push(`library/bulk${i}`, 'v1');
      west.state.push(`library/bulk${i}`, 'v1');
    }
    const fresh = new ImageSyncService({
      secrets: store,
      config: new MemoryRegistryConfigStore(svc.listRegistries().map((r) => ({ ...r, secretKey: `images.registry.${r.id}.secret` }))),
      minRefreshIntervalMs: 0,
    });
    await fresh.init();
    await fresh.refresh();
    const first = fresh.lastRefreshRequests;
    await fresh.refresh();
    const second = fresh.lastRefreshRequests;
    fresh.dispose();
    expect(first).toBeGreaterThan(130);
    expect(second).toBeLessThan(first / 5);
  });
});
