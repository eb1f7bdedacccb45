/**
 * pod-template-hash as the Deployment controller computes it: FNV-32a of the template, printed in
 * decimal, then each character mapped into the "safe" alphabet (no vowels, no confusable digits).
 * The input encoding differs from Go's (we hash JSON), so values differ from a real cluster's, but
 * the shape and stability are the same.
 */
import type { PodTemplateSpec } from './types';

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE[s.charCodeAt(i) % SAFE.length];
  return out;
}

export function podTemplateHash(template: PodTemplateSpec, collisionCount = 0): string {
  return safeEncode(String(fnv32a(stableJson(withoutHashLabel(template)) + (collisionCount ? `#${collisionCount}` : ''))));
}

/** Template equality ignoring the pod-template-hash label, as EqualIgnoreHash does. */
export function templatesEqual(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return stableJson(withoutHashLabel(a)) === stableJson(withoutHashLabel(b));
}

export function withoutHashLabel(t: PodTemplateSpec): PodTemplateSpec {
  const copy = structuredClone(t);
  if (copy.metadata?.labels) {
    delete copy.metadata.labels['pod-template-hash'];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  if (copy.metadata && Object.keys(copy.metadata).length === 0) delete copy.metadata;
  return copy;
}

/**
 * JSON with object keys sorted and null members dropped, so equal objects built in different
 * orders compare equal, and Go's `"creationTimestamp": null` (kubectl sends it in the template of
 * `rollout undo`) equals an absent field, as semantic equality in Go does.
 */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined && x !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
