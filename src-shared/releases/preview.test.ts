import { describe, expect, it } from 'vitest';
import { fixturePlan, fixtureSnapshot } from './fixtures';
import { parallelMakespan, previewPlan } from './preview';

describe('previewPlan', () => {
  const preview = previewPlan(fixturePlan(), fixtureSnapshot(), { perBatchSeconds: 60 });

  it('gives the exact split per group, fort first for PRO', () => {
    expect(preview.stages.map((s) => s.name)).toEqual(['fat', 'uat', 'pro']);
    const east = preview.stages[2]!.groups[0]!;
    expect(east.targetKey).toBe('pro-east-1/shop/orders');
    expect(east.fort).toBe(true);
    expect(east.batches.map((b) => b.size)).toEqual([1, 2, 2, 2, 3]);
    const fat = preview.stages[0]!.groups[0]!;
    expect(fat.fort).toBe(false);
    expect(fat.batches.map((b) => b.size)).toEqual([1, 1]);
  });
  it('says what each step changes', () => {
    const eastSteps = preview.steps.filter((s) => s.targetKey === 'pro-east-1/shop/orders');
    expect(eastSteps.map((s) => s.label)).toEqual(['fort', 'batch 1/4', 'batch 2/4', 'batch 3/4', 'batch 4/4']);
    expect(eastSteps[0]!.description).toBe(
      'pro-east-1/shop/orders fort: harbor.example.com/shop/orders:2.4.0 → harbor.example.com/shop/orders:2.4.1 on 1 instance(s), 1/10 updated, then soak 10m, then wait for approval',
    );
    expect(eastSteps.at(-1)!.description).toMatch(/on 3 instance\(s\), 10\/10 updated$/);
    expect(eastSteps.map((s) => s.updatedAfter)).toEqual([1, 3, 5, 7, 10]);
  });
  it('estimates duration with parallel groups and counts approvals without timing them', () => {
    // fat: 2 batches: 60 + 120 soak + 60 = 240; uat same; pro group: fort 60+600, 3×(60+120), 60 = 1260;
    // two pro groups in parallel -> 1260. Total 240 + 240 + 1260.
    expect(preview.stages.map((s) => s.durationSec)).toEqual([240, 240, 1260]);
    expect(preview.totalDurationSec).toBe(1740);
    // approvals: before uat, before pro, after each of the two forts
    expect(preview.approvals).toBe(4);
    expect(preview.summary).toBe('3 stage(s), 14 step(s), ≈ 29m + 4 approval(s) (waiting time unknown)');
    const serial = previewPlan(fixturePlan({ maxParallelGroups: 1 }), fixtureSnapshot(), { perBatchSeconds: 60 });
    expect(serial.stages[2]!.durationSec).toBe(2520);
  });
  it('moves each datacenter to the image in its own regional registry', () => {
    const snap = fixtureSnapshot();
    snap.clusters[3]!.deployments[0]!.images = ['harbor-west.example.com/shop/orders:2.4.0'];
    const plan = fixturePlan({ image: { repository: 'shop/orders', tag: '2.4.1' } });
    const p = previewPlan(plan, snap);
    expect(p.stages[2]!.groups.map((g) => [g.fromImage, g.toImage])).toEqual([
      ['harbor.example.com/shop/orders:2.4.0', 'harbor.example.com/shop/orders:2.4.1'],
      ['harbor-west.example.com/shop/orders:2.4.0', 'harbor-west.example.com/shop/orders:2.4.1'],
    ]);
    // a plan pinned to one registry does not match the other region
    const pinned = previewPlan(fixturePlan(), snap);
    expect(pinned.stages[2]!.groups[1]!.fromImage).toBeUndefined();
  });
  it('leaves unknown groups out and reports them', () => {
    const p = previewPlan(fixturePlan({ stages: [{ name: 'x', groups: [{ group: 'nope' }] }] }), fixtureSnapshot());
    expect(p.steps).toEqual([]);
    expect(p.issues[0]!.message).toMatch(/nope/);
  });
});

describe('parallelMakespan', () => {
  it('schedules in order on the first free slot', () => {
    expect(parallelMakespan([10, 10, 10], 2)).toBe(20);
    expect(parallelMakespan([30, 10, 10, 10], 2)).toBe(30);
    expect(parallelMakespan([], 3)).toBe(0);
  });
});
