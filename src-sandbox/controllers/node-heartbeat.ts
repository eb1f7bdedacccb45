/**
 * The kubelets' heartbeats on the sandbox clock: every node renews its Lease in kube-node-lease
 * every 10 simulated seconds (leaseDurationSeconds 40, renewTime as MicroTime), and reports its
 * status every 5 simulated minutes, moving the conditions' lastHeartbeatTime (kubelet's
 * nodeStatusReportFrequency). Nodes renew at staggered times, as independent kubelets do.
 */
import type { SimClock } from '../clock';
import { KeyedTimers } from '../keyed-timers';
import type { ObjectStore } from '../kube/store';
import { fnv32a } from '../kube/template-hash';
import type { KubeObject } from '../kube/types';

export const LEASE_RENEW_MS = 10_000;
export const STATUS_REPORT_MS = 300_000;
const NS = 'kube-node-lease';

const microTime = () => new Date().toISOString().replace(/(\.\d{3})Z$/, '$1000Z');

export class NodeHeartbeat {
  private readonly timers: KeyedTimers;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: SimClock,
  ) {
    this.timers = new KeyedTimers(clock);
    for (const s of store.values('nodes')) this.start(s.obj.metadata.name);
    this.unsubscribe = store.subscribe((e) => {
      if (e.resource !== 'nodes') return;
      const name = e.object.obj.metadata.name;
      if (e.type === 'ADDED') this.start(name);
      else if (e.type === 'DELETED') this.stopNode(name);
    });
  }

  stop(): void {
    this.unsubscribe();
    this.timers.cancelAll();
  }

  private start(node: string): void {
    this.renewLease(node);
    const offsetMs = fnv32a(node) % LEASE_RENEW_MS;
    let sinceReport = offsetMs;
    const tick = () => {
      if (!this.store.get('nodes', undefined, node)) return this.stopNode(node);
      this.renewLease(node);
      sinceReport += LEASE_RENEW_MS;
      if (sinceReport >= STATUS_REPORT_MS) {
        sinceReport = 0;
        this.reportStatus(node);
      }
      this.timers.set(node, LEASE_RENEW_MS, tick);
    };
    this.timers.set(node, LEASE_RENEW_MS - offsetMs, tick);
  }

  private stopNode(node: string): void {
    this.timers.cancel(node);
  }

  private renewLease(node: string): void {
    const lease = this.store.clone('leases', NS, node);
    if (lease) {
      lease.spec.renewTime = microTime();
      this.store.update('leases', lease);
      return;
    }
    const owner = this.store.get('nodes', undefined, node)?.obj;
    const obj: KubeObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: node,
        namespace: NS,
        ownerReferences: owner ? [{ apiVersion: 'v1', kind: 'Node', name: node, uid: owner.metadata.uid! }] : undefined,
      },
      spec: { holderIdentity: node, leaseDurationSeconds: 40, renewTime: microTime() },
    };
    if (!obj.metadata.ownerReferences) delete obj.metadata.ownerReferences;
    this.store.create('leases', obj, this.clock.nowIso());
  }

  private reportStatus(node: string): void {
    const n = this.store.clone('nodes', undefined, node);
    if (!n?.status?.conditions) return;
    const now = this.clock.nowIso();
    for (const c of n.status.conditions as { lastHeartbeatTime?: string }[]) c.lastHeartbeatTime = now;
    this.store.update('nodes', n);
  }
}
