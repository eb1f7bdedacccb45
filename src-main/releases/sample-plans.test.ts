import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureSnapshot, T0 } from '../../src-shared/releases/fixtures';
import { formatPlanProblems, parsePlanYaml } from '../../src-shared/releases/plan-yaml';
import { validatePlan } from '../../src-shared/releases/validate';

const dir = new URL('../../resources/plans/', import.meta.url);

describe('sample plans in resources/plans', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  it('exist', () => expect(files.length).toBeGreaterThan(0));
  it('the sandbox plan validates against a snapshot shaped like the default scenario (datacenter = cluster name, as the app derives it)', () => {
    const r = parsePlanYaml(readFileSync(new URL('sandbox-orders-1.5.0.yaml', dir), 'utf8'));
    if (!r.ok) throw new Error(formatPlanProblems(r.problems));
    const dep = (name: string, group: string, replicas: number, registry: string) => ({
      namespace: 'shop',
      name,
      app: 'orders',
      group,
      replicas,
      images: [`${registry}/shop/orders:1.4.2`],
      revision: '3',
      paused: false,
    });
    const east = 'harbor-east.sandbox.local';
    const west = 'harbor-west.sandbox.local';
    const snapshot = {
      clusters: [
        { clusterId: 'fat', datacenter: 'fat', takenAt: T0, deployments: [dep('orders-fat', 'fat', 1, east)] },
        { clusterId: 'uat', datacenter: 'uat', takenAt: T0, deployments: [dep('orders-uat', 'uat', 2, east)] },
        {
          clusterId: 'pro-east',
          datacenter: 'pro-east',
          takenAt: T0,
          deployments: [dep('orders-pro', 'pro', 6, east), dep('orders-pro-b', 'pro', 3, east)],
        },
        { clusterId: 'pro-west', datacenter: 'pro-west', takenAt: T0, deployments: [dep('orders-pro', 'pro', 6, west)] },
      ],
    };
    expect(validatePlan(r.plan, snapshot, { now: T0 })).toEqual([]);
  });
  for (const file of files) {
    it(`${file} parses`, () => {
      const r = parsePlanYaml(readFileSync(new URL(file, dir), 'utf8'));
      if (!r.ok) throw new Error(formatPlanProblems(r.problems));
      if (file === 'orders-2.4.1.yaml') expect(validatePlan(r.plan, fixtureSnapshot(), { now: T0 })).toEqual([]);
    });
  }
});
