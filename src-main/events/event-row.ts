/**
 * A Kubernetes Event (core/v1, with the events.k8s.io/v1 fields it may carry) as a compact row.
 * The reflector stores this slim form, not the event: a busy cluster keeps tens of thousands.
 */
import type { KubeEvent, KubeObject } from '../../src-shared/k8s/types';
import { timeOf } from '../../src-shared/k8s/types';
import type { EventRow } from '../../src-shared/events/contract';

type RawEvent = KubeEvent & {
  series?: { count?: number; lastObservedTime?: string };
  reportingController?: string;
  source?: { component?: string; host?: string };
};

/** What the reflector keeps per event: identity for keying and versioning, and the row. */
export interface StoredEvent extends KubeObject {
  row: Omit<EventRow, 'clusterId' | 'uid'>;
}

const cut = (s: string | undefined, max: number) => (s && s.length > max ? `${s.slice(0, max - 1)}…` : (s ?? ''));

export function slimEvent(e: RawEvent): StoredEvent {
  const m = e.metadata;
  const created = timeOf(m.creationTimestamp) ?? 0;
  const first = timeOf(e.firstTimestamp) ?? timeOf(e.eventTime);
  const last = timeOf(e.series?.lastObservedTime) ?? timeOf(e.lastTimestamp) ?? timeOf(e.eventTime) ?? first ?? created;
  const source = e.source?.component ?? e.reportingController;
  return {
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion },
    row: {
      namespace: m.namespace ?? '',
      type: cut(e.type ?? 'Normal', 63),
      reason: cut(e.reason, 253),
      message: cut(e.message, 1024),
      count: Math.max(1, e.series?.count ?? e.count ?? 1),
      ...(first !== undefined ? { firstSeen: first } : {}),
      lastSeen: last,
      object: {
        kind: cut(e.involvedObject?.kind, 253),
        name: cut(e.involvedObject?.name, 253),
        namespace: cut(e.involvedObject?.namespace ?? m.namespace, 253),
      },
      ...(source ? { source: cut(source, 253) } : {}),
    },
  };
}

export const toEventRow = (clusterId: string, s: StoredEvent): EventRow => ({
  uid: s.metadata.uid || `${s.metadata.namespace ?? ''}/${s.metadata.name ?? ''}`,
  clusterId,
  ...s.row,
});
