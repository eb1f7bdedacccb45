import { describe, expect, it } from 'vitest';
import { formatDurationSpec, parseDurationSpec } from '../base/duration';
import { imageName, splitRegistry } from '../base/image-ref';
import { effectiveGates, imageMatches, imageString, stageNeedsApproval, targetImageFor, type ReleasePlan } from './plan';
import { formatPlanProblems, parsePlanYaml, planProblemsToError, stringifyPlanYaml, type PlanProblem } from './plan-yaml';

// Same text as resources/plans/orders-2.4.1.yaml (src-main/releases/sample-plans.test.ts checks the file itself).
const sample = `# Capstan release plan: orders 2.4.1 through FAT, UAT, then both PRO datacenters.
# Comments are kept for people; Capstan ignores them when it reads the plan.
name: orders-2.4.1
app: orders
description: Checkout latency fix (ORD-1412)
image:
  repository: harbor.example.com/shop/orders
  tag: 2.4.1
snapshotDate: 2026-11-26T20:00:00Z
createdAt: 2026-11-26T21:15:00Z
maxParallelGroups: 2
rollback: manual
onClusterLost: pause-group
defaults:
  batchPattern: 25%
  minOnline: 70%
gates:
  approval:
    beforeStage: true
    afterFort: true
  soak:
    afterFort: 10m
    afterBatch: 2m
  health:
    noNewRestarts: true
    noOOMKilled: true
    noCrashLoop: true
    readyWithin: 5m
stages:
  - name: fat
    approval: false
    groups:
      - group: fat
        minOnline: 1 # two instances: one may be down
  - name: uat
    groups:
      - group: uat
        minOnline: 1
  - name: pro
    groups:
      - group: pro
        datacenter: pro-east
        batchPattern: 10%+20%+30%+20%+20% # small first steps; no batch above 3 of 10
      - group: pro
        datacenter: pro-west
`;

const parseOk = (text: string): ReleasePlan => {
  const r = parsePlanYaml(text);
  if (!r.ok) throw new Error(formatPlanProblems(r.problems));
  return r.plan;
};
const problems = (text: string): PlanProblem[] => {
  const r = parsePlanYaml(text);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
};
const minimal = `name: p
app: orders
image: {repository: harbor.example.com/shop/orders, tag: "2.0"}
snapshotDate: 2026-11-26T20:00:00Z
createdAt: 2026-11-26T21:00:00Z
maxParallelGroups: 1
rollback: auto
stages:
  - name: fat
    groups:
      - group: fat
`;

describe('parsePlanYaml', () => {
  it('reads the sample plan, comments and all', () => {
    const plan = parseOk(sample);
    expect(plan.image).toEqual({ repository: 'harbor.example.com/shop/orders', tag: '2.4.1' });
    expect(plan.stages.map((s) => s.name)).toEqual(['fat', 'uat', 'pro']);
    expect(plan.stages[2]!.groups[0]).toEqual({ group: 'pro', datacenter: 'pro-east', batchPattern: '10%+20%+30%+20%+20%' });
    expect(stageNeedsApproval(plan, 0)).toBe(false);
    expect(stageNeedsApproval(plan, 1)).toBe(true);
    expect(effectiveGates(plan.gates).soakAfterFortSec).toBe(600);
  });
  it('keeps tags that YAML would read as numbers as written', () => {
    const plan = parseOk(minimal.replace('tag: "2.0"', 'tag: 1.10'));
    expect(plan.image.tag).toBe('1.10');
  });
  it('round-trips to stable, byte-identical YAML', () => {
    const plan = parseOk(sample);
    const text = stringifyPlanYaml(plan);
    expect(parseOk(text)).toEqual(plan);
    expect(stringifyPlanYaml(parseOk(text))).toBe(text);
    expect(text.split('\n').slice(2, 5)).toEqual(['name: orders-2.4.1', 'app: orders', 'description: Checkout latency fix (ORD-1412)']);
    // quoted where YAML would otherwise change the type
    expect(stringifyPlanYaml(parseOk(minimal.replace('tag: "2.0"', 'tag: 1.10')))).toContain('tag: "1.10"');
  });
  it('reports malformed YAML with line and column', () => {
    const p = problems('name: p\nstages: [\n  - a\n');
    expect(p[0]!.message).toMatch(/^YAML syntax/);
    expect(p[0]!.line).toBeGreaterThan(1);
    expect(problems('name: a\nname: b\n')[0]!.message).toMatch(/unique|duplicate/i);
    expect(problems('- just\n- a list\n')[0]!.message).toMatch(/must be a YAML mapping/);
  });
  it('reports unknown fields at the key, with the path', () => {
    const p = problems(minimal.replace('      - group: fat', '      - group: fat\n        soakk: 10m'));
    expect(p).toEqual([{ path: 'stages.0.groups.0.soakk', line: 12, column: 9, message: 'unknown field "soakk"' }]);
  });
  it('reports an illegal tag, a bad batch pattern and a missing field where they are', () => {
    const bad = minimal
      .replace('tag: "2.0"', 'tag: "-bad/tag"')
      .replace('      - group: fat', '      - group: fat\n        batchPattern: 60%+40%')
      .replace('maxParallelGroups: 1\n', '');
    const p = problems(bad);
    const byPath = Object.fromEntries(p.map((x) => [x.path, x]));
    expect(byPath['image.tag']!.message).toMatch(/illegal image tag/);
    expect(byPath['image.tag']!.line).toBe(3);
    expect(byPath['stages.0.groups.0.batchPattern']!.message).toMatch(/"60%" is more than 50%/);
    expect(byPath['stages.0.groups.0.batchPattern']!.line).toBe(11);
    expect(byPath['maxParallelGroups']!.message).toMatch(/required field is missing/);
    expect(planProblemsToError(p).code).toBe('plan-invalid');
    expect(formatPlanProblems(p)).toMatch(/line 3, column \d+: image.tag: illegal image tag/);
  });
  it('rejects a group ref that mixes both forms or lacks a deployment', () => {
    const p = problems(
      minimal.replace('      - group: fat', '      - group: fat\n        cluster: c1\n      - cluster: c1\n        namespace: shop'),
    );
    expect(p.map((x) => x.path)).toEqual(['stages.0.groups.0', 'stages.0.groups.1']);
    expect(p[0]!.message).toMatch(/not both/);
    expect(p[1]!.message).toMatch(/needs cluster, namespace and deployment/);
  });
});

describe('helpers', () => {
  it('durations', () => {
    expect(parseDurationSpec('1h30m')).toBe(5400);
    expect(parseDurationSpec('90s')).toBe(90);
    expect(parseDurationSpec('')).toBeUndefined();
    expect(parseDurationSpec('10 minutes')).toBeUndefined();
    expect(formatDurationSpec(5430)).toBe('1h30m30s');
  });
  it('image strings', () => {
    expect(imageString({ repository: 'r.example:5000/a/b', tag: '1', digest: 'sha256:' + 'a'.repeat(64) })).toBe(
      `r.example:5000/a/b:1@sha256:${'a'.repeat(64)}`,
    );
    expect(imageName('r.example:5000/a/b:1.2@sha256:abc')).toBe('r.example:5000/a/b');
    expect(imageName('r.example:5000/a/b')).toBe('r.example:5000/a/b');
  });
  it('regional registries: a plan repository without a host matches every region', () => {
    expect(splitRegistry('harbor-east.sandbox.local/shop/orders')).toEqual({ registry: 'harbor-east.sandbox.local', path: 'shop/orders' });
    expect(splitRegistry('shop/orders')).toEqual({ path: 'shop/orders' });
    expect(splitRegistry('localhost/orders')).toEqual({ registry: 'localhost', path: 'orders' });
    const regional = { repository: 'shop/orders', tag: '1.5.0' };
    expect(imageMatches('harbor-west.sandbox.local/shop/orders:1.4.2', regional)).toBe(true);
    expect(imageMatches('harbor-west.sandbox.local/shop/orders-db:1.4.2', regional)).toBe(false);
    expect(targetImageFor('harbor-west.sandbox.local/shop/orders:1.4.2', regional)).toBe('harbor-west.sandbox.local/shop/orders:1.5.0');
    const pinned = { repository: 'harbor-east.sandbox.local/shop/orders', tag: '1.5.0' };
    expect(imageMatches('harbor-west.sandbox.local/shop/orders:1.4.2', pinned)).toBe(false);
    expect(targetImageFor('harbor-east.sandbox.local/shop/orders:1.4.2', pinned)).toBe('harbor-east.sandbox.local/shop/orders:1.5.0');
  });
});
