/**
 * Writes: create (POST), replace (PUT), patch (PATCH, three patch types), delete (graceful for
 * pods), deletecollection, and the autoscaling/v1 Scale subresource of deployments and
 * replicasets. Every write honours dryRun=All: it runs every stage (defaulting, validation,
 * conflict checks) and answers what would be stored, without storing it.
 */
import type { ResourceInfo } from '../kube/resources';
import { GENERATION_RESOURCES, apiVersionOf } from '../kube/resources';
import { createWithDefaults } from '../kube/kind-defaults';
import { recordManager } from '../kube/managed-fields';
import { defaultDeployment, defaultPod, defaultReplicaSet } from '../kube/defaults';
import type { FieldError } from '../kube/validation';
import { invalidStatus, validateObject } from '../kube/validation';
import { DecodeError, schemaDecoder } from '../openapi/schema-decoder';
import { PatchError, jsonMergePatch, jsonPatch, strategicMergePatch } from '../kube/patch';
import { labelSelectorString } from '../../src-shared/base/label-selector';
import type { ObjectStore, StoredObject } from '../kube/store';
import { StoreError, notFound } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { DeletionLifecycle, FOREGROUND } from './deletion-lifecycle';
import { buildFilter } from './query';
import { ApiError, successStatus } from './status';
import type { WriteOptions } from './write-options';

/** What a write answers: HTTP code, JSON body, and Warning header texts. */
export interface WriteResult {
  code: number;
  json: string;
  warnings: string[];
}

const SCALE = { group: 'autoscaling', version: 'v1', kind: 'Scale' };

/** Kinds whose registry answers DELETE with the object itself; the others answer a Status. */
const RETURNS_DELETED_OBJECT = new Set(['pods', 'services']);

export class WriteHandlers {
  private readonly deletions: DeletionLifecycle;

  constructor(
    private readonly store: ObjectStore,
    private readonly nowIso: () => string,
  ) {
    this.deletions = new DeletionLifecycle(store);
  }

  create(info: ResourceInfo, namespace: string | undefined, body: unknown, opts: WriteOptions): WriteResult {
    const warnings: string[] = [];
    const obj = decode(info, body, opts, warnings);
    obj.metadata ??= { name: '' };
    if (namespace && obj.metadata.namespace && obj.metadata.namespace !== namespace) {
      throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    if (namespace) obj.metadata.namespace = namespace;
    if (info.namespaced) this.checkNamespaceOpen(info, namespace ?? obj.metadata.namespace ?? 'default', obj.metadata.name);
    if (!obj.metadata.name && obj.metadata.generateName)
      obj.metadata.name = this.store.freeName(info.name, namespace, obj.metadata.generateName);
    if (info.name === 'deployments') defaultDeployment(obj);
    if (info.name === 'replicasets') defaultReplicaSet(obj);
    if (info.name === 'pods') defaultPod(obj);
    if (info.name === 'namespaces') {
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
      obj.spec = { finalizers: ['kubernetes'], ...obj.spec };
      obj.status = { phase: 'Active' };
    }
    validate(info, obj);
    delete obj.metadata.resourceVersion;
    return result(201, createWithDefaults(this.store, info.name, obj, this.nowIso(), { dryRun: opts.dryRun }), undefined, warnings);
  }

  replace(info: ResourceInfo, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions): WriteResult {
    const warnings: string[] = [];
    const obj = decode(info, body, opts, warnings);
    if (obj.metadata?.name !== undefined && obj.metadata.name !== name) {
      throw new ApiError(400, 'BadRequest', `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    return result(200, this.commitUserVersion(info, namespace, name, obj, true, opts), undefined, warnings);
  }

  patch(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    contentType: string,
    body: unknown,
    opts: WriteOptions,
  ): WriteResult {
    const current = this.current(info, namespace, name);
    const warnings: string[] = [];
    const patched = decode(info, applyPatch(JSON.parse(current.json), contentType, body), opts, warnings);
    return result(200, this.commitUserVersion(info, namespace, name, patched, true, opts), undefined, warnings);
  }

  delete(info: ResourceInfo, namespace: string | undefined, name: string, opts: WriteOptions): WriteResult {
    const { stored, gone } = this.deleteOne(info, namespace, name, opts);
    return result(200, stored, gone && !RETURNS_DELETED_OBJECT.has(info.name) ? info : undefined);
  }

  /** `gone`: removed now (not only marked for graceful, finalized or foreground deletion). */
  private deleteOne(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    opts: WriteOptions,
  ): { stored: StoredObject; gone: boolean } {
    const current = this.current(info, namespace, name);
    checkPreconditions(info, current.obj, opts);
    const dryRun = opts.dryRun;
    if (current.obj.metadata.deletionTimestamp) return { stored: current, gone: false }; // already on its way
    if (info.name === 'namespaces') return { stored: this.deletions.terminateNamespace(current, dryRun), gone: false };
    const policy = opts.propagationPolicy ?? 'Background';
    if (policy === 'Foreground' && info.name !== 'pods')
      return { stored: this.deletions.markDeleting(info, current, [FOREGROUND], dryRun), gone: false };
    if (policy === 'Orphan' && !dryRun) this.deletions.orphanDependents(current.obj);
    if (current.obj.metadata.finalizers?.length) return { stored: this.deletions.markDeleting(info, current, [], dryRun), gone: false };
    const grace = opts.gracePeriodSeconds;
    if (info.name === 'pods' && grace !== 0) {
      // Graceful: mark it; the kubelet simulation stops the containers and removes the pod.
      const pod = JSON.parse(current.json) as KubeObject;
      const seconds = grace ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
      pod.metadata.deletionTimestamp = new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      pod.metadata.deletionGracePeriodSeconds = seconds;
      return { stored: this.store.update('pods', pod, { dryRun }), gone: false };
    }
    return { stored: this.store.delete(info.name, namespace, name, { dryRun }), gone: true };
  }

  /** Creating in a namespace that does not exist is a 404; in one being deleted, a 403. */
  private checkNamespaceOpen(info: ResourceInfo, namespace: string, name: string): void {
    const ns = this.store.get('namespaces', undefined, namespace);
    if (!ns) throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    if (ns.obj.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${info.name}${info.group ? '.' + info.group : ''} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name,
          group: info.group,
          kind: info.name,
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
        },
      );
    }
  }

  /** DELETE on a collection: every object the selectors match, answered as the list of them. */
  deleteCollection(info: ResourceInfo, namespace: string | undefined, params: URLSearchParams, opts: WriteOptions): WriteResult {
    const filter = buildFilter(info.name, params);
    const matched = [...this.store.list(info.name, namespace)].map(([, s]) => s).filter((s) => filter(s.obj));
    const items: string[] = [];
    for (const s of matched) {
      try {
        items.push(this.deleteOne(info, s.obj.metadata.namespace, s.obj.metadata.name, { ...opts, preconditions: undefined }).stored.json);
      } catch (e) {
        if (!(e instanceof StoreError && e.code === 404)) throw e; // gone meanwhile: nothing to do
      }
    }
    const json = `{"kind":"${info.listKind}","apiVersion":"${apiVersionOf(info)}","metadata":{"resourceVersion":"${this.store.resourceVersion}"},"items":[${items.join(',')}]}`;
    return { code: 200, json, warnings: [] };
  }

  getScale(info: ResourceInfo, namespace: string | undefined, name: string): Record<string, unknown> {
    return scaleOf(this.current(info, namespace, name).obj);
  }

  updateScale(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
    contentType?: string,
  ): WriteResult {
    const current = this.current(info, namespace, name);
    const warnings: string[] = [];
    const raw = contentType ? applyPatch(scaleOf(current.obj), contentType, body) : body;
    const scale = decode(info, raw, opts, warnings, SCALE) as unknown as Record<string, unknown>;
    const spec = scale?.spec as { replicas?: unknown } | undefined;
    const replicas = spec?.replicas ?? 0;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(
        422,
        'Invalid',
        `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      );
    }
    const rv = (scale.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    const obj = JSON.parse(current.json) as KubeObject;
    if (!contentType && rv) obj.metadata.resourceVersion = rv;
    if (obj.spec.replicas !== replicas) {
      obj.spec.replicas = replicas;
      obj.metadata.generation = (obj.metadata.generation ?? 1) + 1;
    }
    recordManager(obj, opts.fieldManager, 'autoscaling/v1', this.nowIso(), 'scale');
    const stored = this.store.update(info.name, obj, { checkVersion: !contentType, dryRun: opts.dryRun });
    return { code: 200, json: JSON.stringify(scaleOf(stored.obj)), warnings };
  }

  private current(info: ResourceInfo, namespace: string | undefined, name: string): StoredObject {
    const s = this.store.get(info.name, namespace, name);
    if (!s) throw notFound(info.name, name);
    return s;
  }

  /** A user write: status is not writable through the main resource; spec changes bump generation. */
  private commitUserVersion(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
    checkVersion: boolean,
    opts: WriteOptions,
  ): StoredObject {
    const current = this.current(info, namespace, name);
    obj.metadata ??= { name };
    obj.metadata.name = name;
    if (info.namespaced) obj.metadata.namespace = namespace;
    if ('status' in current.obj) obj.status = current.obj.status;
    if (info.name === 'deployments') defaultDeployment(obj);
    const immutable = info.name === 'deployments' && JSON.stringify(obj.spec.selector) !== JSON.stringify(current.obj.spec.selector);
    validate(
      info,
      obj,
      immutable ? [{ type: 'FieldValueInvalid', field: 'spec.selector', value: obj.spec.selector, detail: 'field is immutable' }] : [],
    );
    if (GENERATION_RESOURCES.has(info.name)) {
      const specChanged = JSON.stringify(obj.spec) !== JSON.stringify(current.obj.spec);
      obj.metadata.generation = (current.obj.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    if (opts.fieldManager)
      (obj.metadata as unknown as { managedFields?: unknown }).managedFields = (
        current.obj.metadata as unknown as { managedFields?: unknown }
      ).managedFields;
    recordManager(obj, opts.fieldManager, obj.apiVersion ?? 'v1', this.nowIso());
    // deletionTimestamp is the server's; an update that removes the last finalizer completes the deletion.
    obj.metadata.deletionTimestamp = current.obj.metadata.deletionTimestamp;
    if (!obj.metadata.deletionTimestamp) delete obj.metadata.deletionTimestamp;
    if (current.obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length && info.name !== 'pods' && info.name !== 'namespaces') {
      const updated = this.store.update(info.name, obj, { checkVersion, dryRun: opts.dryRun });
      return opts.dryRun ? updated : this.store.delete(info.name, namespace, name);
    }
    return this.store.update(info.name, obj, { checkVersion, dryRun: opts.dryRun });
  }
}

/** 422 Invalid with details.causes when the object breaks a validation rule. */
function validate(info: ResourceInfo, obj: KubeObject, more: FieldError[] = []): void {
  const errs = [...validateObject(info, obj), ...more];
  if (!errs.length) return;
  const { message, details } = invalidStatus(info, obj.metadata?.name ?? '', errs);
  throw new ApiError(422, 'Invalid', message, details);
}

/**
 * The typed decoder: the body must be an object of the URL's kind; wrong types are a 400; unknown
 * fields are dropped, and rejected (Strict) or reported as warnings (Warn).
 */
function decode(
  info: ResourceInfo,
  body: unknown,
  opts: WriteOptions,
  warnings: string[],
  as: { group: string; version: string; kind: string } = info,
): KubeObject {
  const obj = asObject(body, info);
  const apiVersion = as.group ? `${as.group}/${as.version}` : as.version;
  if (obj.apiVersion !== undefined && obj.apiVersion !== apiVersion) {
    throw new ApiError(
      400,
      'BadRequest',
      `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`,
    );
  }
  if (obj.kind !== undefined && obj.kind !== as.kind) {
    throw new ApiError(
      400,
      'BadRequest',
      `${String(obj.kind)} in version "${as.version}" cannot be handled as a ${as.kind}: the kind in the data does not match the expected kind`,
    );
  }
  let decoded;
  try {
    decoded = schemaDecoder().decode(as.group, as.version, as.kind, obj);
  } catch (e) {
    if (e instanceof DecodeError)
      throw new ApiError(400, 'BadRequest', `${as.kind} in version "${as.version}" cannot be handled as a ${as.kind}: ${e.message}`);
    throw e;
  }
  const unknown = decoded.unknownFields.map((f) => `unknown field "${f}"`);
  if (unknown.length && opts.fieldValidation === 'Strict')
    throw new ApiError(400, 'BadRequest', `strict decoding error: ${unknown.join(', ')}`);
  if (opts.fieldValidation === 'Warn') warnings.push(...unknown);
  return decoded.value as KubeObject;
}

function result(code: number, stored: StoredObject, statusFor?: ResourceInfo, warnings: string[] = []): WriteResult {
  if (!statusFor) return { code, json: stored.json, warnings };
  const m = stored.obj.metadata;
  return {
    code,
    json: JSON.stringify(successStatus({ name: m.name, group: statusFor.group, kind: statusFor.name, uid: m.uid })),
    warnings,
  };
}

function checkPreconditions(info: ResourceInfo, obj: KubeObject, opts: WriteOptions): void {
  const p = opts.preconditions;
  if (p?.uid && p.uid !== obj.metadata.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${info.name}${info.group ? '.' + info.group : ''} "${obj.metadata.name}": Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${obj.metadata.uid}`,
    );
  }
  if (p?.resourceVersion && p.resourceVersion !== obj.metadata.resourceVersion) {
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${info.name}${info.group ? '.' + info.group : ''} "${obj.metadata.name}": Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`,
    );
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
  if (type === 'application/apply-patch+yaml')
    throw new ApiError(415, 'UnsupportedMediaType', 'server-side apply is not supported by the sandbox');
  throw new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
  );
}

function scaleOf(obj: KubeObject): Record<string, unknown> {
  const m = obj.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: labelSelectorString(obj.spec?.selector) },
  };
}
