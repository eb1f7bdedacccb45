/**
 * core/v1 Events as the kubelet and controllers write them: repeated events for the same object,
 * reason and message are aggregated into one Event with a growing `count`, and the total is
 * bounded (oldest removed first) so a long crash-loop does not grow memory without end.
 */
import { randomBytes } from 'node:crypto';
import type { SimClock } from '../clock';
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';

export interface EventSource {
  component: string;
  host?: string;
}

export class EventRecorder {
  private readonly byKey = new Map<string, { namespace: string; name: string }>();
  private readonly order: string[] = [];

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SimClock,
    private readonly maxEvents = 5000,
  ) {}

  normal(obj: KubeObject, reason: string, message: string, source: EventSource, fieldPath?: string): void {
    this.record(obj, 'Normal', reason, message, source, fieldPath);
  }

  warning(obj: KubeObject, reason: string, message: string, source: EventSource, fieldPath?: string): void {
    this.record(obj, 'Warning', reason, message, source, fieldPath);
  }

  private record(
    obj: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    source: EventSource,
    fieldPath?: string,
  ): void {
    const namespace = obj.metadata.namespace ?? 'default';
    const now = this.clock.nowIso();
    const key = `${obj.metadata.uid}|${reason}|${message}|${fieldPath ?? ''}`;
    const existing = this.byKey.get(key);
    if (existing) {
      const ev = this.store.clone('events', existing.namespace, existing.name);
      if (ev) {
        ev.count = Number(ev.count ?? 1) + 1;
        ev.lastTimestamp = now;
        this.store.update('events', ev);
        return;
      }
    }
    const name = `${obj.metadata.name}.${randomBytes(8).toString('hex')}`;
    const involvedObject: Record<string, unknown> = {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
    };
    if (fieldPath) involvedObject.fieldPath = fieldPath;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject,
      reason,
      message,
      source: source.host ? { component: source.component, host: source.host } : { component: source.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    this.store.create('events', event, now);
    this.byKey.set(key, { namespace, name });
    this.order.push(key);
    while (this.order.length > this.maxEvents) {
      const old = this.order.shift()!;
      const ref = this.byKey.get(old);
      this.byKey.delete(old);
      if (ref && this.store.get('events', ref.namespace, ref.name)) this.store.delete('events', ref.namespace, ref.name);
    }
  }
}
