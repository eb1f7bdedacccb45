/**
 * Watch streams: newline-delimited `{"type":..,"object":..}` like the apiserver's JSON watch.
 *
 * - resourceVersion unset or "0": synthetic ADDED for every current object, then changes.
 * - resourceVersion N: every retained change after N; older than the retained window → HTTP 410.
 * - A watcher that falls too far behind (socket buffer full) gets an in-stream ERROR 410 and is
 *   closed, as the apiserver's cacher does with slow consumers.
 * - allowWatchBookmarks: periodic BOOKMARK carrying only metadata.resourceVersion.
 * - sendInitialEvents=true: the current objects as ADDED, then a BOOKMARK annotated
 *   `k8s.io/initial-events-end: "true"`, then changes.
 * - timeoutSeconds: the stream ends cleanly when it elapses.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceInfo } from '../kube/resources';
import { apiVersionOf } from '../kube/resources';
import type { ChangeEvent, ObjectStore, StoredObject } from '../kube/store';
import { buildFilter, queryBool } from './query';
import { ApiError, statusObject } from './status';

export type WatchFault = 'truncate-watch' | 'garbage-watch-line' | 'expire-watch' | null;

export interface WatchOptions {
  bookmarkIntervalMs: number;
  /** Bytes buffered for one watcher beyond which it counts as too slow and is expired. */
  maxBufferedBytes: number;
  /** The cluster's current watch fault, read on each event. */
  fault: () => WatchFault;
  /** Wire form of an object in an event; default its JSON (a Table row for kubectl get -w). */
  render?: (s: StoredObject) => string;
}

const DEFAULT_TIMEOUT_S = 1800;

export function handleWatch(
  req: IncomingMessage,
  res: ServerResponse,
  store: ObjectStore,
  info: ResourceInfo,
  namespace: string | undefined,
  params: URLSearchParams,
  opts: WatchOptions,
  onClose: (close: () => void) => () => void,
): void {
  const filter = buildFilter(info.name, params);
  const inNamespace = (ns: string | undefined) => namespace === undefined || ns === namespace;
  // sendInitialEvents=true (watch-list): the current state as ADDED whatever resourceVersion says, then a bookmark.
  const initialEvents = queryBool(params, 'sendInitialEvents');
  if (initialEvents && !queryBool(params, 'allowWatchBookmarks')) {
    throw new ApiError(
      422,
      'Invalid',
      'ListOptions.meta.k8s.io "" is invalid: allowWatchBookmarks: Required value: allowWatchBookmarks must be true if sendInitialEvents = true',
      {
        kind: 'ListOptions',
        group: 'meta.k8s.io',
        causes: [
          {
            reason: 'FieldValueRequired',
            message: 'Required value: allowWatchBookmarks must be true if sendInitialEvents = true',
            field: 'allowWatchBookmarks',
          },
        ],
      },
    );
  }
  const rvParam = initialEvents ? null : params.get('resourceVersion');
  const fromRv = rvParam && rvParam !== '0' ? Number.parseInt(rvParam, 10) : undefined;
  if (rvParam && rvParam !== '0' && !(fromRv! >= 0)) throw new ApiError(400, 'BadRequest', `invalid resourceVersion: ${rvParam}`);
  let backlog: ChangeEvent[] | undefined;
  if (fromRv !== undefined && fromRv > store.resourceVersion) {
    // A version from the future: the watch cache's answer after waiting for it.
    throw new ApiError(504, 'Timeout', `Too large resource version: ${fromRv}, current: ${store.resourceVersion}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
  }
  if (fromRv !== undefined) {
    backlog = store.eventsSince(fromRv, info.name);
    if (!backlog) throw new ApiError(410, 'Expired', `too old resource version: ${fromRv} (${store.oldestResumableRv(info.name)})`);
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let closed = false;
  const timers: { bookmark?: NodeJS.Timeout; timeout?: NodeJS.Timeout } = {};
  let unsubscribe = () => {};
  let unregister = () => {};
  const line = (type: string, json: string) => `{"type":"${type}","object":${json}}\n`;
  const render = opts.render ?? ((s: StoredObject) => s.json);

  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(timers.bookmark);
    clearTimeout(timers.timeout);
    unregister();
    if (!res.writableEnded && !res.destroyed) res.end();
  };

  /** Bytes of initial state still buffered may come on top of the slow-consumer limit. */
  let initialBytes = 0;
  /** `live`: a change as it happens; only live events count toward the slow-consumer limit. */
  const writeLine = (text: string, live = true) => {
    if (closed) return;
    const fault = opts.fault();
    if (fault === 'truncate-watch') {
      res.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      close();
      res.socket?.destroy();
      return;
    }
    if (fault === 'garbage-watch-line') res.write('this is not json {\n');
    if (fault === 'expire-watch' || (live && res.writableLength > opts.maxBufferedBytes + initialBytes)) {
      const status = statusObject(410, 'Expired', 'The resourceVersion for the provided watch is too old.');
      res.write(line('ERROR', JSON.stringify(status)));
      close();
      return;
    }
    res.write(text);
  };

  const emit = (e: ChangeEvent) => {
    if (e.resource !== info.name) return;
    const obj = e.object.obj;
    if (!inNamespace(obj.metadata.namespace)) return;
    const matches = filter(obj);
    if (e.type === 'MODIFIED' && e.previous) {
      // Objects entering or leaving the selection appear as ADDED / DELETED, as the cacher does.
      const before = filter(e.previous.obj);
      if (matches && !before) writeLine(line('ADDED', render(e.object)));
      else if (!matches && before) writeLine(line('DELETED', render(e.object)));
      else if (matches) writeLine(line('MODIFIED', render(e.object)));
      return;
    }
    if (matches) writeLine(line(e.type, render(e.object)));
  };

  // Subscribe before replaying so nothing committed in between is lost.
  unsubscribe = store.subscribe(emit);
  unregister = onClose(close);
  if (backlog) for (const e of backlog) emit(e);
  else {
    const chunk: string[] = [];
    for (const [, s] of store.list(info.name, namespace)) {
      if (!filter(s.obj)) continue;
      chunk.push(line('ADDED', render(s)));
      // The initial state of a big cluster exceeds the slow-consumer limit by itself; it is not live.
      if (chunk.length >= 256) writeLine(chunk.splice(0).join(''), false);
    }
    if (chunk.length) writeLine(chunk.join(''), false);
    initialBytes = res.writableLength;
    if (initialEvents) {
      const end = {
        kind: info.kind,
        apiVersion: apiVersionOf(info),
        metadata: { resourceVersion: String(store.resourceVersion), annotations: { 'k8s.io/initial-events-end': 'true' } },
      };
      writeLine(line('BOOKMARK', JSON.stringify(end)), false);
    }
  }

  const bookmark = () => {
    const obj = { kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(store.resourceVersion) } };
    writeLine(line('BOOKMARK', JSON.stringify(obj)));
  };
  if (closed) return;
  timers.bookmark = queryBool(params, 'allowWatchBookmarks') ? setInterval(bookmark, opts.bookmarkIntervalMs) : undefined;
  const timeoutS = params.has('timeoutSeconds') ? Number(params.get('timeoutSeconds')) : DEFAULT_TIMEOUT_S;
  timers.timeout = setTimeout(close, Math.max(0, timeoutS) * 1000);
  req.on('close', close);
  res.on('close', close);
}
