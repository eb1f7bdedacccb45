/**
 * StatefulSet controller: pods `<name>-0 … <name>-(n-1)` with stable identities.
 * OrderedReady creates ordinals one at a time, each only after the lower ones are Running and
 * Ready, and scales down from the highest ordinal; Parallel does both at once. RollingUpdate
 * replaces pods from the highest ordinal down to `partition`, one at a time, each after the
 * previous replacement is Ready; OnDelete replaces nothing. Revisions are ControllerRevisions
 * `<name>-<hash>` of the template (controller-revisions.ts); status reports currentRevision /
 * updateRevision and the counts kubectl rollout reads.
 */
import type { SimClock } from '../clock';
import { isPodActive, isPodReady } from '../kube/pods';
import type { ObjectStore } from '../kube/store';
import { podTemplateHash } from '../kube/template-hash';
import type { KubeObject } from '../kube/types';
import { recordRevision } from './controller-revisions';
import type { EventRecorder } from './event-recorder';
import { deleteGracefully, ownedBy, podFromPodTemplate, writeStatus } from './workload-base';
import { splitKey } from './work-queue';

const SOURCE = { component: 'statefulset-controller' };
const REVISION_LABEL = 'controller-revision-hash';

export class StatefulSetController {
  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly clock: SimClock,
  ) {}

  reconcile(key: string): void {
    const [ns, name] = splitKey(key);
    const sts = this.store.get('statefulsets', ns, name)?.obj;
    if (!sts || sts.metadata.deletionTimestamp) return;
    const currentRevision: string = sts.status?.currentRevision ?? `${name}-${podTemplateHash(sts.spec.template)}`;
    const updateRevision = recordRevision(this.store, this.clock, sts, podTemplateHash(sts.spec.template), new Set([currentRevision]));
    const replicas: number = sts.spec.replicas ?? 1;
    const parallel = sts.spec.podManagementPolicy === 'Parallel';
    const pods = new Map<number, KubeObject>();
    for (const p of ownedBy(this.store, 'pods', sts)) {
      const ordinal = ordinalOf(name, p.metadata.name);
      if (ordinal !== undefined) pods.set(ordinal, p);
    }
    const healthy = (p: KubeObject | undefined) => Boolean(p && isPodActive(p) && p.status?.phase === 'Running' && isPodReady(p));
    const partition: number =
      sts.spec.updateStrategy?.type === 'RollingUpdate' ? (sts.spec.updateStrategy.rollingUpdate?.partition ?? 0) : replicas;
    const revisionFor = (ordinal: number) => (ordinal >= partition ? updateRevision : currentRevision);

    let blocked = false;
    for (let i = 0; i < replicas && !blocked; i++) {
      const pod = pods.get(i);
      if (!pod) {
        this.createPod(sts, i, revisionFor(i));
        if (!parallel) blocked = true;
      } else if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
        deleteGracefully(this.store, pod);
        if (!parallel) blocked = true;
      } else if (!healthy(pod) && !parallel) blocked = true;
    }
    // Scale down: highest ordinal first, one at a time (OrderedReady) while the rest are healthy.
    const extra = [...pods.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
    for (const i of extra) {
      if (!parallel && (blocked || [...pods.entries()].some(([o, p]) => o < i && !healthy(p)))) break;
      const pod = pods.get(i)!;
      if (pod.metadata.deletionTimestamp) {
        if (!parallel) break;
        continue;
      }
      deleteGracefully(this.store, pod);
      this.events.normal(sts, 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${name} successful`, SOURCE);
      if (!parallel) break;
    }
    // Rolling update: highest ordinal first, down to the partition, once everything is healthy.
    const allHealthy = !blocked && Array.from({ length: replicas }, (_, i) => pods.get(i)).every(healthy) && extra.length === 0;
    if (allHealthy && sts.spec.updateStrategy?.type !== 'OnDelete') {
      for (let i = replicas - 1; i >= partition; i--) {
        const pod = pods.get(i)!;
        if (pod.metadata.labels?.[REVISION_LABEL] !== updateRevision) {
          deleteGracefully(this.store, pod);
          this.events.normal(sts, 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${name} successful`, SOURCE);
          break;
        }
      }
    }
    this.updateStatus(sts, currentRevision, updateRevision);
  }

  private createPod(sts: KubeObject, ordinal: number, revision: string): void {
    const name = `${sts.metadata.name}-${ordinal}`;
    if (this.store.get('pods', sts.metadata.namespace, name)) return; // the old one is still terminating
    // Pods below the partition are recreated at their own (older) revision's template.
    const data = this.store.get('controllerrevisions', sts.metadata.namespace, revision)?.obj.data as
      { spec?: { template?: Record<string, unknown> } } | undefined;
    const recorded = data?.spec?.template;
    const { $patch: _replace, ...fromRevision } = recorded ?? {};
    const template = (recorded ? fromRevision : sts.spec.template) as { metadata?: Record<string, unknown>; spec: Record<string, unknown> };
    const pod = podFromPodTemplate(sts, template, name, {
      generateName: undefined,
      labels: { [REVISION_LABEL]: revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal) },
    });
    pod.spec.hostname = name;
    if (sts.spec.serviceName) pod.spec.subdomain = sts.spec.serviceName;
    this.store.create('pods', pod, this.clock.nowIso());
    this.events.normal(sts, 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`, SOURCE);
  }

  private updateStatus(sts: KubeObject, currentRevision: string, updateRevision: string): void {
    const pods = ownedBy(this.store, 'pods', sts).filter(
      (p) => ordinalOf(sts.metadata.name, p.metadata.name) !== undefined && !p.metadata.deletionTimestamp,
    );
    const ready = pods.filter(isPodReady).length;
    const updated = pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
    const replicas: number = sts.spec.replicas ?? 1;
    // The rollout is done when every replica runs the update revision and is ready.
    const done = updated === replicas && ready === replicas && pods.length === replicas;
    const current = done ? updateRevision : currentRevision;
    writeStatus(this.store, 'statefulsets', sts, {
      observedGeneration: sts.metadata.generation ?? 1,
      replicas: pods.length,
      readyReplicas: ready || undefined,
      currentReplicas: pods.filter((p) => p.metadata.labels?.[REVISION_LABEL] === current).length || undefined,
      updatedReplicas: updated || undefined,
      availableReplicas: ready,
      currentRevision: current,
      updateRevision,
      collisionCount: 0,
    });
  }
}

function ordinalOf(stsName: string, podName: string): number | undefined {
  if (!podName.startsWith(`${stsName}-`)) return undefined;
  const rest = podName.slice(stsName.length + 1);
  return /^\d+$/.test(rest) ? Number(rest) : undefined;
}
