import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarborClient } from '../../src-main/images/harbor-client';
import { startHarbor, startHarborRegions, type SandboxHarbor } from '../../src-sandbox/harbor';

/** The sandbox replication engine through the Harbor API: success, failed task, stuck execution, stop. */

let harbors: SandboxHarbor[];
let close: () => Promise<void>;
let east: SandboxHarbor;
let west: SandboxHarbor;
let north: SandboxHarbor;
let api: HarborClient;

beforeAll(async () => {
  const r = await startHarborRegions({
    regions: ['east', 'west', 'north'],
    clockSpeed: 50,
    failRate: 0,
    stuckRate: 0,
    replicationDelayMs: [2_000, 4_000],
    projects: [{ name: 'library' }],
  });
  harbors = r.harbors;
  close = r.close;
  [east, west, north] = harbors as [SandboxHarbor, SandboxHarbor, SandboxHarbor];
  api = new HarborClient({ registryName: 'harbor-east', url: east.url, username: 'admin', secret: () => 'Harbor12345' });
});
afterAll(async () => {
  api?.close();
  await close?.();
});

const waitFor = async <T>(fn: () => Promise<T>, pred: (v: T) => boolean, ms = 3_000): Promise<T> => {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (pred(v) || Date.now() - t0 > ms) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('replication engine', () => {
  it('has a registry endpoint and an event-based policy per peer', async () => {
    const regs = await api.listRegistries();
    expect(regs.ok && regs.value.items.map((r) => [r.name, r.url])).toEqual([
      ['harbor-west', west.url],
      ['harbor-north', north.url],
    ]);
    const pols = await api.listPolicies();
    expect(pols.ok && pols.value.items.map((p) => [p.name, p.trigger?.type, p.dest_registry?.url])).toEqual([
      ['replicate-to-harbor-west', 'event_based', west.url],
      ['replicate-to-harbor-north', 'event_based', north.url],
    ]);
  });

  it('a push replicates (Succeed) to one peer and fails a task (Failed) to the other, with logs', async () => {
    east.scriptReplication('success', 'fail');
    const digest = east.push('library/app', '1.0');
    const execs = await waitFor(
      () => api.listExecutions({ trigger: 'event_based' }),
      (r) => r.ok && r.value.items.length === 2 && r.value.items.every((e) => e.status !== 'InProgress'),
    );
    if (!execs.ok) throw new Error(execs.error.message);
    const byStatus = Object.fromEntries(execs.value.items.map((e) => [e.status, e]));
    expect(byStatus.Succeed).toMatchObject({ total: 1, succeed: 1, failed: 0, in_progress: 0, stopped: 0, trigger: 'event_based' });
    expect(byStatus.Failed).toMatchObject({ total: 1, succeed: 0, failed: 1 });
    expect(byStatus.Failed!.end_time).toBeDefined();
    expect(west.state.resolve('library/app', '1.0')?.manifest.digest).toBe(digest);
    expect(north.state.resolve('library/app', '1.0')).toBeUndefined();
    const tasks = await api.listTasks(byStatus.Failed!.id);
    expect(tasks.ok && tasks.value.items[0]).toMatchObject({
      status: 'Failed',
      operation: 'copy',
      resource_type: 'image',
      src_resource: 'library/app:[1.0]',
    });
    const log = await api.getTaskLog(byStatus.Failed!.id, tasks.ok ? tasks.value.items[0]!.id : 0);
    expect(log.ok && log.value.text).toMatch(/failed to push manifest .* 503/);
  });

  it('a manual execution (retry) copies what the policy covers', async () => {
    const pol = (await api.listPolicies({ q: [{ key: 'name', op: 'eq', value: 'replicate-to-harbor-north' }] })) as {
      ok: true;
      value: { items: { id: number }[] };
    };
    expect(pol.value.items).toHaveLength(1);
    east.scriptReplication('success');
    const started = await api.startExecution(pol.value.items[0]!.id);
    expect(started.ok && started.value.executionId).toBeGreaterThan(0);
    const exec = await waitFor(
      () => api.getExecution(started.ok ? started.value.executionId! : 0),
      (r) => r.ok && r.value.status === 'Succeed',
    );
    expect(exec.ok && exec.value).toMatchObject({ status: 'Succeed', trigger: 'manual' });
    expect(north.state.resolve('library/app', '1.0')).toBeDefined();
  });

  it('a stuck execution stays InProgress; the first stop is ignored, the second stops it', async () => {
    east.scriptReplication('stuck', 'success');
    east.push('library/app', '2.0');
    const stuckExec = await waitFor(
      async () => {
        const r = await api.listExecutions({ status: 'InProgress' });
        return r.ok ? r.value.items : [];
      },
      (items) => items.length === 1,
    );
    // The other peer's copy finishes; this one never does.
    await new Promise((r) => setTimeout(r, 200));
    const id = stuckExec[0]!.id;
    const still = await api.getExecution(id);
    expect(still.ok && still.value).toMatchObject({ status: 'InProgress', in_progress: 1 });
    expect((await api.stopExecution(id)).ok).toBe(true);
    const afterFirst = await api.getExecution(id);
    expect(afterFirst.ok && afterFirst.value).toMatchObject({ status: 'InProgress', status_text: 'stop requested' });
    expect((await api.stopExecution(id)).ok).toBe(true);
    const afterSecond = await api.getExecution(id);
    expect(afterSecond.ok && afterSecond.value).toMatchObject({ status: 'Stopped', stopped: 1, in_progress: 0 });
  });

  it('a task pending forever keeps its execution InProgress with the task Pending', async () => {
    east.scriptReplication('pending', 'success');
    east.push('library/app', '3.0');
    const exec = await waitFor(
      async () => {
        const r = await api.listExecutions({ status: 'InProgress' });
        return r.ok ? r.value.items : [];
      },
      (items) => items.length === 1,
    );
    await new Promise((r) => setTimeout(r, 150));
    const tasks = await api.listTasks(exec[0]!.id);
    expect(tasks.ok && tasks.value.items.map((t) => t.status)).toEqual(['Pending']);
    await api.stopExecution(exec[0]!.id);
    await api.stopExecution(exec[0]!.id);
    const after = await api.getExecution(exec[0]!.id);
    expect(after.ok && after.value.status).toBe('Stopped');
  });

  it('outcomes are deterministic for a seed', async () => {
    const run = async () => {
      const dest = await startHarbor({ name: 'd', region: 'd' });
      const src = await startHarbor({ name: 's', region: 's', seed: 7, failRate: 0.3, stuckRate: 0.2, clockSpeed: 1, peers: [dest] });
      for (let i = 0; i < 20; i++) src.push('library/x', `t${i}`);
      const outcomes = src.replication.executions.map((e) => e.tasks[0]!.outcome).join(',');
      await Promise.all([src.close(), dest.close()]);
      return outcomes;
    };
    const a = await run();
    expect(a).toBe(await run());
    expect(a).toContain('fail');
    expect(a).toMatch(/stuck|pending/);
    expect(a).toContain('success');
  });
});
