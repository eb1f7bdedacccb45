import { describe, expect, it } from 'vitest';
import { fixturePlan, fixtureSnapshot, T0 } from '../../src-shared/releases/fixtures';
import { stringifyPlanYaml } from '../../src-shared/releases/plan-yaml';
import { checkPlan, draftPlan } from './plan-check';

const yaml = stringifyPlanYaml(fixturePlan());
const check = (text: string) => checkPlan(text, fixtureSnapshot(), T0);
const messages = (text: string) =>
  check(text)
    .issues.map((i) => `${i.path}: ${i.message}`)
    .join('\n');

describe('offline plan check (planner)', () => {
  it('a good plan is valid, with the snapshot date and the batch split, fort first', () => {
    const c = check(yaml);
    expect(c.ok).toBe(true);
    expect(c.snapshotTakenAt).toBe(T0);
    const pro = c.stages[2]!.groups[0]!;
    expect(pro.batches[0]).toMatchObject({ fort: true, size: 1 });
    expect(pro.batches.reduce((a, b) => a + b.size, 0)).toBe(pro.replicas);
  });

  it('reports malformed YAML with its line', () => {
    const c = check('name: x\n  app: [unclosed\n');
    expect(c.ok).toBe(false);
    expect(c.issues[0]!.line).toBeGreaterThan(0);
  });

  it('reports unknown groups, an invalid batch pattern and an illegal tag', () => {
    expect(messages(yaml.replace('group: uat', 'group: staging'))).toMatch(/staging/);
    expect(check(yaml.replace('batchPattern: 25%', 'batchPattern: 60%+40%')).ok).toBe(false);
    expect(messages(yaml.replace('tag: 2.4.1', 'tag: "-bad tag"'))).toMatch(/tag/);
  });

  it('drafts a valid plan for an app from the snapshot: FAT, UAT, then one PRO stage per datacenter', () => {
    const r = draftPlan('orders', '2.4.1', fixtureSnapshot(), T0);
    if (!r.ok) throw new Error(r.error.message);
    const c = check(r.value.yaml);
    expect(c.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(c.stages.map((s) => s.name)).toEqual(['fat', 'uat', 'pro-east', 'pro-west']);
    expect(draftPlan('nope', '1', fixtureSnapshot(), T0).ok).toBe(false);
  });
});
