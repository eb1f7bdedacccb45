/**
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` for lists, single objects and watches:
 * rows carry the printer's cells and the object as PartialObjectMetadata (or the full object with
 * includeObject=Object, nothing with includeObject=None).
 */
import type { ServerResponse } from 'node:http';
import type { ResourceInfo } from '../kube/resources';
import type { ObjectStore, StoredObject } from '../kube/store';
import { pageSource } from './list-snapshot';
import { buildFilter, encodeContinue } from './query';
import { ApiError, sendJsonText } from './status';
import { printerFor } from './table-printers';

export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  const first = accept.split(',')[0]!;
  return /as=Table/.test(first) && /g=meta\.k8s\.io/.test(first);
}

export function tableRow(info: ResourceInfo, s: StoredObject, includeObject: string | null): string {
  const cells = JSON.stringify(printerFor(info.name).cells(s.obj));
  if (includeObject === 'None') return `{"cells":${cells}}`;
  if (includeObject === 'Object') return `{"cells":${cells},"object":${s.json}}`;
  return `{"cells":${cells},"object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(s.obj.metadata)}}}`;
}

/** One Table per watch event; column definitions only on the first, as the apiserver does. */
export function tableWatchRenderer(info: ResourceInfo, includeObject: string | null): (s: StoredObject) => string {
  let first = true;
  return (s) => {
    const columns = first ? JSON.stringify(printerFor(info.name).columns) : '[]';
    first = false;
    return `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"${s.obj.metadata.resourceVersion}"},"columnDefinitions":${columns},"rows":[${tableRow(info, s, includeObject)}]}`;
  };
}

export function tableFor(
  res: ServerResponse,
  store: ObjectStore,
  info: ResourceInfo,
  ns: string | undefined,
  params: URLSearchParams,
): void {
  const filter = buildFilter(info.name, params);
  const limit = params.has('limit') ? Number.parseInt(params.get('limit')!, 10) : 0;
  if (!(limit >= 0)) throw new ApiError(400, 'BadRequest', `invalid limit: ${params.get('limit')}`);
  const { listRv, source } = pageSource(store, info.name, ns, params.get('continue'));
  const include = params.get('includeObject');
  const rows: string[] = [];
  let lastKey = '';
  let more = false;
  for (const [key, s] of source) {
    if (!filter(s.obj)) continue;
    if (limit > 0 && rows.length === limit) {
      more = true;
      break;
    }
    rows.push(tableRow(info, s, include));
    lastKey = key;
  }
  const meta: Record<string, unknown> = { resourceVersion: String(listRv) };
  if (more) meta.continue = encodeContinue(listRv, lastKey);
  sendJsonText(
    res,
    200,
    `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":${JSON.stringify(meta)},"columnDefinitions":${JSON.stringify(printerFor(info.name).columns)},"rows":[${rows.join(',')}]}`,
  );
}
