import { describe, expect, it } from 'vitest';
import type { PodLike } from './pod-selection';
import { declaredPorts, pickReadyPod, podPortFor, selectorQuery, servicePort } from './pod-selection';

const pod = (
  name: string,
  o: { ready?: boolean; since?: string; restarts?: number; created?: string; deleting?: boolean; phase?: string } = {},
): PodLike => ({
  metadata: {
    name,
    creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
    ...(o.deleting ? { deletionTimestamp: '2026-01-02T00:00:00Z' } : {}),
  },
  spec: {
    containers: [
      {
        name: 'app',
        ports: [
          { name: 'http', containerPort: 8080 },
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
        ],
      },
    ],
  },
  status: {
    phase: o.phase ?? 'Running',
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: o.since ?? '2026-01-01T00:01:00Z' }],
    containerStatuses: [{ restartCount: o.restarts ?? 0 }],
  },
});

describe("pod selection for a Service forward (kubectl's ActivePods order, reversed)", () => {
  it('takes only ready, running pods that are not being deleted', () => {
    expect(pickReadyPod([pod('a', { ready: false }), pod('b', { deleting: true }), pod('c', { phase: 'Pending' })])).toBeUndefined();
    expect(pickReadyPod([pod('a', { ready: false }), pod('b')])?.metadata.name).toBe('b');
  });
  it('prefers the pod ready the longest, then fewer restarts, then the oldest', () => {
    expect(
      pickReadyPod([pod('new', { since: '2026-01-01T00:05:00Z' }), pod('old', { since: '2026-01-01T00:02:00Z' })])?.metadata.name,
    ).toBe('old');
    expect(pickReadyPod([pod('flaky', { restarts: 3 }), pod('steady')])?.metadata.name).toBe('steady');
    expect(
      pickReadyPod([pod('b', { created: '2026-01-01T00:00:09Z' }), pod('a', { created: '2026-01-01T00:00:01Z' })])?.metadata.name,
    ).toBe('a');
  });
  it("translates a Service port to the pod's port by number or by name, and names what is missing", () => {
    const svc = {
      metadata: { name: 'web' },
      spec: {
        selector: { app: 'web', tier: 'fe' },
        ports: [{ name: 'web', port: 80, targetPort: 'http' }, { port: 9000, targetPort: 9090 }, { port: 7000 }],
      },
    };
    const p = pod('a');
    expect(podPortFor(servicePort(svc, 80) as never, p)).toBe(8080);
    expect(podPortFor(servicePort(svc, 9000) as never, p)).toBe(9090);
    expect(podPortFor(servicePort(svc, 7000) as never, p)).toBe(7000);
    expect(servicePort(svc, 81)).toBe('Service web has no port 81; its ports are 80 (web), 9000, 7000. Choose one of its ports.');
    expect(podPortFor({ port: 1, targetPort: 'metrics' }, p)).toBe(
      'Pod a has no container port named "metrics" (the Service\'s targetPort).',
    );
    expect(selectorQuery(svc)).toBe('app=web,tier=fe');
    expect(selectorQuery({ metadata: { name: 'x' }, spec: {} })).toBeUndefined();
  });
  it('offers TCP ports only', () => {
    expect(declaredPorts({ kind: 'pod', pod: pod('a') })).toEqual([{ port: 8080, name: 'http', protocol: 'TCP', container: 'app' }]);
  });
});
