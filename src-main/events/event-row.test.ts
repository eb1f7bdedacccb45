import { describe, expect, it } from 'vitest';
import { Interner } from '../base/interner';
import { slimEvent, toEventRow } from './event-row';

const raw = (over: Record<string, unknown> = {}) => ({
  metadata: { name: 'web-1.17a', namespace: 'shop', uid: 'e1', resourceVersion: '5', creationTimestamp: '2026-01-01T00:00:00Z' },
  involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop' },
  type: 'Warning',
  reason: 'BackOff',
  message: 'Back-off restarting failed container app in pod web-1',
  count: 4,
  firstTimestamp: '2026-01-01T00:00:10Z',
  lastTimestamp: '2026-01-01T00:05:00Z',
  source: { component: 'kubelet' },
  ...over,
});

describe('event rows', () => {
  it('keeps what the events view shows, keyed by uid', () => {
    const stored = slimEvent(raw() as never);
    expect(stored.metadata.uid).toBe('e1');
    expect(stored.metadata.resourceVersion).toBe('5');
    expect(toEventRow('fat', stored)).toEqual({
      uid: 'e1',
      clusterId: 'fat',
      namespace: 'shop',
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container app in pod web-1',
      count: 4,
      firstSeen: Date.parse('2026-01-01T00:00:10Z'),
      lastSeen: Date.parse('2026-01-01T00:05:00Z'),
      object: { kind: 'Pod', name: 'web-1', namespace: 'shop' },
      source: 'kubelet',
    });
  });

  it('keys an event without uid by namespace/name and reads events.k8s.io fields', () => {
    const stored = slimEvent(
      raw({
        metadata: { name: 'n1', namespace: 'shop', resourceVersion: '6' },
        count: undefined,
        firstTimestamp: undefined,
        lastTimestamp: undefined,
        eventTime: '2026-01-01T00:00:00.000000Z',
        series: { count: 9, lastObservedTime: '2026-01-01T00:01:00.000000Z' },
        source: undefined,
        reportingController: 'deployment-controller',
        involvedObject: { kind: 'Deployment', name: 'web' },
      }) as never,
    );
    const row = toEventRow('fat', stored);
    expect(row.uid).toBe('shop/n1');
    expect(row.count).toBe(9);
    expect(row.lastSeen).toBe(Date.parse('2026-01-01T00:01:00Z'));
    expect(row.object).toEqual({ kind: 'Deployment', name: 'web', namespace: 'shop' });
    expect(row.source).toBe('deployment-controller');
  });

  it('shares repeated text between events through the interner', () => {
    const strings = new Interner(100, 1024);
    slimEvent(raw() as never, strings);
    const held = strings.size;
    slimEvent(raw({ metadata: { name: 'web-1.17b', namespace: 'shop', uid: 'e2', resourceVersion: '7' } }) as never, strings);
    expect(strings.size).toBe(held);
  });
});
