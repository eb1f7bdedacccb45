import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncMatrix } from '../../src-shared/images/contract';
import { ImageSyncService } from './image-sync-service';
import { MemoryRegistryConfigStore } from './registry-config';
import { DEFAULT_SCENARIO_PATH, loadScenarioFile } from '../../src-sandbox/scenario';
import { startScenarioHarbors, type ScenarioHarbors } from '../../src-sandbox/harbor';

/** The default scenario's Harbors show every state of the sync matrix right after start. */

let sh: ScenarioHarbors;
let svc: ImageSyncService;
const secrets = new Map<string, string>();

beforeAll(async () => {
  sh = await startScenarioHarbors(loadScenarioFile(fileURLToPath(DEFAULT_SCENARIO_PATH)), {
    clockSpeed: 20,
    failRate: 0,
    stuckRate: 0,
    pushIntervalMs: 0,
  });
  svc = new ImageSyncService({
    secrets: { get: (k) => secrets.get(k), put: (k, v) => void secrets.set(k, v) },
    config: new MemoryRegistryConfigStore(),
    stuckThresholdMs: 1_000,
    minRefreshIntervalMs: 0,
  });
  await svc.init();
  for (const r of sh.registries) expect((await svc.addRegistry(r)).ok).toBe(true);
});
afterAll(async () => {
  svc?.dispose();
  await sh?.close();
});

const state = (m: SyncMatrix, image: string, region: string) =>
  m.rows.find((r) => `${r.repository}:${r.tag}` === image)?.cells.find((c) => c.region === region);

describe('startScenarioHarbors (default scenario)', () => {
  it('names Harbors after the scenario registries, regions after datacenters', () => {
    expect(sh.harbors.map((h) => [h.name, h.region])).toEqual([
      ['harbor-east', 'dc-east'],
      ['harbor-west', 'dc-west'],
    ]);
    expect(sh.describe()[0]).toMatch(/harbor-east \(region dc-east\): http:\/\/127\.0\.0\.1:\d+ +users: admin \/ Harbor12345/);
  });

  it('shows synced, missing, mismatch, failed and replicating (stuck) cells', async () => {
    await new Promise((r) => setTimeout(r, 1_500));
    const m = await svc.getMatrix(undefined, { refresh: true });
    if (!m.ok) throw new Error(m.error.message);
    expect(state(m.value, 'shop/orders:1.4.2', 'dc-west')?.state).toBe('synced');
    expect(state(m.value, 'shop/gateway:5.1.1', 'dc-west')?.state).toBe('missing');
    expect(state(m.value, 'shop/orders:1.5.1', 'dc-west')?.state).toBe('mismatch');
    expect(state(m.value, 'shop/orders:1.6.0', 'dc-west')?.state).toBe('failed');
    const stuck = state(m.value, 'shop/payments:3.3.1', 'dc-west');
    expect(stuck?.state).toBe('replicating');
    expect(stuck?.stuck).toBe(true);
    expect(state(m.value, 'shop/catalog:2.2.0', 'dc-west')?.state).toBe('synced');
    expect(m.value.summary.find((s) => s.region === 'dc-west')?.outOfSync).toBe(4);
  });
});
