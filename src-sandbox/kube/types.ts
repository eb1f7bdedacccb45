import type { ObjectMeta as SharedObjectMeta, OwnerReference as SharedOwnerReference } from '../../src-shared/k8s/types';

/**
 * The subset of Kubernetes object shapes the sandbox touches. Objects stay plain JSON data; these
 * types only document the fields our controllers read and write.
 */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface OwnerReference extends SharedOwnerReference {
  blockOwnerDeletion?: boolean;
}

/** The app's ObjectMeta with what the sandbox's API server sets on every object (a name). */
export interface ObjectMeta extends Omit<SharedObjectMeta, 'name' | 'ownerReferences'> {
  name: string;
  deletionGracePeriodSeconds?: number;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  generateName?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // Shapes vary by kind; controllers narrow through the typed aliases below.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [k: string]: unknown;
}

export interface Container {
  name: string;
  image: string;
  [k: string]: unknown;
}

export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec: { containers: Container[]; [k: string]: unknown };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  retryAfterSeconds?: number;
  causes?: { reason?: string; message?: string; field?: string }[];
}
