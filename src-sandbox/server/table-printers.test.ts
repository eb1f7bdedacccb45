import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/types';
import { humanDuration, printerFor } from './table-printers';

describe('humanDuration (kube duration.HumanDuration)', () => {
  it.each([
    [5_000, '5s'],
    [119_000, '119s'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [3 * 3_600_000, '3h'],
    [3 * 3_600_000 + 60_000 * 7, '3h7m'],
    [30 * 3_600_000, '30h'],
    [3 * 86_400_000 + 3_600_000 * 4, '3d4h'],
    [40 * 86_400_000, '40d'],
    [-5_000, '<invalid>'],
  ])('%d ms → %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});

describe('pod printer', () => {
  const pod = (status: Record<string, unknown>, deleting = false): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      creationTimestamp: new Date(Date.now() - 60_000).toISOString(),
      ...(deleting ? { deletionTimestamp: 'x' } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'i' }], nodeName: 'n1' },
    status,
  });

  it('prints STATUS the way kubectl shows it', () => {
    const cells = (s: Record<string, unknown>, deleting = false) => printerFor('pods').cells(pod(s, deleting));
    expect(
      cells({ phase: 'Running', podIP: '10.0.0.1', containerStatuses: [{ ready: true, restartCount: 0, state: { running: {} } }] }).slice(
        0,
        4,
      ),
    ).toEqual(['p', '1/1', 'Running', '0']);
    const crash = cells({
      phase: 'Running',
      containerStatuses: [
        {
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: { terminated: { finishedAt: new Date(Date.now() - 130_000).toISOString() } },
        },
      ],
    });
    expect(crash.slice(1, 4)).toEqual(['0/1', 'CrashLoopBackOff', '3 (2m10s ago)']);
    expect(
      cells({ phase: 'Pending', containerStatuses: [{ restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] })[2],
    ).toBe('ContainerCreating');
    expect(cells({ phase: 'Running', containerStatuses: [] }, true)[2]).toBe('Terminating');
    expect(cells({ phase: 'Pending' }).slice(5, 7)).toEqual(['<none>', 'n1']);
  });

  it('has the same number of cells as columns for every resource', () => {
    for (const r of ['pods', 'deployments', 'replicasets', 'nodes', 'namespaces', 'events'] as const) {
      const p = printerFor(r);
      expect(p.cells({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: {}, status: {} }).length).toBe(p.columns.length);
    }
  });
});
