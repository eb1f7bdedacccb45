/**
 * DaemonSet controller: one pod per node the pod may run on (the template's nodeSelector, and
 * taints the pod tolerates; DaemonSet pods tolerate cordoned, not-ready and unreachable nodes as
 * the controller's automatic tolerations make them). Each pod is pinned to its node by required
 * node affinity on metadata.name and placed by the scheduler. RollingUpdate replaces old pods
 * maxUnavailable at a time; OnDelete replaces only pods someone deleted.
 */
import type { SimClock } from '../clock';
import { resolveIntOrPercent } from '../../src-shared/k8s/rolling-update';
import { isPodActive, isPodReady } from '../kube/pods';
import type { ObjectStore } from '../kube/store';
import { podTemplateHash } from '../kube/template-hash';
import type { KubeObject } from '../kube/types';
import type { EventRecorder } from './event-recorder';
import { recordRevision } from './controller-revisions';
import { nodeAdmits } from './scheduling';
import { deleteGracefully, ownedBy, podFromPodTemplate, writeStatus } from './workload-base';
import { splitKey } from './work-queue';

const SOURCE = { component: 'daemonset-controller' };

/** Added to every DaemonSet pod, as the controller's AddOrUpdateDaemonPodTolerations does. */
export const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

export class DaemonSetController {
  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly clock: SimClock,
  ) {}

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const ds = this.store.get('daemonsets', ns, name)?.obj;
    if (!ds || ds.metadata.deletionTimestamp) return;
    const hash = podTemplateHash(ds.spec.template);
    const inUse = new Set(ownedBy(this.store, 'pods', ds).map((p) => `${name}-${p.metadata.labels?.['controller-revision-hash']}`));
    recordRevision(this.store, this.clock, ds, hash, inUse);
    const probe = this.podFor(ds, '', hash);
    const nodes = [...this.store.values('nodes')].map((s) => s.obj).filter((n) => nodeAdmits(n, probe).ok);
    const wanted = new Set(nodes.map((n) => n.metadata.name));
    const byNode = new Map<string, KubeObject[]>();
    for (const p of ownedBy(this.store, 'pods', ds)) {
      const node = pinnedNode(p);
      if (!node) continue;
      if (!byNode.has(node)) byNode.set(node, []);
      byNode.get(node)!.push(p);
    }
    for (const [node, pods] of byNode) {
      if (wanted.has(node)) continue;
      for (const p of pods) deleteGracefully(this.store, p);
    }
    for (const node of wanted) {
      const pods = (byNode.get(node) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      const failed = pods.filter((p) => p.status?.phase === 'Failed');
      for (const p of failed) deleteGracefully(this.store, p);
      if (pods.length - failed.length === 0 && !(byNode.get(node) ?? []).some((p) => p.metadata.deletionTimestamp)) {
        const created = this.store.create('pods', this.podFor(ds, node, hash), this.clock.nowIso());
        this.events.normal(ds, 'SuccessfulCreate', `Created pod: ${created.obj.metadata.name}`, SOURCE);
      }
    }
    if (ds.spec.updateStrategy?.type !== 'OnDelete') this.rollOut(ds, wanted, hash);
    this.updateStatus(ds, wanted, hash);
  }

  private rollOut(ds: KubeObject, wanted: Set<string>, hash: string): void {
    const pods = ownedBy(this.store, 'pods', ds).filter((p) => wanted.has(pinnedNode(p) ?? ''));
    const maxUnavailable = Math.max(1, resolveIntOrPercent(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable, wanted.size, true, 1));
    const unavailable = wanted.size - pods.filter((p) => isPodActive(p) && isPodReady(p)).length;
    let budget = maxUnavailable - unavailable;
    for (const p of pods) {
      if (budget <= 0) break;
      if (p.metadata.deletionTimestamp || p.metadata.labels?.['controller-revision-hash'] === hash) continue;
      deleteGracefully(this.store, p);
      if (isPodReady(p)) budget--;
    }
  }

  private podFor(ds: KubeObject, node: string, hash: string): KubeObject {
    const pod = podFromPodTemplate(
      ds,
      ds.spec.template,
      node ? this.store.freeName('pods', ds.metadata.namespace, `${ds.metadata.name}-`) : 'probe',
      {
        generateName: `${ds.metadata.name}-`,
        labels: { 'controller-revision-hash': hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
      },
    );
    const tolerations = [...((pod.spec.tolerations ?? []) as Record<string, unknown>[])];
    for (const t of DAEMON_TOLERATIONS) if (!tolerations.some((x) => x.key === t.key && x.effect === t.effect)) tolerations.push(t);
    pod.spec.tolerations = tolerations;
    if (node) {
      pod.spec.affinity = {
        ...(pod.spec.affinity ?? {}),
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }],
          },
        },
      };
    }
    return pod;
  }

  private updateStatus(ds: KubeObject, wanted: Set<string>, hash: string): void {
    const pods = ownedBy(this.store, 'pods', ds).filter((p) => !p.metadata.deletionTimestamp);
    const scheduled = pods.filter((p) => wanted.has(pinnedNode(p) ?? ''));
    const ready = scheduled.filter(isPodReady).length;
    writeStatus(this.store, 'daemonsets', ds, {
      observedGeneration: ds.metadata.generation ?? 1,
      desiredNumberScheduled: wanted.size,
      currentNumberScheduled: new Set(scheduled.map(pinnedNode)).size,
      numberMisscheduled: pods.length - scheduled.length,
      numberReady: ready,
      updatedNumberScheduled: scheduled.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length || undefined,
      numberAvailable: ready || undefined,
      numberUnavailable: wanted.size - ready || undefined,
    });
  }
}

/** The node a DaemonSet pod is pinned to by its required node affinity (or bound to). */
export function pinnedNode(pod: KubeObject): string | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms as
    { matchFields?: { key: string; values?: string[] }[] }[] | undefined;
  for (const t of terms ?? []) {
    const f = t.matchFields?.find((m) => m.key === 'metadata.name');
    if (f?.values?.[0]) return f.values[0];
  }
  return pod.spec?.nodeName || undefined;
}
