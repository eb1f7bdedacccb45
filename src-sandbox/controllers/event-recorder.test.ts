import { describe, expect, it } from 'vitest';
import { SimClock } from '../clock';
import { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { EventRecorder } from './event-recorder';

describe('EventRecorder', () => {
  const involved: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p1', namespace: 'shop', uid: 'u1', resourceVersion: '5' },
  };

  it('aggregates repeats into one Event with a count, and bounds the total', () => {
    const store = new ObjectStore();
    const rec = new EventRecorder(store, new SimClock(1), 3);
    rec.warning(involved, 'BackOff', 'Back-off restarting failed container c', { component: 'kubelet', host: 'n1' }, 'spec.containers{c}');
    rec.warning(involved, 'BackOff', 'Back-off restarting failed container c', { component: 'kubelet', host: 'n1' }, 'spec.containers{c}');
    const events = [...store.values('events')].map((s) => s.obj);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      reason: 'BackOff',
      type: 'Warning',
      count: 2,
      source: { component: 'kubelet', host: 'n1' },
      involvedObject: { kind: 'Pod', name: 'p1', namespace: 'shop', uid: 'u1', fieldPath: 'spec.containers{c}' },
    });
    expect(events[0]!.metadata.name).toMatch(/^p1\.[0-9a-f]{16}$/);
    for (let i = 0; i < 5; i++) rec.normal(involved, 'Pulled', `message ${i}`, { component: 'kubelet' });
    const left = [...store.values('events')].map((s) => s.obj.message);
    expect(left).toEqual(['message 2', 'message 3', 'message 4']);
  });
});
