/**
 * Writes: create (POST), replace (PUT), patch (PATCH, three patch types), delete (graceful for
 * pods), and the autoscaling/v1 Scale subresource of deployments and replicasets.
 */
import type { ResourceInfo } from '../kube/resources';
import { GENERATION_RESOURCES } from '../kube/resources';
import { createWithDefaults } from '../kube/kind-defaults';
import { defaultDeployment, defaultPod, defaultReplicaSet, validateDeployment } from '../kube/defaults';
import { PatchError, jsonMergePatch, jsonPatch, strategicMergePatch } from '../kube/patch';
import { recordManager } from '../kube/managed-fields';
import { labelSelectorString } from '../kube/selectors';
import type { ObjectStore, StoredObject } from '../kube/store';
import { notFound } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { ApiError } from './status';

export class WriteHandlers {
  constructor(private readonly store: ObjectStore, private readonly nowIso: () => string) {}

  create(info: ResourceInfo, namespace: string | undefined, body: unknown): StoredObject {
    const obj = asObject(body, info);
    obj.metadata ??= { name: '' };
    if (namespace) obj.metadata.namespace = namespace;
    if (info.name === 'deployments') {
      defaultDeployment(obj);
      this.validate(info, obj);
    }
    if (info.name === 'replicasets') defaultReplicaSet(obj);
    if (info.name === 'pods') defaultPod(obj);
    if (info.name === 'namespaces') obj.status = { phase: 'Active' };
    delete obj.metadata.resourceVersion;
    return createWithDefaults(this.store, info.name, obj, this.nowIso());
  }

  replace(info: ResourceInfo, namespace: string | undefined, name: string, body: unknown, manager?: string): StoredObject {
    const obj = asObject(body, info);
    if (obj.metadata?.name !== undefined && obj.metadata.name !== name) {
      throw new ApiError(400, 'BadRequest', `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    return this.commitUserVersion(info, namespace, name, obj, true, manager);
  }

  patch(info: ResourceInfo, namespace: string | undefined, name: string, contentType: string, body: unknown, manager?: string): StoredObject {
    const current = this.current(info, namespace, name);
    const patched = applyPatch(JSON.parse(current.json), contentType, body) as KubeObject;
    return this.commitUserVersion(info, namespace, name, patched, true, manager);
  }

  delete(info: ResourceInfo, namespace: string | undefined, name: string, gracePeriodSeconds: number | undefined): StoredObject {
    const current = this.current(info, namespace, name);
    if (info.name !== 'pods' || gracePeriodSeconds === 0) return this.store.delete(info.name, namespace, name);
    if (current.obj.metadata.deletionTimestamp) return current;
    // Graceful: mark it; the kubelet simulation stops the containers and removes the pod.
    const pod = JSON.parse(current.json) as KubeObject;
    const grace = gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    pod.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    pod.metadata.deletionGracePeriodSeconds = grace;
    return this.store.update('pods', pod);
  }

  getScale(info: ResourceInfo, namespace: string | undefined, name: string): Record<string, unknown> {
    return scaleOf(this.current(info, namespace, name).obj);
  }

  updateScale(info: ResourceInfo, namespace: string | undefined, name: string, body: unknown, contentType?: string, manager?: string): Record<string, unknown> {
    const current = this.current(info, namespace, name);
    const scale = contentType ? (applyPatch(scaleOf(current.obj), contentType, body) as Record<string, unknown>) : (body as Record<string, unknown>);
    const spec = scale?.spec as { replicas?: unknown } | undefined;
    const replicas = spec?.replicas ?? 0;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
    }
    const rv = (scale.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    const obj = JSON.parse(current.json) as KubeObject;
    if (!contentType && rv) obj.metadata.resourceVersion = rv;
    if (obj.spec.replicas !== replicas) {
      obj.spec.replicas = replicas;
      obj.metadata.generation = (obj.metadata.generation ?? 1) + 1;
    }
    recordManager(obj, manager, 'autoscaling/v1', this.nowIso(), 'scale');
    return scaleOf(this.store.update(info.name, obj, { checkVersion: !contentType }).obj);
  }

  private current(info: ResourceInfo, namespace: string | undefined, name: string): StoredObject {
    const s = this.store.get(info.name, namespace, name);
    if (!s) throw notFound(info.name, name);
    return s;
  }

  /** A user write: status is not writable through the main resource; spec changes bump generation. */
  private commitUserVersion(info: ResourceInfo, namespace: string | undefined, name: string, obj: KubeObject, checkVersion: boolean, manager?: string): StoredObject {
    const current = this.current(info, namespace, name);
    obj.metadata ??= { name };
    obj.metadata.name = name;
    if (info.namespaced) obj.metadata.namespace = namespace;
    if ('status' in current.obj) obj.status = current.obj.status;
    if (info.name === 'deployments') {
      defaultDeployment(obj);
      this.validate(info, obj);
      if (JSON.stringify(obj.spec.selector) !== JSON.stringify(current.obj.spec.selector)) {
        throw new ApiError(422, 'Invalid', `Deployment.apps "${name}" is invalid: spec.selector: Invalid value: ${JSON.stringify(obj.spec.selector)}: field is immutable`);
      }
    }
    if (GENERATION_RESOURCES.has(info.name)) {
      const specChanged = JSON.stringify(obj.spec) !== JSON.stringify(current.obj.spec);
      obj.metadata.generation = (current.obj.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    if (manager) (obj.metadata as unknown as { managedFields?: unknown }).managedFields = (current.obj.metadata as unknown as { managedFields?: unknown }).managedFields;
    recordManager(obj, manager, obj.apiVersion ?? 'v1', this.nowIso());
    return this.store.update(info.name, obj, { checkVersion });
  }

  private validate(info: ResourceInfo, obj: KubeObject): void {
    const errs = validateDeployment(obj);
    if (errs.length) {
      throw new ApiError(422, 'Invalid', `${info.kind}.${info.group || 'core'} "${obj.metadata.name}" is invalid: ${errs.join(', ')}`, {
        name: obj.metadata.name, group: info.group, kind: info.kind,
      });
    }
  }
}

function asObject(body: unknown, info: ResourceInfo): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'BadRequest', `the body of the request was not a ${info.kind} object`);
  }
  return body as KubeObject;
}

export function applyPatch(doc: unknown, contentType: string, body: unknown): unknown {
  const type = contentType.split(';')[0]!.trim();
  try {
    if (type === 'application/merge-patch+json') return jsonMergePatch(doc, body);
    if (type === 'application/strategic-merge-patch+json') return strategicMergePatch(doc, body);
    if (type === 'application/json-patch+json') return jsonPatch(doc, body);
  } catch (e) {
    if (e instanceof PatchError) throw new ApiError(422, 'Invalid', e.message);
    throw e;
  }
  if (type === 'application/apply-patch+yaml') throw new ApiError(415, 'UnsupportedMediaType', 'server-side apply is not supported by the sandbox');
  throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
}

function scaleOf(obj: KubeObject): Record<string, unknown> {
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: labelSelectorString(obj.spec?.selector) },
  };
}
