/**
 * Decodes a write's body the way the apiserver's typed JSON decoder does, driven by the official
 * OpenAPI documents: a value of the wrong type is a 400 with Go's unmarshal message; fields the
 * schema does not know are dropped and reported (the caller turns them into a Strict error or
 * Warning headers). Objects are looked up by their group/version/kind
 * (`x-kubernetes-group-version-kind`), so every kind the documents describe is covered.
 */
import { OPENAPI_DOCUMENTS, readOpenApiDocument } from './documents';
import { typeMatches, type Schema } from './openapi-validator';

interface GvkSchema extends Schema {
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
}

export class DecodeError extends Error {}

export interface Decoded {
  value: Record<string, unknown>;
  /** Paths of dropped unknown fields, as the apiserver words them (`spec.template.spec.containers[0].foo`). */
  unknownFields: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export class SchemaDecoder {
  private readonly schemas = new Map<string, GvkSchema>();
  private readonly byGvk = new Map<string, string>();

  constructor(documents: { components?: { schemas?: Record<string, GvkSchema> } }[]) {
    for (const doc of documents) {
      for (const [name, s] of Object.entries(doc.components?.schemas ?? {})) {
        this.schemas.set(name, s);
        for (const g of s['x-kubernetes-group-version-kind'] ?? []) {
          const key = gvkKey(g.group, g.version, g.kind);
          // Shared kinds (DeleteOptions, WatchEvent) list many GVKs; the first schema named after the kind wins.
          if (!this.byGvk.has(key) || name.endsWith(`.${g.kind}`)) this.byGvk.set(key, name);
        }
      }
    }
  }

  has(group: string, version: string, kind: string): boolean {
    return this.byGvk.has(gvkKey(group, version, kind));
  }

  /** Decodes `value` as the object group/version/kind; throws DecodeError for a type mismatch. */
  decode(group: string, version: string, kind: string, value: Json): Decoded {
    const name = this.byGvk.get(gvkKey(group, version, kind));
    if (!name) return { value, unknownFields: [] };
    const unknownFields: string[] = [];
    const out = this.walk({ $ref: `#/components/schemas/${name}` }, value, '', unknownFields, goName(name)) as Json;
    return { value: out, unknownFields };
  }

  private resolve(s: Schema): { schema: Schema; typeName?: string } {
    let typeName: string | undefined;
    let cur = s;
    for (;;) {
      if (cur.$ref) {
        const name = cur.$ref.replace(/^#\/components\/schemas\//, '');
        typeName = goName(name);
        cur = this.schemas.get(name) ?? {};
      } else if (cur.allOf?.length === 1 && !cur.type && !cur.properties) cur = cur.allOf[0]!;
      else return { schema: cur, typeName };
    }
  }

  private walk(raw: Schema, value: unknown, path: string, unknown: string[], struct: string): unknown {
    const { schema, typeName } = this.resolve(raw);
    if (value === null) return null; // a nil pointer or an omitted value, as Go's decoder accepts it
    if (schema.oneOf) {
      if (!schema.oneOf.some((o) => typeMatches(o.type, value, fitsFormat(undefined))))
        throw typeError(value, struct, path, typeName ?? 'string');
      return value;
    }
    const type = schema.type;
    if (type && !typeMatches(type, value, fitsFormat(schema.format)))
      throw typeError(value, struct, path, goType(schema, typeName), type === 'integer');
    if (Array.isArray(value)) {
      const items = schema.items;
      return items ? value.map((v, i) => this.walk(items, v, `${path}[${i}]`, unknown, struct)) : value;
    }
    if (!isObject(value)) return value;
    if (schema.properties) {
      const out: Json = {};
      const inner = typeName ?? struct;
      for (const [k, v] of Object.entries(value)) {
        const prop = schema.properties[k];
        const p = path ? `${path}.${k}` : k;
        if (prop) out[k] = this.walk(prop, v, p, unknown, inner);
        else unknown.push(p);
      }
      return out;
    }
    const additional = schema.additionalProperties;
    if (isObject(additional)) {
      const out: Json = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.walk(additional, v, path ? `${path}.${k}` : k, unknown, struct);
      return out;
    }
    return value; // free-form (FieldsV1, RawExtension)
  }
}

let shared: SchemaDecoder | undefined;

/** One decoder over every shipped document, built on first use (~5 MB of JSON) and shared by all clusters. */
export function schemaDecoder(): SchemaDecoder {
  shared ??= new SchemaDecoder(Object.values(OPENAPI_DOCUMENTS).map((f) => JSON.parse(readOpenApiDocument(f)) as never));
  return shared;
}

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** io.k8s.api.apps.v1.DeploymentSpec → DeploymentSpec (the Go struct name in decoder messages). */
function goName(schemaName: string): string {
  return schemaName.slice(schemaName.lastIndexOf('.') + 1);
}

/** The Go type as encoding/json names it: int32, []v1.Container, map[string]string. */
function goType(s: Schema, typeName?: string): string {
  if (typeName && s.type === 'object' && s.properties) return `v1.${typeName}`;
  switch (s.type) {
    case 'integer':
      return s.format === 'int64' ? 'int64' : 'int32';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return typeName === 'Time' ? 'v1.Time' : 'string';
    case 'array':
      return `[]${s.items ? itemType(s.items) : 'interface {}'}`;
    case 'object':
      return isObject(s.additionalProperties) ? `map[string]${goType(s.additionalProperties)}` : 'map[string]interface {}';
    default:
      return typeName ?? 'interface {}';
  }
}

function itemType(items: Schema): string {
  const ref = items.$ref ?? items.allOf?.[0]?.$ref;
  return ref ? `v1.${goName(ref)}` : goType(items);
}

/** Go's int32 for `format: int32`, else int64 as far as a JS number holds it exactly. */
function fitsFormat(format: string | undefined): (n: number) => boolean {
  return format === 'int32' ? (n) => n >= -(2 ** 31) && n < 2 ** 31 : Number.isSafeInteger;
}

/** encoding/json names the JSON value; a number that does not fit an integer field is quoted with its value. */
function jsonKind(v: unknown, intTarget: boolean): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return intTarget ? `number ${v}` : 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

function typeError(value: unknown, struct: string, path: string, goTypeName: string, intTarget = false): DecodeError {
  return new DecodeError(
    `json: cannot unmarshal ${jsonKind(value, intTarget)} into Go struct field ${struct}.${path} of type ${goTypeName}`,
  );
}
