import { describe, expect, it } from 'vitest';
import type { DeploymentWithStrategy } from './batch-driver';
import { DeploymentWatch, describeChanges, lastManager } from './deployment-watch';

const dep = (
  rv: string,
  patch: { image?: string; paused?: boolean; annotations?: Record<string, string>; managedFields?: unknown[] } = {},
): DeploymentWithStrategy => ({
  metadata: {
    name: 'orders',
    resourceVersion: rv,
    annotations: patch.annotations ?? {},
    ...(patch.managedFields ? { managedFields: patch.managedFields } : {}),
  } as DeploymentWithStrategy['metadata'],
  spec: {
    replicas: 3,
    paused: patch.paused,
    selector: { matchLabels: { app: 'orders' } },
    template: { spec: { containers: [{ name: 'app', image: patch.image ?? 'orders:1' }] } },
  },
  status: { observedGeneration: Number(rv) },
});

describe('DeploymentWatch', () => {
  it('takes our writes and status changes as nothing, and reports anyone else with what and who', () => {
    const w = new DeploymentWatch();
    expect(w.check('k', dep('1'))).toBeUndefined();
    w.wrote('k', dep('2', { annotations: { 'capstan.io/release': 'r1' } }));
    // The controller updated status and its revision annotation: not a change.
    expect(
      w.check('k', dep('3', { annotations: { 'capstan.io/release': 'r1', 'deployment.kubernetes.io/revision': '2' } })),
    ).toBeUndefined();
    const change = w.check(
      'k',
      dep('4', {
        image: 'orders:2',
        paused: true,
        annotations: { 'capstan.io/release': 'r1' },
        managedFields: [
          { manager: 'capstan', operation: 'Update', time: '2026-12-06T04:00:03Z' },
          { manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', time: '2026-12-06T04:00:05Z' },
          { manager: 'kubectl-set', operation: 'Update', time: '2026-12-06T04:00:04Z' },
        ],
      }),
    );
    expect(change).toEqual({
      detail: 'spec.template.spec.containers[app].image: orders:1 → orders:2; spec.paused: (none) → true',
      by: 'kubectl-set (Update)',
    });
    // Reported once: the next read compares with what was seen.
    expect(w.check('k', dep('5', { image: 'orders:2', paused: true, annotations: { 'capstan.io/release': 'r1' } }))).toBeUndefined();
  });

  it('describes removed annotations and caps long lists', () => {
    const before = { annotations: { a: '1', b: '2', c: '3', d: '4', e: '5' } };
    expect(describeChanges(before, { annotations: {} })).toBe(
      'annotations.a: 1 → (none); annotations.b: 2 → (none); annotations.c: 3 → (none); annotations.d: 4 → (none); and 1 more',
    );
    expect(lastManager(dep('1'))).toBeUndefined();
  });

  it("says the release's claim annotations were removed in one phrase, after the image", () => {
    const before = {
      spec: { image: 'orders:1.5.0' },
      annotations: {
        'kubernetes.io/change-cause': 'capstan release r1: orders 1.4.2 → 1.5.0 by tester',
        'capstan.io/original': '{"strategy":{"type":"RollingUpdate"}}',
        'capstan.io/release': 'r1',
        'capstan.io/replicas': '6',
        team: 'shop',
      },
    };
    const after = { spec: { image: 'orders:1.4.2' }, annotations: { team: 'shop' } };
    expect(describeChanges(before, after)).toBe(
      "spec.image: orders:1.5.0 → orders:1.4.2; this release's claim removed (annotations capstan.io/original, capstan.io/release, capstan.io/replicas, kubernetes.io/change-cause)",
    );
    expect(describeChanges({ annotations: { 'capstan.io/release': 'r1' } }, { annotations: { 'capstan.io/release': 'r2' } })).toBe(
      "this release's claim changed (annotations capstan.io/release)",
    );
  });
});
