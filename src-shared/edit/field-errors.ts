/**
 * An API server's 422 message ("Deployment.apps "web" is invalid: spec.replicas: Invalid value:
 * -1: must be …, metadata.labels: …") as field errors, each placed at its line in the YAML the
 * user submitted (the field's line, or its nearest parent that exists when a value is missing).
 */
import { LineCounter, parseDocument } from 'yaml';
import type { FieldError } from './contract';

const KINDS = 'Invalid value|Required value|Unsupported value|Forbidden|Duplicate value|Not found|Too long|Too many|Internal error';
const FIELD = new RegExp(`(?:^|,\\s*|\\[)([A-Za-z][\\w.\\-/]*(?:\\[[^\\]]*\\][\\w.\\-/]*)*): (?:${KINDS})`, 'g');

export function parseFieldErrors(message: string): { field: string; message: string }[] {
  const body = message.includes(' is invalid: ') ? message.slice(message.indexOf(' is invalid: ') + ' is invalid: '.length) : message;
  const starts: { field: string; at: number }[] = [];
  for (const m of body.matchAll(FIELD)) starts.push({ field: m[1]!, at: m.index! + m[0].indexOf(m[1]!) });
  return starts.map((s, i) => ({
    field: s.field,
    message: body.slice(s.at, i + 1 < starts.length ? starts[i + 1]!.at : undefined).replace(/[,\s\]]+$/, ''),
  }));
}

/** `spec.template.spec.containers[0].image` → ['spec', 'template', 'spec', 'containers', 0, 'image']. */
export function fieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of field.split('.')) {
    const m = /^([^[]+)((?:\[[^\]]*\])*)$/.exec(part);
    if (!m) return out;
    out.push(m[1]!);
    for (const idx of m[2]!.matchAll(/\[([^\]]*)\]/g)) out.push(/^\d+$/.test(idx[1]!) ? Number(idx[1]) : idx[1]!);
  }
  return out;
}

export function fieldLine(yaml: string, field: string): number | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(yaml, { lineCounter: lc });
  const path = fieldPath(field);
  for (let n = path.length; n > 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

export function fieldErrors(yaml: string, message: string): FieldError[] {
  return parseFieldErrors(message)
    .slice(0, 100)
    .map((e) => {
      const line = fieldLine(yaml, e.field);
      return { field: e.field.slice(0, 500), message: e.message.slice(0, 2000), ...(line !== undefined ? { line } : {}) };
    });
}
