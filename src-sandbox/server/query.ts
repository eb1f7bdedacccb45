/**
 * Request-scoped object filters: namespace, labelSelector and fieldSelector combined into one
 * predicate, with the API server's error for a field it does not index.
 */
import { fieldValue } from '../kube/resources';
import type { ResourceName } from '../kube/resources';
import { SelectorError, parseFieldSelector, parseLabelSelector } from '../kube/selectors';
import type { KubeObject } from '../kube/types';
import { ApiError } from './status';

export type ObjectFilter = (obj: KubeObject) => boolean;

export function buildFilter(resource: ResourceName, params: URLSearchParams): ObjectFilter {
  try {
    const labels = parseLabelSelector(params.get('labelSelector'));
    const fields = parseFieldSelector(params.get('fieldSelector'));
    const probe = { metadata: {} };
    for (const f of fields) {
      if (fieldValue(resource, probe, f.field) === undefined) {
        throw new ApiError(400, 'BadRequest', `field label not supported: ${f.field}`);
      }
    }
    if (fields.length === 0) return (o) => labels(o.metadata.labels);
    return (o) => {
      if (!labels(o.metadata.labels)) return false;
      for (const f of fields) {
        const v = fieldValue(resource, o, f.field);
        if (f.op === 'eq' ? v !== f.value : v === f.value) return false;
      }
      return true;
    };
  } catch (e) {
    if (e instanceof SelectorError) throw new ApiError(400, 'BadRequest', e.message);
    throw e;
  }
}

export interface ContinueToken {
  rv: number;
  start: string;
}

/** The apiserver's token shape: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}. */
export function encodeContinue(rv: number, lastKey: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: lastKey + '\u0000' })).toString('base64url');
}

export function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: string; rv?: number; start?: string };
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.rv !== 'number' || typeof parsed.start !== 'string') throw new Error('shape');
    return { rv: parsed.rv, start: parsed.start.replace(/\u0000$/, '') };
  } catch {
    throw new ApiError(400, 'BadRequest', 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

/** A boolean query parameter as the apiserver parses it (Go's strconv.ParseBool: 1, t, T, TRUE, true, True). */
export function queryBool(params: URLSearchParams, name: string): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(params.get(name) ?? '');
}
