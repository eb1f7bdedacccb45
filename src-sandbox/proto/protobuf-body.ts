/**
 * Decodes `application/vnd.kubernetes.protobuf` request bodies into the JSON form of the object,
 * with protobufjs and the official generated.proto files in this folder. The envelope is the magic
 * `k8s\0` and a runtime.Unknown whose `raw` holds the object's message; the message type follows
 * from the envelope's apiVersion and kind (apps/v1 Deployment → k8s.io.api.apps.v1.Deployment).
 *
 * Go writes every non-pointer field, so empty strings and zero Times arrive where JSON would have
 * omitted them; they are dropped here. The apimachinery wrapper types (Time, IntOrString,
 * Quantity, RawExtension, FieldsV1, ExtraValue) become their JSON forms.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export class ProtobufBodyError extends Error {}

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const PROTO_ROOT = fileURLToPath(new URL('.', import.meta.url));
const FILES = ['core', 'apps', 'batch', 'policy', 'coordination', 'authorization', 'authentication'].map((g) => `k8s.io/api/${g}/v1/generated.proto`);
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

let root: protobuf.Root | undefined;

/** The official messages, parsed once (tests use it to encode bodies as client-go does). */
export function kubeProtoRoot(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
  r.loadSync([...FILES, 'k8s.io/apimachinery/pkg/runtime/generated.proto'], { keepCase: true });
  r.resolveAll();
  root = r;
  return r;
}

export interface ProtobufObject {
  apiVersion: string;
  kind: string;
  object: Record<string, unknown>;
}

export function decodeProtobufBody(body: Buffer): ProtobufObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw new ProtobufBodyError('provided object is not a protobuf message: the k8s\\0 prefix is missing');
  const r = kubeProtoRoot();
  const unknown = r.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  try {
    envelope = unknown.toObject(unknown.decode(body.subarray(4))) as typeof envelope;
  } catch (e) {
    throw new ProtobufBodyError(`unable to decode the protobuf envelope: ${(e as Error).message}`);
  }
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  const type = messageType(r, apiVersion, kind);
  if (!type) throw new ProtobufBodyError(`no kind "${kind}" is registered for version "${apiVersion}" in the sandbox's protobuf scheme`);
  let message: protobuf.Message;
  try {
    message = type.decode(envelope.raw ?? new Uint8Array());
  } catch (e) {
    throw new ProtobufBodyError(`unable to decode ${kind}: ${(e as Error).message}`);
  }
  const plain = type.toObject(message, { longs: Number, bytes: String, enums: String });
  const object = toJson(type, plain) as Record<string, unknown>;
  return { apiVersion, kind, object: { apiVersion, kind, ...object } };
}

function messageType(r: protobuf.Root, apiVersion: string, kind: string): protobuf.Type | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') as [string, string] : ['', apiVersion];
  const candidates = [`k8s.io.api.${group ? group.split('.')[0] : 'core'}.${version}.${kind}`, `${META}.${kind}`];
  for (const name of candidates) {
    try {
      return r.lookupType(name);
    } catch {
      // not this package
    }
  }
  return undefined;
}

/** The JSON form of one decoded message, field by field. */
function toJson(type: protobuf.Type, value: Record<string, unknown>): unknown {
  switch (type.fullName.replace(/^\./, '')) {
    case `${META}.Time`: return timeString(value, false);
    case `${META}.MicroTime`: return timeString(value, true);
    case `${META}.Duration`: return `${Number(value.duration ?? 0) / 1e9}s`;
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString': return Number(value.type ?? 0) === 1 ? (value.strVal ?? '') : (value.intVal ?? 0);
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity': return value.string ?? '0';
    case 'k8s.io.apimachinery.pkg.runtime.RawExtension': return rawJson(value.raw);
    case `${META}.FieldsV1`: return rawJson(value.Raw);
  }
  if (type.name === 'ExtraValue' || type.name === 'OptionalStringList') return value.items ?? [];
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) {
    const field = type.fields[name];
    if (!field) continue;
    const converted = convertField(field, v);
    if (converted !== undefined) out[name] = converted;
  }
  return out;
}

function convertField(field: protobuf.Field, v: unknown): unknown {
  const rt = field.resolvedType;
  const one = (x: unknown): unknown => (rt instanceof protobuf.Type ? toJson(rt, x as Record<string, unknown>) : x);
  if (field.map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = one(x);
    return out;
  }
  if (field.repeated) return (v as unknown[]).map(one);
  const converted = one(v);
  // Go writes non-pointer fields even when empty, where JSON's omitempty leaves them out: an
  // empty string, a zero Time, 0 or false mean "not set" unless the Go field is a pointer.
  if (converted === '' || converted === null) return undefined;
  if ((converted === 0 || converted === false) && !POINTER_SCALARS.has(field.name)) return undefined;
  return converted;
}

/** Scalar fields that are pointers in the Go types (0 or false there is a value, not absence). */
const POINTER_SCALARS = new Set([
  'replicas', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'terminationGracePeriodSeconds', 'activeDeadlineSeconds',
  'deletionGracePeriodSeconds', 'gracePeriodSeconds', 'tolerationSeconds', 'priority', 'runAsUser', 'runAsGroup', 'fsGroup',
  'runAsNonRoot', 'privileged', 'allowPrivilegeEscalation', 'readOnlyRootFilesystem', 'automountServiceAccountToken',
  'enableServiceLinks', 'shareProcessNamespace', 'setHostnameAsFQDN', 'hostUsers', 'backoffLimit', 'backoffLimitPerIndex',
  'maxFailedIndexes', 'completions', 'parallelism', 'ttlSecondsAfterFinished', 'startingDeadlineSeconds',
  'successfulJobsHistoryLimit', 'failedJobsHistoryLimit', 'suspend', 'manualSelector', 'expirationSeconds', 'optional',
  'defaultMode', 'mode', 'immutable', 'holderIdentity', 'leaseDurationSeconds', 'leaseTransitions',
  'maxSurge', 'maxUnavailable', 'partition', 'ordinals', 'start',
]);

function timeString(value: Record<string, unknown>, micro: boolean): string | null {
  const seconds = Number(value.seconds ?? 0);
  const nanos = Number(value.nanos ?? 0);
  if (seconds === 0 && nanos === 0) return null;
  const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${iso}Z`;
}

function rawJson(raw: unknown): unknown {
  if (typeof raw !== 'string' || raw === '') return undefined;
  const text = Buffer.from(raw, 'base64').toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
