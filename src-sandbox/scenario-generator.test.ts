import { describe, expect, it } from 'vitest';
import { startDatacenter } from './datacenter';
import { groupsIn } from './seed';
import { GENERATED_REPLICAS, generateScenario } from './scenario-generator';

describe('generateScenario', () => {
  it('500 apps × FAT/UAT/PRO over fat, uat, pro-east, pro-west: 50,000 pods at scale 4', () => {
    const s = generateScenario({ apps: 500 });
    expect(s.apps).toHaveLength(500);
    expect(new Set(s.apps.map((a) => a.name)).size).toBe(500);
    expect(s.clusters.map((c) => c.name)).toEqual(['fat', 'uat', 'pro-east', 'pro-west']);
    const podsAt4 = s.clusters.reduce((n, c) => n + groupsIn(s, c.name).reduce((m, { group }) => m + Math.round(group.replicas * 4), 0), 0);
    expect(podsAt4).toBe(50_000);
    expect(Object.values(GENERATED_REPLICAS).reduce((a, b) => a + b, 0) * 500 * 4).toBe(50_000);
    for (const a of s.apps) expect(a.groups.map((g) => `${g.group}@${g.cluster}`)).toEqual(['fat@fat', 'uat@uat', 'pro@pro-east', 'pro@pro-west']);
  });

  it('is deterministic and mixes versions in test with versions everywhere the same', () => {
    expect(generateScenario({ apps: 30 })).toEqual(generateScenario({ apps: 30 }));
    const s = generateScenario({ apps: 30 });
    const differs = s.apps.filter((a) => a.groups[0]!.version !== a.groups[2]!.version).length;
    expect(differs).toBeGreaterThan(0);
    expect(differs).toBeLessThan(30);
  });

  it('refuses an app count it cannot name', () => {
    expect(() => generateScenario({ apps: 0 })).toThrow(/apps must be/);
    expect(() => generateScenario({ apps: 2001 })).toThrow(/apps must be/);
    expect(() => generateScenario({ apps: 1.5 })).toThrow(/apps must be/);
  });

  it('the sandbox serves it: labelled Deployments with their pods in every cluster', async () => {
    const dc = await startDatacenter({ scenario: generateScenario({ apps: 3 }), scale: 2 });
    try {
      const deps = [...dc.cluster('pro-west').store.values('deployments')].map((d) => d.obj);
      expect(deps.map((d) => d.metadata.labels?.['capstan.io/group'])).toEqual(['pro', 'pro', 'pro']);
      expect(deps.map((d) => d.spec.replicas)).toEqual([22, 22, 22]);
      expect(dc.clusters.reduce((n, c) => n + dc.cluster(c.name).store.count('pods'), 0)).toBe(3 * 25 * 2);
    } finally {
      await dc.close();
    }
  });
});
