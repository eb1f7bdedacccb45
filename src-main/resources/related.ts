/**
 * What an object points at: its owners, the pods its selector picks, the ConfigMaps and Secrets
 * its pod template mounts or reads. Pure functions over plain objects; the service lists the pods.
 */
import type { KubeObject } from '../../src-shared/k8s/types';
import type { Related, ResourceType } from '../../src-shared/resources/contract';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v.filter((x): x is Json => !!obj(x)) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

export const coreType = (resource: string): ResourceType => ({ group: '', version: 'v1', resource });

/** Type of an owner reference: the cluster's discovery when it knows the kind, else the conventional plural. */
export function typeOfApiVersionKind(
  apiVersion: string,
  kind: string,
  known: (group: string, kind: string) => ResourceType | undefined,
): ResourceType {
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  return known(group, kind) ?? { group, version, resource: `${kind.toLowerCase()}s` };
}

export function ownersOf(o: KubeObject, known: (group: string, kind: string) => ResourceType | undefined): Related[] {
  return (o.metadata.ownerReferences ?? []).map((r) => ({
    relation: 'owner',
    type: typeOfApiVersionKind(r.apiVersion, r.kind, known),
    kind: r.kind,
    namespace: o.metadata.namespace ?? '',
    name: r.name,
    ...(r.controller ? { note: 'controller' } : {}),
  }));
}

/** The pod spec inside a Pod, a pod template (Deployment, StatefulSet, DaemonSet, Job, ReplicaSet) or a CronJob. */
export function podSpecOf(o: KubeObject): Json | undefined {
  const spec = obj((o as unknown as Json).spec);
  if (!spec) return undefined;
  if (o.kind === 'Pod') return spec;
  const template = obj(spec.template) ?? obj(obj(obj(spec.jobTemplate)?.spec)?.template);
  return obj(template?.spec);
}

/** ConfigMaps and Secrets the pod spec mounts or reads env from (names, deduplicated). */
export function mountsOf(o: KubeObject): Related[] {
  const spec = podSpecOf(o);
  if (!spec) return [];
  const ns = o.metadata.namespace ?? '';
  const seen = new Map<string, Related>();
  const add = (resource: 'configmaps' | 'secrets', name: string | undefined, note: string) => {
    if (!name) return;
    const key = `${resource}/${name}`;
    if (!seen.has(key))
      seen.set(key, {
        relation: 'mounts',
        type: coreType(resource),
        kind: resource === 'configmaps' ? 'ConfigMap' : 'Secret',
        namespace: ns,
        name,
        note,
      });
  };
  for (const v of arr(spec.volumes)) {
    add('configmaps', str(obj(v.configMap)?.name), `volume ${str(v.name) ?? ''}`.trim());
    add('secrets', str(obj(v.secret)?.secretName), `volume ${str(v.name) ?? ''}`.trim());
    for (const s of arr(obj(v.projected)?.sources)) {
      add('configmaps', str(obj(s.configMap)?.name), 'projected volume');
      add('secrets', str(obj(s.secret)?.name), 'projected volume');
    }
  }
  for (const c of [...arr(spec.initContainers), ...arr(spec.containers)]) {
    for (const e of arr(c.envFrom)) {
      add('configmaps', str(obj(e.configMapRef)?.name), 'envFrom');
      add('secrets', str(obj(e.secretRef)?.name), 'envFrom');
    }
    for (const e of arr(c.env)) {
      const from = obj(e.valueFrom);
      add('configmaps', str(obj(from?.configMapKeyRef)?.name), `env ${str(e.name) ?? ''}`.trim());
      add('secrets', str(obj(from?.secretKeyRef)?.name), `env ${str(e.name) ?? ''}`.trim());
    }
  }
  for (const s of arr(spec.imagePullSecrets)) add('secrets', str(s.name), 'imagePullSecret');
  return [...seen.values()];
}

/**
 * The label selector that picks this object's pods, as a query string value: a Service's
 * `spec.selector` map, or a workload's `spec.selector.matchLabels` (+ simple matchExpressions).
 * Undefined when the object selects no pods (or selects everything, which we do not list).
 */
export function podSelectorOf(o: KubeObject): string | undefined {
  const spec = obj((o as unknown as Json).spec);
  const sel = obj(spec?.selector);
  if (!sel) return undefined;
  const parts: string[] = [];
  const labels = o.kind === 'Service' ? sel : obj(sel.matchLabels);
  for (const [k, v] of Object.entries(labels ?? {})) if (typeof v === 'string') parts.push(`${k}=${v}`);
  if (o.kind !== 'Service') {
    for (const e of arr(sel.matchExpressions)) {
      const key = str(e.key);
      const values = Array.isArray(e.values) ? e.values.filter((x): x is string => typeof x === 'string') : [];
      if (!key) continue;
      if (e.operator === 'In') parts.push(`${key} in (${values.join(',')})`);
      else if (e.operator === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
      else if (e.operator === 'Exists') parts.push(key);
      else if (e.operator === 'DoesNotExist') parts.push(`!${key}`);
    }
  }
  return parts.length ? parts.join(',') : undefined;
}

const SECRET_PLACEHOLDER = '(hidden: reveal a key in the Secret keys list)';

/** A Secret with every value replaced, keys kept; other objects unchanged. */
export function redactSecret(o: KubeObject): { object: KubeObject; keys?: string[] } {
  if (o.kind !== 'Secret') return { object: o };
  const s = o as unknown as Json;
  const data = obj(s.data) ?? {};
  const stringData = obj(s.stringData) ?? {};
  const keys = [...new Set([...Object.keys(data), ...Object.keys(stringData)])].sort();
  const hide = (m: Json) => Object.fromEntries(Object.keys(m).map((k) => [k, SECRET_PLACEHOLDER]));
  const copy: Json = { ...s, ...(s.data ? { data: hide(data) } : {}), ...(s.stringData ? { stringData: hide(stringData) } : {}) };
  // kubectl.kubernetes.io/last-applied-configuration holds the values again, in clear JSON.
  const meta = { ...o.metadata };
  if (meta.annotations?.['kubectl.kubernetes.io/last-applied-configuration']) {
    meta.annotations = { ...meta.annotations, 'kubectl.kubernetes.io/last-applied-configuration': SECRET_PLACEHOLDER };
  }
  copy.metadata = meta;
  return { object: copy as unknown as KubeObject, keys };
}
