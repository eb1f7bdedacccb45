/**
 * A valid sample value for a JSON Schema (as z.toJSONSchema writes it), for tests that generate
 * payloads from the contract: the fuzz test over every channel and the bounds audit. Patterns are
 * satisfied from a short list of candidates; callers check the sample against the zod schema.
 */
type J = Record<string, unknown> & { type?: string; $ref?: string };

const PATTERN_CANDIDATES = ['abcdef12', 'a', '1', '2026-11-26T20:00:00Z', Array.from({ length: 32 }, () => 'AB').join(':'), 'app.example'];

export function jsonSample(schema: J, defs: Record<string, J> = {}, key = ''): unknown {
  if (schema.$ref) return jsonSample(defs[schema.$ref.split('/').pop()!]!, defs, key);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  for (const k of ['anyOf', 'oneOf'] as const) if (Array.isArray(schema[k])) return jsonSample((schema[k] as J[])[0]!, defs);
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...(schema.allOf as J[]).map((s) => jsonSample(s, defs)));
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (schema.properties ?? {}) as Record<string, J>;
      for (const k of (schema.required ?? []) as string[]) out[k] = jsonSample(props[k]!, defs, k);
      return out;
    }
    case 'array': {
      const n = Math.max(1, Number(schema.minItems ?? 0));
      if (Array.isArray(schema.prefixItems)) return (schema.prefixItems as J[]).map((s) => jsonSample(s, defs));
      return Array.from({ length: n }, () => jsonSample((schema.items ?? {}) as J, defs));
    }
    case 'string': {
      // Refinements (an http(s) URL) do not show in JSON Schema: the property name hints at them.
      if (schema.format === 'uri' || schema.format === 'url' || /url$/i.test(key)) return 'https://example.invalid/';
      const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern) : undefined;
      const min = Number(schema.minLength ?? 1);
      const fits = (s: string) =>
        (!pattern || pattern.test(s)) && s.length >= Number(schema.minLength ?? 0) && s.length <= Number(schema.maxLength ?? Infinity);
      return PATTERN_CANDIDATES.find(fits) ?? 'x'.repeat(Math.max(1, min));
    }
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number'
        ? schema.minimum
        : typeof schema.exclusiveMinimum === 'number'
          ? schema.exclusiveMinimum + 1
          : 0;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}
