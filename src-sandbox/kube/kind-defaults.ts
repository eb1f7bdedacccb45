/**
 * Create-time defaulting for the kinds beyond Deployments and pods, as the apiserver's defaulters
 * and registry strategies do: Service cluster IPs from the service CIDR, Secret stringData folded
 * into data, workload strategies, Job selectors and labels from the Job's uid.
 */
import { defaultPodSpec } from './defaults';
import type { ResourceName } from './resources';
import type { ObjectStore, StoredObject } from './store';
import type { KubeObject } from './types';

type Obj = Record<string, unknown>;

/** The first address of 10.96.0.0/12 is the `kubernetes` Service's, as on kubeadm clusters. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

/** Defaults applied before the object is stored (the store then assigns uid and resourceVersion). */
export function defaultKind(resource: ResourceName, obj: KubeObject, store: ObjectStore): void {
  switch (resource) {
    case 'services':
      return defaultService(obj, store);
    case 'secrets':
      return defaultSecret(obj);
    case 'statefulsets':
      return defaultStatefulSet(obj);
    case 'daemonsets':
      return defaultDaemonSet(obj);
    case 'jobs':
      return defaultJobSpec((obj.spec ??= {}));
    case 'cronjobs':
      return defaultCronJob(obj);
    case 'poddisruptionbudgets':
      obj.status ??= { currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 };
      return;
    case 'serviceaccounts':
    case 'configmaps':
    case 'leases':
    case 'endpointslices':
      return;
  }
}

/**
 * The Job's uid is only known once stored, so its selector and the template's labels are filled
 * in right after (the apiserver's Job strategy does it in one step).
 */
export function jobSelectorFromUid(job: KubeObject): boolean {
  const spec = job.spec ?? {};
  if (spec.manualSelector || spec.selector) return false;
  const uid = job.metadata.uid!;
  const ids = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': job.metadata.name,
    'controller-uid': uid,
    'job-name': job.metadata.name,
  };
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  spec.template ??= {};
  spec.template.metadata ??= {};
  spec.template.metadata.labels = { ...(spec.template.metadata.labels ?? {}), ...ids };
  return true;
}

function defaultService(svc: KubeObject, store: ObjectStore): void {
  const spec = (svc.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
    spec.clusterIP ??= nextClusterIp(store);
    spec.clusterIPs ??= [spec.clusterIP];
  } else if (spec.clusterIP === 'None') spec.clusterIPs ??= ['None'];
  if (spec.type !== 'ExternalName') {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  let nodePort = 30000 + ((store.count('services') * 37) % 2000);
  for (const p of (spec.ports as Obj[] | undefined) ?? []) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
    if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && p.nodePort === undefined) p.nodePort = nodePort++;
  }
  svc.status ??= { loadBalancer: {} };
}

/** The next free address after 10.96.0.1, counting through the services already stored. */
function nextClusterIp(store: ObjectStore): string {
  const used = new Set<string>();
  for (const s of store.values('services')) used.add(s.obj.spec?.clusterIP);
  for (let n = 2; ; n++) {
    const ip = `10.96.${(n >> 8) & 255}.${n & 255}`;
    if (!used.has(ip) && (n & 255) !== 0) return ip;
  }
}

function defaultSecret(secret: KubeObject): void {
  secret.type ??= 'Opaque';
  const stringData = secret.stringData as Record<string, string> | undefined;
  if (stringData) {
    const data = (secret.data as Record<string, string> | undefined) ?? {};
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(v, 'utf8').toString('base64');
    secret.data = data;
    delete secret.stringData;
  }
}

function defaultTemplate(spec: Obj): void {
  const template = (spec.template ??= {}) as Obj;
  template.metadata ??= {};
  template.spec ??= { containers: [] };
  defaultPodSpec(template.spec as Obj);
}

function defaultStatefulSet(sts: KubeObject): void {
  const spec = (sts.spec ??= {});
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  spec.updateStrategy ??= { type: 'RollingUpdate' };
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
  defaultTemplate(spec);
  sts.status ??= { replicas: 0, availableReplicas: 0 };
}

function defaultDaemonSet(ds: KubeObject): void {
  const spec = (ds.spec ??= {});
  spec.updateStrategy ??= { type: 'RollingUpdate' };
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec);
  ds.status ??= { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
}

export function defaultJobSpec(spec: Obj): void {
  spec.parallelism ??= 1;
  if (spec.completions === undefined && spec.parallelism !== undefined && spec.completionMode !== 'Indexed') spec.completions = 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec.podReplacementPolicy ??= 'TerminatingOrFailed';
  defaultTemplate(spec);
}

function defaultCronJob(cj: KubeObject): void {
  const spec = (cj.spec ??= {});
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  spec.jobTemplate ??= { spec: {} };
  spec.jobTemplate.spec ??= {};
  const jobSpec = spec.jobTemplate.spec as Obj;
  defaultTemplate(jobSpec);
  cj.status ??= {};
}

/** Defaults, stores, and completes what needs the stored uid (a Job's selector): one create as the apiserver does it. */
export function createWithDefaults(
  store: ObjectStore,
  resource: ResourceName,
  obj: KubeObject,
  nowIso: string,
  opts: { dryRun?: boolean } = {},
): StoredObject {
  defaultKind(resource, obj, store);
  const created = store.create(resource, obj, nowIso, opts);
  if (resource !== 'jobs' || opts.dryRun) return created;
  const job = JSON.parse(created.json) as KubeObject;
  return jobSelectorFromUid(job) ? store.update('jobs', job) : created;
}
