/**
 * Static audit of the contract: every payload the renderer can send (request and stream params)
 * is strict (unknown keys are refused, not stripped) and bounded (every string has a maximum
 * length or a closed form, every array a maximum size). A new channel that forgets either fails here.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contract } from './index';

type J = Record<string, unknown> & { type?: string };

/** Records (maps keyed by the user's cluster ids) allowed because keys, values and count are bounded by refinements. */
const BOUNDED_RECORDS = new Set(['metrics.setSettings.prometheus']);

/** An anchored pattern without unbounded repetition bounds the string by itself. */
const boundedPattern = (p: unknown) => typeof p === 'string' && /^\^.*\$$/.test(p) && !/[+*]|\{\d+,\}/.test(p);

function audit(s: J, at: string, defs: Record<string, J>, problems: string[]): void {
  if (typeof s.$ref === 'string') return audit(defs[s.$ref.split('/').pop()!]!, at, defs, problems);
  for (const k of ['anyOf', 'oneOf', 'allOf'])
    if (Array.isArray(s[k])) (s[k] as J[]).forEach((x, i) => audit(x, `${at}|${i}`, defs, problems));
  if (s.type === 'object' || s.properties) {
    if (typeof s.additionalProperties === 'object') {
      if (!BOUNDED_RECORDS.has(at)) problems.push(`${at}: a record (unbounded keys)`);
      audit(s.additionalProperties as J, `${at}.*`, defs, problems);
      if (s.propertyNames) audit(s.propertyNames as J, `${at}.<key>`, defs, problems);
    } else if (s.additionalProperties !== false) problems.push(`${at}: not strict (unknown keys would be stripped, not refused)`);
    for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, J>)) audit(v, `${at}.${k}`, defs, problems);
  }
  if (s.type === 'string' && s.maxLength === undefined && !s.enum && s.const === undefined && !boundedPattern(s.pattern))
    problems.push(`${at}: string without a maximum length`);
  if (s.type === 'array') {
    if (s.maxItems === undefined && !s.prefixItems) problems.push(`${at}: array without a maximum size`);
    if (s.items) audit(s.items as J, `${at}[]`, defs, problems);
    ((s.prefixItems ?? []) as J[]).forEach((x, i) => audit(x, `${at}[${i}]`, defs, problems));
  }
}

describe('contract payload schemas', () => {
  it('every channel refuses unknown keys and bounds every string and array', () => {
    const problems: string[] = [];
    for (const [name, channel] of Object.entries(contract)) {
      const schema = channel.kind === 'request' ? channel.request : channel.params;
      const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as J;
      audit(js, name, (js.$defs ?? {}) as Record<string, J>, problems);
    }
    expect(problems).toEqual([]);
  });

  it('the audit itself catches what it is for', () => {
    const problems: string[] = [];
    const loose = z.object({ a: z.string(), b: z.array(z.number()), c: z.object({ d: z.string().max(3) }) });
    audit(z.toJSONSchema(loose, { io: 'input' }) as J, 'x', {}, problems);
    expect(problems).toEqual([
      'x: not strict (unknown keys would be stripped, not refused)',
      'x.a: string without a maximum length',
      'x.b: array without a maximum size',
      'x.c: not strict (unknown keys would be stripped, not refused)',
    ]);
  });
});
