/**
 * pods/{name}/ephemeralcontainers (what `kubectl debug` patches): GET returns the pod; PATCH and
 * PUT may add ephemeral containers and change nothing else, as the apiserver's strategy allows.
 * Existing ephemeral containers can be neither changed nor removed.
 */
import { applyPatch } from './writes';
import { ApiError } from './status';
import type { ObjectStore, StoredObject } from '../kube/store';
import { notFound } from '../kube/store';
import type { KubeObject } from '../kube/types';

type Ephemeral = { name: string; image?: string; [k: string]: unknown };

export function updateEphemeralContainers(store: ObjectStore, ns: string, name: string, body: unknown, contentType?: string): StoredObject {
  const current = store.get('pods', ns, name);
  if (!current) throw notFound('pods', name);
  const next = (contentType ? applyPatch(JSON.parse(current.json), contentType, body) : body) as KubeObject;
  const before = (current.obj.spec.ephemeralContainers ?? []) as Ephemeral[];
  const after = (next?.spec?.ephemeralContainers ?? []) as Ephemeral[];
  const invalid = (field: string, message: string) =>
    new ApiError(422, 'Invalid', `Pod "${name}" is invalid: ${field}: ${message}`, {
      name,
      kind: 'Pod',
      causes: [{ reason: 'FieldValueInvalid', message, field }],
    });
  for (const old of before) {
    const kept = after.find((c) => c.name === old.name);
    if (!kept) throw invalid('spec.ephemeralContainers', `Forbidden: existing ephemeral containers "${old.name}" may not be removed`);
    if (JSON.stringify(kept) !== JSON.stringify(old))
      throw invalid('spec.ephemeralContainers', `Forbidden: existing ephemeral containers "${old.name}" may not be changed`);
  }
  const taken = new Set([...current.obj.spec.containers, ...(current.obj.spec.initContainers ?? [])].map((c: { name: string }) => c.name));
  const pod = JSON.parse(current.json) as KubeObject;
  pod.spec.ephemeralContainers = after.map((c, i) => {
    if (!c.name) throw invalid(`spec.ephemeralContainers[${i}].name`, 'Required value');
    if (taken.has(c.name)) throw invalid(`spec.ephemeralContainers[${i}].name`, `Duplicate value: "${c.name}"`);
    if (!c.image) throw invalid(`spec.ephemeralContainers[${i}].image`, 'Required value');
    return {
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: String(c.image).endsWith(':latest') || !String(c.image).includes(':') ? 'Always' : 'IfNotPresent',
      resources: {},
      ...c,
    };
  });
  const rv = next?.metadata?.resourceVersion;
  if (!contentType && rv) pod.metadata.resourceVersion = rv;
  return store.update('pods', pod, { checkVersion: !contentType });
}
