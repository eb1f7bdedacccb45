import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src-shared/k8s/types';
import type { Budget } from './drain-plan';
import { budgetSelects, drainBlocked, planDrain } from './drain-plan';

const pod = (name: string, over: Partial<Pod> & { owner?: string; volumes?: unknown[] } = {}): Pod =>
  ({
    metadata: {
      name,
      namespace: 'shop',
      labels: { app: name },
      ...(over.owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: over.owner, name: `${name}-owner`, uid: 'u', controller: true }] }
        : {}),
      ...over.metadata,
    },
    spec: { containers: [{ name: 'c' }], ...(over.volumes ? { volumes: over.volumes } : {}) },
    status: { phase: 'Running', ...over.status },
  }) as unknown as Pod;

describe('drain plan', () => {
  it('decides per pod as kubectl drain --ignore-daemonsets does', () => {
    const budgets: Budget[] = [
      {
        metadata: { name: 'web-pdb', namespace: 'shop' },
        spec: { selector: { matchLabels: { app: 'web' } } },
        status: { disruptionsAllowed: 0 },
      },
    ];
    const plan = planDrain(
      [
        pod('web', { owner: 'ReplicaSet' }),
        pod('agent', { owner: 'DaemonSet' }),
        pod('static', { metadata: { name: 'static', annotations: { 'kubernetes.io/config.mirror': 'x' } } }),
        pod('done', { owner: 'Job', status: { phase: 'Succeeded' } }),
        pod('bare'),
        pod('scratch', { owner: 'ReplicaSet', volumes: [{ name: 'tmp', emptyDir: {} }] }),
      ],
      budgets,
    );
    expect(plan.map((p) => p.action)).toEqual([
      'evict',
      'skip-daemonset',
      'skip-mirror',
      'skip-finished',
      'refuse-unmanaged',
      'refuse-emptydir',
    ]);
    expect(plan[0]!.pdb).toEqual({ name: 'web-pdb', disruptionsAllowed: 0 });
    expect(drainBlocked(plan)).toBe(true);
    expect(drainBlocked(plan.slice(0, 4))).toBe(false);
  });

  it('matches PDB selectors with expressions, within the namespace', () => {
    const b = (sel: Budget['spec']) => ({ metadata: { name: 'b', namespace: 'shop' }, spec: sel }) as Budget;
    const p = pod('web');
    expect(budgetSelects(b({ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'x'] }] } }), p)).toBe(true);
    expect(budgetSelects(b({ selector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] } }), p)).toBe(false);
    expect(budgetSelects(b({ selector: {} }), p)).toBe(true);
    expect(budgetSelects({ ...b({ selector: {} }), metadata: { name: 'b', namespace: 'other' } }, p)).toBe(false);
  });
});
