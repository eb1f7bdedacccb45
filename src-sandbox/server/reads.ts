/**
 * GET of one object and of lists. Lists are written straight from each object's pre-serialised
 * JSON in chunks, so a 12,000-pod list costs string concatenation, not JSON.stringify.
 */
import type { ServerResponse } from 'node:http';
import type { ResourceInfo } from '../kube/resources';
import { apiVersionOf } from '../kube/resources';
import type { ObjectStore } from '../kube/store';
import { notFound } from '../kube/store';
import { buildFilter, encodeContinue } from './query';
import { pageSource } from './list-snapshot';
import { ApiError, sendJsonText } from './status';

const WRITE_CHUNK = 256;

export function handleGet(res: ServerResponse, store: ObjectStore, info: ResourceInfo, namespace: string | undefined, name: string): void {
  const s = store.get(info.name, namespace, name);
  if (!s) throw notFound(info.name, name);
  sendJsonText(res, 200, s.json);
}

export function handleList(
  res: ServerResponse,
  store: ObjectStore,
  info: ResourceInfo,
  namespace: string | undefined,
  params: URLSearchParams,
): void {
  const filter = buildFilter(info.name, params);
  const limitParam = params.get('limit');
  const limit = limitParam ? Number.parseInt(limitParam, 10) : 0;
  if (limitParam && !(limit >= 0)) throw new ApiError(400, 'BadRequest', `invalid limit: ${limitParam}`);
  const { listRv, source } = pageSource(store, info.name, namespace, params.get('continue'));

  const items: string[] = [];
  let lastKey = '';
  let more = false;
  for (const [key, stored] of source) {
    if (!filter(stored.obj)) continue;
    if (limit > 0 && items.length === limit) {
      more = true;
      break;
    }
    items.push(stored.json);
    lastKey = key;
  }
  const meta: Record<string, unknown> = { resourceVersion: String(listRv) };
  if (more) meta.continue = encodeContinue(listRv, lastKey);
  const head = `{"kind":"${info.listKind}","apiVersion":"${apiVersionOf(info)}","metadata":${JSON.stringify(meta)},"items":[`;
  if (items.length < WRITE_CHUNK) {
    sendJsonText(res, 200, head + items.join(',') + ']}');
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.write(head);
  for (let i = 0; i < items.length; i += WRITE_CHUNK) {
    res.write((i > 0 ? ',' : '') + items.slice(i, i + WRITE_CHUNK).join(','));
  }
  res.end(']}');
}
