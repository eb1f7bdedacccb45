import { describe, expect, it } from 'vitest';
import { fixturePlan, fixtureSnapshot, T0 } from './fixtures';
import type { ReleasePlan } from './plan';
import { hasErrors, validatePlan } from './validate';

const errors = (plan: ReleasePlan, snapshot = fixtureSnapshot()) => validatePlan(plan, snapshot).filter((i) => i.severity === 'error');

describe('validatePlan', () => {
  it('accepts the sample plan against the snapshot', () => {
    const issues = validatePlan(fixturePlan(), fixtureSnapshot(), { now: T0 + 3600_000 });
    expect(issues).toEqual([]);
    expect(hasErrors(issues)).toBe(false);
  });
  it('reports unknown groups, clusters, datacenters and deployments', () => {
    const plan = fixturePlan({
      stages: [
        { name: 'a', groups: [{ group: 'gray' }, { group: 'pro', datacenter: 'pro-north' }] },
        {
          name: 'b',
          groups: [
            { cluster: 'nowhere', namespace: 'shop', deployment: 'orders' },
            { cluster: 'fat', namespace: 'shop', deployment: 'nope' },
          ],
        },
      ],
    });
    const e = errors(plan);
    expect(e.map((i) => i.path)).toEqual([
      'stages.0.groups.0',
      'stages.0.groups.1.datacenter',
      'stages.1.groups.0.cluster',
      'stages.1.groups.1',
    ]);
    expect(e[0]!.message).toMatch(/No Deployment of app "orders" is labelled group gray/);
    expect(e[1]!.message).toMatch(/Datacenter "pro-north".*known: fat, uat, pro-east, pro-west/);
    expect(e[2]!.message).toMatch(/Cluster "nowhere" is not in the snapshot/);
    expect(e[3]!.message).toMatch(/shop\/nope does not exist in cluster fat/);
  });
  it('reports an invalid batch pattern and an illegal tag (plans from the form too)', () => {
    const plan = fixturePlan({
      image: { repository: 'harbor.example.com/shop/orders', tag: 'v1/../x' },
      defaults: { batchPattern: '10%+20%' },
    });
    const e = errors(plan);
    expect(e.some((i) => i.path === 'image.tag' && /illegal image tag/.test(i.message))).toBe(true);
    expect(e.some((i) => i.path === 'defaults.batchPattern' && /sum to 30%/.test(i.message))).toBe(true);
    expect(errors(fixturePlan({ image: { repository: 'harbor.example.com/shop/orders', tag: '' } }))[0]!.path).toBe('image.tag');
  });
  it('reports a group in two stages', () => {
    const plan = fixturePlan({
      stages: [
        { name: 'a', groups: [{ group: 'pro' }] },
        { name: 'b', groups: [{ cluster: 'pro-west-1', namespace: 'shop', deployment: 'orders' }] },
      ],
    });
    const e = errors(plan);
    expect(e).toHaveLength(1);
    expect(e[0]!.message).toMatch(/pro-west-1\/shop\/orders appears in stages 1 and 2/);
  });
  it('judges minimum online as the executor runs batches: new pods ready before old ones go, so only a minimum above N fails', () => {
    // 50% of pro-east's 10 after the fort is a batch of 4 or 5; the old rule (batches take pods
    // down) refused minOnline 8 here, but ready pods never fall below 10 while it runs.
    const plan = fixturePlan({ defaults: { batchPattern: '50%', minOnline: 8 } });
    plan.stages[0]!.groups[0]!.minOnline = 3;
    const e = errors(plan);
    expect(e.some((i) => /pro-east-1\/shop\/orders/.test(i.message))).toBe(false);
    const fat = e.find((i) => /orders-fat: minimum online is 3 but the group has only 2/.test(i.message));
    expect(fat?.message).toMatch(/new pods start and become ready before as many old ones are retired, so 2 stay online throughout/);
    expect(e).toHaveLength(1);
  });
  it("does not add up batches of a joined group's datacenters as pods down at once", () => {
    // Two parts of 10 in parallel at 80%: the old rule said 6 down at once out of 20. Each part keeps its 10 ready.
    const plan = fixturePlan({ defaults: { batchPattern: '25%', minOnline: '80%' } });
    plan.stages[2]!.groups = [
      { group: 'pro', datacenter: 'pro-east' },
      { group: 'pro', datacenter: 'pro-west' },
    ];
    expect(errors(plan)).toEqual([]);
  });
  it('reports a Deployment without the plan repository, and warns on paused/stale/already-at-target', () => {
    const snap = fixtureSnapshot();
    snap.clusters[0]!.deployments[0]!.images = ['other.example.com/x:1'];
    snap.clusters[1]!.deployments[0]!.paused = true;
    snap.clusters[1]!.deployments[0]!.images = ['harbor.example.com/shop/orders:2.4.1'];
    const issues = validatePlan(fixturePlan(), snap, { now: T0 + 48 * 3600_000 });
    expect(issues.find((i) => i.severity === 'error')!.message).toMatch(
      /orders-fat runs no container from harbor.example.com\/shop\/orders \(it runs other.example.com\/x:1\)/,
    );
    const warnings = issues.filter((i) => i.severity === 'warning').map((i) => i.message);
    expect(warnings.some((m) => /already runs .*2\.4\.1/.test(m))).toBe(true);
    expect(warnings.some((m) => /is paused in the snapshot/.test(m))).toBe(true);
    expect(warnings.filter((m) => /48 h old/.test(m))).toHaveLength(4);
  });
  it('checks gates are well formed', () => {
    const e = errors(fixturePlan({ gates: { soak: { afterFort: 'ten minutes' }, health: { readyWithin: '0s' } } }));
    expect(e.map((i) => i.path)).toEqual(['gates.soak.afterFort']);
    const e2 = errors(fixturePlan({ gates: { health: { readyWithin: '0s' } } }));
    expect(e2[0]!.message).toMatch(/readyWithin must be more than 0s/);
    const w = validatePlan(
      fixturePlan({ gates: { health: { noNewRestarts: false, noOOMKilled: false, noCrashLoop: false } } }),
      fixtureSnapshot(),
    );
    expect(w.map((i) => i.message).join('\n')).toMatch(/All health gates are off[\s\S]*not baked/);
  });
});
