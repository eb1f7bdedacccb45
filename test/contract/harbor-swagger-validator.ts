/**
 * A small validator for the JSON-schema subset swagger 2.0 uses: $ref, type, properties, items,
 * enum, format (date-time, int32, int64), additionalProperties, x-nullable. Unknown properties are
 * errors (a response field the spec does not define is a sandbox bug), unless the schema has
 * `additionalProperties`.
 */

export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  format?: string;
  additionalProperties?: Schema | boolean;
  required?: string[];
  'x-nullable'?: boolean;
  [k: string]: unknown;
}

export interface Spec {
  definitions: Record<string, Schema>;
}

const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function validate(spec: Spec, schema: Schema, value: unknown, path = '$', errors: string[] = []): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/definitions/', '');
    const target = spec.definitions[name];
    if (!target) {
      errors.push(`${path}: unresolved $ref ${schema.$ref}`);
      return errors;
    }
    // A $ref beside x-nullable (swagger 2 style) keeps the nullability.
    return validate(spec, { ...target, 'x-nullable': schema['x-nullable'] ?? target['x-nullable'] }, value, path, errors);
  }
  if (value === null) {
    if (!schema['x-nullable']) errors.push(`${path}: null is not allowed`);
    return errors;
  }
  if (schema.enum && !schema.enum.includes(value))
    errors.push(`${path}: ${JSON.stringify(value)} not in enum ${JSON.stringify(schema.enum)}`);
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        errors.push(`${path}: expected object, got ${Array.isArray(value) ? 'array' : typeof value}`);
        break;
      }
      const obj = value as Record<string, unknown>;
      for (const r of schema.required ?? []) if (!(r in obj)) errors.push(`${path}: missing required ${r}`);
      for (const [k, v] of Object.entries(obj)) {
        const prop = schema.properties?.[k];
        if (prop) validate(spec, prop, v, `${path}.${k}`, errors);
        else if (typeof schema.additionalProperties === 'object') validate(spec, schema.additionalProperties, v, `${path}.${k}`, errors);
        else if (schema.additionalProperties !== true) errors.push(`${path}: unknown property ${k}`);
      }
      break;
    }
    case 'array':
      if (!Array.isArray(value)) errors.push(`${path}: expected array`);
      else if (schema.items) value.forEach((v, i) => validate(spec, schema.items!, v, `${path}[${i}]`, errors));
      break;
    case 'string':
      if (typeof value !== 'string') errors.push(`${path}: expected string, got ${typeof value}`);
      else if (schema.format === 'date-time' && !dateTime.test(value)) errors.push(`${path}: not a date-time: ${value}`);
      break;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) errors.push(`${path}: expected integer`);
      else if (schema.format === 'int32' && (value < -(2 ** 31) || value >= 2 ** 31)) errors.push(`${path}: out of int32 range`);
      break;
    case 'number':
      if (typeof value !== 'number') errors.push(`${path}: expected number`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${path}: expected boolean`);
      break;
    case undefined:
      break; // any
    default:
      errors.push(`${path}: unsupported schema type ${type}`);
  }
  return errors;
}

/** The response schema of `operation` at `path` for `status`, resolving `responses` refs. */
export function responseSchema(
  spec: Spec & {
    paths: Record<string, Record<string, { responses: Record<string, { schema?: Schema; $ref?: string }> }>>;
    responses: Record<string, { schema?: Schema }>;
  },
  path: string,
  method: string,
  status: string,
): Schema | undefined {
  const r = spec.paths[path]?.[method]?.responses[status];
  if (!r) return undefined;
  if (r.$ref) return spec.responses[r.$ref.replace('#/responses/', '')]?.schema;
  return r.schema;
}
