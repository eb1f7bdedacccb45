/**
 * A validator for the subset of JSON Schema used by the Kubernetes OpenAPI v3 documents in
 * this folder: type, properties, required, items, additionalProperties, $ref, allOf, oneOf,
 * enum, format (int32, int64, date-time, int-or-string). Properties not in the schema are errors:
 * they would mean the sandbox invented a field.
 *
 * One deliberate leniency: `null` is accepted for optional properties, because the apiserver
 * itself serialises nil pointers without omitempty as null (PodCondition.lastProbeTime,
 * Event.eventTime) and the documents have no `nullable`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Schema {
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
}

/** The official documents, copied into this folder (see README.md). */
export const SPEC_DIR = fileURLToPath(new URL('.', import.meta.url));

export class OpenApiValidator {
  private readonly schemas = new Map<string, Schema>();

  constructor(documents: { components?: { schemas?: Record<string, Schema> } }[]) {
    for (const doc of documents) for (const [name, s] of Object.entries(doc.components?.schemas ?? {})) this.schemas.set(name, s);
  }

  static fromFiles(paths: string[]): OpenApiValidator {
    return new OpenApiValidator(paths.map((p) => JSON.parse(readFileSync(p, 'utf8'))));
  }

  has(name: string): boolean {
    return this.schemas.has(name);
  }

  /** Errors as `path: message`; empty when `value` conforms to components/schemas/<name>. */
  validate(name: string, value: unknown): string[] {
    const errors: string[] = [];
    this.check({ $ref: `#/components/schemas/${name}` }, value, '$', errors);
    return errors;
  }

  private resolve(ref: string): Schema {
    const name = ref.replace(/^#\/components\/schemas\//, '');
    const s = this.schemas.get(name);
    if (!s) throw new Error(`unresolved $ref ${ref}`);
    return s;
  }

  private check(schema: Schema, value: unknown, path: string, errors: string[]): void {
    if (schema.$ref) return this.check(this.resolve(schema.$ref), value, path, errors);
    for (const sub of schema.allOf ?? []) this.check(sub, value, path, errors);
    if (schema.oneOf) {
      const matching = schema.oneOf.filter((sub) => {
        const e: string[] = [];
        this.check(sub, value, path, e);
        return e.length === 0;
      });
      if (matching.length !== 1)
        errors.push(`${path}: must match exactly one of ${schema.oneOf.length} schemas (matched ${matching.length})`);
    }
    if (schema.enum && !schema.enum.includes(value))
      errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
    if (schema.type && !typeMatches(schema.type, value)) {
      errors.push(`${path}: expected ${schema.type}, got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`);
      return;
    }
    this.checkFormat(schema, value, path, errors);
    if (Array.isArray(value) && schema.items) value.forEach((v, i) => this.check(schema.items!, v, `${path}[${i}]`, errors));
    if (isPlainObject(value)) this.checkObject(schema, value, path, errors);
  }

  private checkObject(schema: Schema, value: Record<string, unknown>, path: string, errors: string[]): void {
    for (const r of schema.required ?? []) if (!(r in value)) errors.push(`${path}: missing required property "${r}"`);
    if (!schema.properties && schema.additionalProperties === undefined) return;
    for (const [k, v] of Object.entries(value)) {
      const prop = schema.properties?.[k];
      if (prop) {
        if (v === null && !(schema.required ?? []).includes(k)) continue;
        this.check(prop, v, `${path}.${k}`, errors);
      } else if (isPlainObject(schema.additionalProperties) || schema.additionalProperties === true) {
        if (schema.additionalProperties !== true) this.check(schema.additionalProperties as Schema, v, `${path}.${k}`, errors);
      } else errors.push(`${path}: unknown property "${k}"`);
    }
  }

  private checkFormat(schema: Schema, value: unknown, path: string, errors: string[]): void {
    switch (schema.format) {
      case 'int32':
        if (typeof value === 'number' && (value < -(2 ** 31) || value > 2 ** 31 - 1))
          errors.push(`${path}: ${value} is out of int32 range`);
        break;
      case 'int64':
        if (typeof value === 'number' && !Number.isSafeInteger(value)) errors.push(`${path}: ${value} is not a safe int64`);
        break;
      case 'date-time':
        if (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value))
          errors.push(`${path}: ${JSON.stringify(value)} is not RFC 3339`);
        break;
    }
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether `v` is a JSON value of the schema `type` (no type matches anything). `integerFits`
 * narrows which whole numbers an integer field takes: the decoder holds them to Go's int sizes.
 */
export function typeMatches(type: string | undefined, v: unknown, integerFits: (n: number) => boolean = () => true): boolean {
  switch (type) {
    case 'object':
      return isPlainObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) && integerFits(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

/** The official documents the sandbox serves, from the repository's copies (src-sandbox/openapi/). */
const SANDBOX_SPECS = fileURLToPath(new URL('../../src-sandbox/openapi', import.meta.url));
const KUBE_DOCUMENTS = [
  'api__v1',
  'apis__apps__v1',
  'apis__batch__v1',
  'apis__policy__v1',
  'apis__coordination.k8s.io__v1',
  'apis__discovery.k8s.io__v1',
  'apis__authorization.k8s.io__v1',
  'apis__authentication.k8s.io__v1',
];

export function kubeValidator(): OpenApiValidator {
  return OpenApiValidator.fromFiles(KUBE_DOCUMENTS.map((d) => `${SANDBOX_SPECS}/${d}_openapi.json`));
}
