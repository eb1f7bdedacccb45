/**
 * Minimal plain types for the Kubernetes objects Capstan reads (core/v1 and apps/v1).
 * Only the fields we use are typed; everything else is preserved at runtime (objects stay whole in
 * main for the YAML view). No import from @kubernetes/client-node: src-shared is runtime-neutral.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

export interface Status {
  apiVersion?: string;
  kind: 'Status';
  status?: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  /** The object; a Status for ERROR events; only metadata.resourceVersion for BOOKMARK. */
  object: T | Status;
}

// ---- core/v1 Pod ---------------------------------------------------------------------------

export interface ContainerStateWaiting {
  reason?: string;
  message?: string;
}
export interface ContainerStateRunning {
  startedAt?: string;
}
export interface ContainerStateTerminated {
  exitCode: number;
  signal?: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}
export interface ContainerState {
  waiting?: ContainerStateWaiting;
  running?: ContainerStateRunning;
  terminated?: ContainerStateTerminated;
}
export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID?: string;
  started?: boolean;
  state?: ContainerState;
  lastState?: ContainerState;
}
export interface Container {
  name: string;
  image?: string;
  /** Native sidecar when an init container has restartPolicy Always. */
  restartPolicy?: string;
}
export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  nodeName?: string;
  restartPolicy?: string;
}
export interface PodStatus {
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  reason?: string;
  message?: string;
  conditions?: PodCondition[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  podIP?: string;
  hostIP?: string;
  startTime?: string;
}
export interface Pod extends KubeObject {
  spec?: PodSpec;
  status?: PodStatus;
}

// ---- apps/v1 Deployment / ReplicaSet -------------------------------------------------------

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}
export interface DeploymentCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}
export interface DeploymentSpec {
  replicas?: number;
  paused?: boolean;
  selector?: { matchLabels?: Record<string, string> };
  template?: PodTemplateSpec;
  progressDeadlineSeconds?: number;
  minReadySeconds?: number;
}
export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: DeploymentCondition[];
}
export interface Deployment extends KubeObject {
  spec?: DeploymentSpec;
  status?: DeploymentStatus;
}
export interface ReplicaSet extends KubeObject {
  spec?: { replicas?: number; template?: PodTemplateSpec };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
}

// ---- core/v1 Node, Namespace, Event --------------------------------------------------------

export interface Node extends KubeObject {
  spec?: { unschedulable?: boolean };
  status?: { conditions?: { type: string; status: string }[]; nodeInfo?: { kubeletVersion?: string } };
}
export interface Namespace extends KubeObject {
  status?: { phase?: string };
}
export interface KubeEvent extends KubeObject {
  involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
}

/** True when `value` looks like a metav1.Status object. */
export const isStatus = (value: unknown): value is Status =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';

/** Epoch ms of an RFC 3339 timestamp, or undefined. */
export const timeOf = (ts: string | undefined): number | undefined => {
  if (!ts) return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
};
