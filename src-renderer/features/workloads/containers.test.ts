import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { pod } from '../../../src-shared/testing/fixtures';
import { containersOf, hasPreviousInstance, metricsTarget } from './containers';

const podYaml = stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'orders-1', namespace: 'shop' },
  spec: {
    initContainers: [{ name: 'migrate', image: 'm:1' }],
    containers: [
      { name: 'orders', image: 'o:1' },
      { name: 'log-agent', image: 'l:1' },
    ],
  },
});
const deploymentYaml = stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'orders' }] } } },
});

describe('containers of the drawer object', () => {
  it('reads a pod’s containers (not init containers) and a Deployment’s pod template', () => {
    expect(containersOf(podYaml)).toEqual(['orders', 'log-agent']);
    expect(containersOf(deploymentYaml)).toEqual(['orders']);
    expect(containersOf('')).toEqual([]);
    expect(containersOf('spec: [unclosed')).toEqual([]);
  });

  it('Metrics opens the chosen container of a pod, or of a running ready pod of a Deployment', () => {
    const ref = { kind: 'Pod' as const, clusterId: 'fat', namespace: 'shop', name: 'orders-1' };
    expect(metricsTarget(ref, 'log-agent', [])).toEqual({ clusterId: 'fat', namespace: 'shop', pod: 'orders-1', container: 'log-agent' });
    expect(metricsTarget(ref, undefined, [])).toBeUndefined();
    const pods = [
      pod({ uid: 'a', name: 'orders-a', deployment: 'orders', phase: 'Pending', status: 'Pending', ready: false }),
      pod({ uid: 'b', name: 'orders-b', deployment: 'orders', ready: false }),
      pod({ uid: 'c', name: 'orders-c', deployment: 'orders' }),
      pod({ uid: 'd', name: 'orders-d', deployment: 'orders', clusterId: 'uat' }),
    ];
    const dep = { kind: 'Deployment' as const, clusterId: 'fat', namespace: 'shop', name: 'orders' };
    expect(metricsTarget(dep, 'orders', pods)?.pod).toBe('orders-c');
    expect(metricsTarget(dep, 'orders', pods.slice(0, 2))?.pod).toBe('orders-b');
    expect(metricsTarget({ ...dep, name: 'billing' }, 'orders', pods)).toBeUndefined();
  });

  it('a previous instance exists after a restart or a termination', () => {
    expect(hasPreviousInstance(pod({ uid: 'x' }))).toBe(false);
    expect(hasPreviousInstance(pod({ uid: 'x', restarts: 3 }))).toBe(true);
    expect(hasPreviousInstance(pod({ uid: 'x', lastTerminationReason: 'OOMKilled' }))).toBe(true);
  });
});
