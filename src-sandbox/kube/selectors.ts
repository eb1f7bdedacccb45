/**
 * Label and field selectors in the string syntax the API server accepts on `labelSelector` and
 * `fieldSelector`. Parse once per request, then match many objects.
 */
import type { LabelSelector } from './types';

export class SelectorError extends Error {}

type LabelRequirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: Set<string> }
  | { op: 'exists' | 'notexists'; key: string };

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas that are not inside parentheses (`a in (x,y),b=c`). */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseRequirement(part: string): LabelRequirement {
  const setMatch = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (setMatch) {
    const values = new Set(
      setMatch[3]!
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    );
    return { op: setMatch[2] as 'in' | 'notin', key: setMatch[1]!, values };
  }
  const neq = /^([^\s!=()]+)\s*!=\s*([^\s!=()]*)$/.exec(part);
  if (neq) return { op: 'neq', key: neq[1]!, value: neq[2]! };
  const eq = /^([^\s!=()]+)\s*==?\s*([^\s!=()]*)$/.exec(part);
  if (eq) return { op: 'eq', key: eq[1]!, value: eq[2]! };
  const notExists = /^!\s*([^\s!=()]+)$/.exec(part);
  if (notExists) return { op: 'notexists', key: notExists[1]! };
  if (/^[^\s!=(),]+$/.test(part)) return { op: 'exists', key: part };
  throw new SelectorError(`unable to parse requirement: ${JSON.stringify(part)}`);
}

function matchRequirement(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case 'eq':
      return has && labels[r.key] === r.value;
    case 'neq':
      return !has || labels[r.key] !== r.value;
    case 'in':
      return has && r.values.has(labels[r.key]!);
    case 'notin':
      return !has || !r.values.has(labels[r.key]!);
    case 'exists':
      return has;
    case 'notexists':
      return !has;
  }
}

export function parseLabelSelector(selector: string | undefined | null): LabelMatcher {
  if (!selector || !selector.trim()) return () => true;
  const reqs = splitTopLevel(selector).map(parseRequirement);
  return (labels) => reqs.every((r) => matchRequirement(r, labels ?? {}));
}

/** metav1.LabelSelector (matchLabels + matchExpressions) as a matcher. Empty selects everything. */
export function labelSelectorMatcher(sel: LabelSelector | undefined): LabelMatcher {
  const reqs: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {})) reqs.push({ op: 'eq', key, value });
  for (const e of sel?.matchExpressions ?? []) {
    if (e.operator === 'In') reqs.push({ op: 'in', key: e.key, values: new Set(e.values ?? []) });
    else if (e.operator === 'NotIn') reqs.push({ op: 'notin', key: e.key, values: new Set(e.values ?? []) });
    else if (e.operator === 'Exists') reqs.push({ op: 'exists', key: e.key });
    else reqs.push({ op: 'notexists', key: e.key });
  }
  return (labels) => reqs.every((r) => matchRequirement(r, labels ?? {}));
}

export interface FieldRequirement {
  field: string;
  op: 'eq' | 'neq';
  value: string;
}

export function parseFieldSelector(selector: string | undefined | null): FieldRequirement[] {
  if (!selector || !selector.trim()) return [];
  return selector.split(',').map((raw) => {
    const part = raw.trim();
    const neq = /^([^!=]+)!=(.*)$/.exec(part);
    if (neq) return { field: neq[1]!.trim(), op: 'neq' as const, value: neq[2]!.trim() };
    const eq = /^([^!=]+)==?(.*)$/.exec(part);
    if (eq) return { field: eq[1]!.trim(), op: 'eq' as const, value: eq[2]!.trim() };
    throw new SelectorError(`invalid field selector: ${JSON.stringify(part)}`);
  });
}
