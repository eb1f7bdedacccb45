/**
 * One cluster's Kubernetes API server on 127.0.0.1 over HTTPS (self-signed certificate; kubectl
 * sends bearer tokens only over TLS) with a bearer token. It can be
 * stopped (connections destroyed, state kept) and started again on the same port.
 */
import { fieldManagerOf } from '../kube/managed-fields';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import { StoreError } from '../kube/store';
import type { ObjectStore } from '../kube/store';
import { coreVersions, group, groupList, isServedGroup, resourceList, versionInfo } from './discovery';
import { handleOpenApi } from './openapi';
import { defaultLogConfig, logConfigFor } from '../logs/config';
import { ProtobufBodyError, decodeProtobufBody } from '../proto/protobuf-body';
import { handleRichPodLog, podOr404 } from '../logs/pod-log-stream';
import { handleExecUpgrade } from '../exec/ws-exec';
import { handlePortForwardUpgrade } from '../portforward/port-forward';
import { handleGet, handleList } from './reads';
import type { ResourceRoute } from './routes';
import { queryBool } from './query';
import { parseResourcePath } from './routes';
import { ApiError, reasonFor, sendError, sendJson, sendJsonText, sendStatus } from './status';
import { tableFor, tableWatchRenderer, wantsTable } from './table';
import type { WatchFault } from './watch';
import { handleWatch } from './watch';
import { writeOptions, type WriteOptions } from './write-options';
import { WriteHandlers } from './writes';
import { REVIEW_RESOURCES } from '../kube/resources';
import { evictPod } from './eviction';
import type { BodyDecoder } from './raw-body';
import { readOptionalBody } from './raw-body';
import { answerReview } from './reviews';
import { forbiddenMessage, isDenied, verbOf, type AccessRule } from './access';
import type { WriteResult } from './writes';
import { updateEphemeralContainers } from './ephemeral-containers';

/** Faults a test can switch on to exercise a client's error handling. */
export type Fault =
  | { kind: 'http-status'; status: 401 | 403 | 429 | 500 | 503; paths?: RegExp }
  | { kind: 'truncate-watch' }
  | { kind: 'garbage-watch-line' }
  | { kind: 'expire-watch' };

export interface ApiServerOptions {
  name: string;
  token: string;
  port: number;
  bookmarkIntervalMs: number;
  nowIso: () => string;
  tls: { certPem: string; keyPem: string };
  /** Simulated seconds per real second (pod log pacing). */
  clockSpeed?: number;
  /** Paths served outside the resource model (metrics.k8s.io, node proxy); true = answered. */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse, path: string, params: URLSearchParams) => boolean;
}

/** One request as the API server received it (a test counts them: request budgets). */
export interface RequestSeen {
  method: string;
  path: string;
  query: URLSearchParams;
  at: number;
}
export type RequestListener = (r: RequestSeen) => void;

const MAX_BODY = 16 * 1024 * 1024;
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export class ClusterApiServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly watchClosers = new Set<() => void>();
  private readonly requestListeners = new Set<RequestListener>();
  private readonly writes: WriteHandlers;
  fault: Fault | null = null;
  /** What the user may not do (access.ts); empty = a cluster admin. */
  deny: AccessRule[] = [];
  /** Decodes protobuf request bodies (kubectl's evictions, access reviews) for the endpoints that read them through readOptionalBody. */
  decodeBody: BodyDecoder | undefined = (contentType, raw) =>
    contentType.startsWith('application/vnd.kubernetes.protobuf')
      ? decodeProtobufRequest(raw)
      : /json/.test(contentType)
        ? parseJsonBody(raw)
        : undefined;
  port: number;

  constructor(
    private readonly store: ObjectStore,
    private readonly opts: ApiServerOptions,
  ) {
    this.port = opts.port;
    this.writes = new WriteHandlers(store, opts.nowIso);
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer({ keepAlive: true, cert: this.opts.tls.certPem, key: this.opts.tls.keyPem }, (req, res) =>
      this.handle(req, res),
    );
    // kube-apiserver keeps idle connections far longer than Node's 5 s default; clients that poll
    // every 10 s (metrics) would otherwise pay a TLS handshake per request.
    server.keepAliveTimeout = 120_000;
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      this.seen(req);
      const deps = {
        store: this.store,
        token: this.opts.token,
        clockSpeed: this.opts.clockSpeed,
        fault: (path: string) => this.statusFault(path),
      };
      const answered = handlePortForwardUpgrade(req, socket, head, deps) || handleExecUpgrade(req, socket, head, deps);
      if (!answered) socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
    this.server = server;
  }

  /** Closes the listener and destroys every connection, watches included, like a killed apiserver. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Sockets first: clients see a reset connection, as with a killed apiserver, not a clean end.
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    for (const close of [...this.watchClosers]) close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Every request from now on is reported to `l` until the returned function is called. */
  onRequest(l: RequestListener): () => void {
    this.requestListeners.add(l);
    return () => this.requestListeners.delete(l);
  }

  private seen(req: IncomingMessage, url = new URL(req.url ?? '/', 'http://sandbox')): void {
    if (this.requestListeners.size === 0) return;
    const r: RequestSeen = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, at: Date.now() };
    for (const l of this.requestListeners) l(r);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    this.seen(req, url);
    try {
      if (!PUBLIC_PATHS.has(url.pathname) && req.headers.authorization !== `Bearer ${this.opts.token}`) {
        sendStatus(res, 401, 'Unauthorized', 'Unauthorized');
        return;
      }
      const fault = this.fault;
      if (fault?.kind === 'http-status' && (!fault.paths || fault.paths.test(url.pathname))) {
        const reason = reasonFor(fault.status);
        const message =
          fault.status === 403
            ? `${url.pathname} is forbidden: User "system:serviceaccount:sandbox:capstan" cannot access this resource`
            : fault.status === 401
              ? 'Unauthorized'
              : `injected fault: ${reason}`;
        sendStatus(res, fault.status, reason, message);
        return;
      }
      this.route(req, res, url);
    } catch (e) {
      this.fail(res, e);
    }
  }

  /** The injected HTTP-status fault for a path, worded as handle() words it (exec upgrades). */
  private statusFault(path: string): { status: number; reason: string; message: string } | undefined {
    const f = this.fault;
    if (f?.kind !== 'http-status' || (f.paths && !f.paths.test(path))) return undefined;
    const reason = reasonFor(f.status);
    const message =
      f.status === 403
        ? `${path} is forbidden: User "system:serviceaccount:sandbox:capstan" cannot create resource "pods/exec"`
        : `injected fault: ${reason}`;
    return { status: f.status, reason, message };
  }

  private fail(res: ServerResponse, e: unknown): void {
    if (e instanceof ApiError) sendError(res, e);
    else if (e instanceof StoreError) sendStatus(res, e.code, e.reason, e.message);
    else {
      console.error(`[sandbox ${this.opts.name}]`, e);
      sendStatus(res, 500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
    }
  }

  private route(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (this.opts.extraRoutes?.(req, res, path, url.searchParams)) return;
    switch (path) {
      case '/healthz':
      case '/livez':
      case '/readyz':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
        return;
      case '/version':
        sendJson(res, 200, versionInfo());
        return;
      case '/api':
        sendJson(res, 200, coreVersions(`127.0.0.1:${this.port}`));
        return;
      case '/apis':
        sendJson(res, 200, groupList());
        return;
      case '/api/v1':
        sendJson(res, 200, resourceList(''));
        return;
      case '/apis/apps/v1':
        sendJson(res, 200, resourceList('apps'));
        return;
    }
    if (handleOpenApi(res, path)) return;
    const gv = /^\/apis\/([^/]+)\/v1$/.exec(path);
    if (gv && isServedGroup(gv[1]!)) {
      sendJson(res, 200, resourceList(gv[1]!));
      return;
    }
    const g = /^\/apis\/([^/]+)$/.exec(path);
    if (g) {
      const doc = group(g[1]!);
      if (doc) sendJson(res, 200, doc);
      else sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    const parsed = parseResourcePath(path);
    if (parsed.kind !== 'resource') {
      sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    this.resource(req, res, url, parsed.route);
  }

  private resource(req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRoute): void {
    const { info, namespace, name, subresource } = r;
    const params = url.searchParams;
    const method = req.method ?? 'GET';
    const ns = info.namespaced ? namespace : undefined;
    const isWatch = r.watchPath || queryBool(params, 'watch');
    if (!REVIEW_RESOURCES.has(info.name)) {
      const attrs = { verb: verbOf(method, !!name, isWatch), group: info.group, resource: info.name, subresource, namespace: ns, name };
      if (isDenied(this.deny, attrs)) {
        req.resume();
        sendStatus(res, 403, 'Forbidden', forbiddenMessage(attrs));
        return;
      }
    }
    if (subresource === 'log' && info.name === 'pods' && name && ns && method === 'GET') {
      const pod = podOr404(this.store, ns, name);
      handleRichPodLog(req, res, this.store, pod, params, logConfigFor(this.store, pod) ?? defaultLogConfig(this.opts.clockSpeed ?? 1));
      return;
    }
    // As kube-apiserver ≥ 1.33 warns on every use of the deprecated core/v1 Endpoints.
    if (info.name === 'endpoints')
      res.setHeader('Warning', '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"');
    if (this.clusterKindRoute(req, res, r, method)) return;
    if (
      subresource &&
      !(subresource === 'scale' && (info.name === 'deployments' || info.name === 'replicasets' || info.name === 'statefulsets'))
    ) {
      if (!(subresource === 'status' && method === 'GET')) {
        sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
        return;
      }
    }
    const methodNotAllowed = () =>
      sendStatus(res, 405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);

    if (method === 'GET' && (!name || isWatch)) {
      if (isWatch) {
        const watchParams = new URLSearchParams(params);
        if (name) watchParams.set('fieldSelector', [params.get('fieldSelector'), `metadata.name=${name}`].filter(Boolean).join(','));
        handleWatch(
          req,
          res,
          this.store,
          info,
          ns,
          watchParams,
          {
            bookmarkIntervalMs: this.opts.bookmarkIntervalMs,
            maxBufferedBytes: 64 * 1024 * 1024,
            fault: () => watchFault(this.fault),
            render: wantsTable(req.headers.accept) ? tableWatchRenderer(info, params.get('includeObject')) : undefined,
          },
          (close) => {
            this.watchClosers.add(close);
            return () => this.watchClosers.delete(close);
          },
        );
        return;
      }
      if (wantsTable(req.headers.accept)) {
        tableFor(res, this.store, info, ns, params);
        return;
      }
      handleList(res, this.store, info, ns, params);
      return;
    }
    if (!name) {
      if (method === 'DELETE') {
        this.withBody(
          req,
          res,
          (b) => sendWrite(res, this.writes.deleteCollection(info, ns, params, this.writeOpts(params, req, b))),
          true,
        );
        return;
      }
      if (method !== 'POST') return methodNotAllowed();
      this.withBody(req, res, (body) => sendWrite(res, this.writes.create(info, ns, body, this.writeOpts(params, req))));
      return;
    }
    if (subresource === 'scale') {
      if (method === 'GET') sendJson(res, 200, this.writes.getScale(info, ns, name));
      else if (method === 'PUT')
        this.withBody(req, res, (b) => sendWrite(res, this.writes.updateScale(info, ns, name, b, this.writeOpts(params, req))));
      else if (method === 'PATCH')
        this.withBody(req, res, (b) =>
          sendWrite(res, this.writes.updateScale(info, ns, name, b, this.writeOpts(params, req), req.headers['content-type'] ?? '')),
        );
      else methodNotAllowed();
      return;
    }
    switch (method) {
      case 'GET':
        if (wantsTable(req.headers.accept)) {
          const p = new URLSearchParams(params);
          p.set('fieldSelector', `metadata.name=${name}`);
          if (!this.store.get(info.name, ns, name)) return handleGet(res, this.store, info, ns, name);
          tableFor(res, this.store, info, ns, p);
          return;
        }
        handleGet(res, this.store, info, ns, name);
        return;
      case 'PUT':
        this.withBody(req, res, (b) => sendWrite(res, this.writes.replace(info, ns, name, b, this.writeOpts(params, req))));
        return;
      case 'PATCH':
        this.withBody(req, res, (b) =>
          sendWrite(res, this.writes.patch(info, ns, name, req.headers['content-type'] ?? '', b, this.writeOpts(params, req))),
        );
        return;
      case 'DELETE':
        this.withBody(req, res, (b) => sendWrite(res, this.writes.delete(info, ns, name, this.writeOpts(params, req, b))), true);
        return;
      default:
        methodNotAllowed();
    }
  }

  /** Review kinds (answered, not stored) and the eviction subresource; true when answered. */
  private clusterKindRoute(req: IncomingMessage, res: ServerResponse, r: ResourceRoute, method: string): boolean {
    const { info, namespace, name, subresource } = r;
    const answer = (fn: (body: unknown) => Record<string, unknown>) => {
      readOptionalBody(req, this.decodeBody)
        .then(
          (b) => sendJson(res, 201, fn(b)),
          (e: unknown) => this.fail(res, e),
        )
        .catch((e: unknown) => this.fail(res, e));
      return true;
    };
    if (REVIEW_RESOURCES.has(info.name)) {
      if (method !== 'POST' || name) {
        sendStatus(res, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        return true;
      }
      return answer((b) => answerReview(info.name, b, this.opts.nowIso(), this.deny));
    }
    if (subresource === 'ephemeralcontainers' && info.name === 'pods' && namespace && name) {
      if (method === 'GET') handleGet(res, this.store, info, namespace, name);
      else if (method === 'PATCH' || method === 'PUT') {
        this.withBody(req, res, (b) =>
          sendJsonText(
            res,
            200,
            updateEphemeralContainers(this.store, namespace, name, b, method === 'PATCH' ? (req.headers['content-type'] ?? '') : undefined)
              .json,
          ),
        );
      } else sendStatus(res, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      return true;
    }
    if (subresource === 'eviction' && info.name === 'pods' && namespace && name) {
      if (method !== 'POST') {
        sendStatus(res, 405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        return true;
      }
      return answer((b) => evictPod(this.store, this.writes, namespace, name, b));
    }
    return false;
  }

  /** The write's options from its query (or DeleteOptions body), with who writes, for managedFields. */
  private writeOpts(params: URLSearchParams, req: IncomingMessage, deleteBody?: unknown): WriteOptions {
    return { ...writeOptions(params, deleteBody), fieldManager: fieldManagerOf(params, req.headers['user-agent']) };
  }

  private withBody(req: IncomingMessage, res: ServerResponse, fn: (body: unknown) => void, optional = false): void {
    const protobufBody = (req.headers['content-type'] ?? '').startsWith('application/vnd.kubernetes.protobuf');
    if (!protobufBody && /protobuf|cbor|yaml/.test(req.headers['content-type'] ?? '')) {
      req.resume();
      sendStatus(
        res,
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/vnd.kubernetes.protobuf, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (the sandbox does not decode ${req.headers['content-type']})`,
      );
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        sendStatus(res, 413, 'RequestEntityTooLarge', 'the request body is too large');
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      try {
        if (protobufBody && size > 0) {
          // kubectl's typed clients (create namespace/deployment, drain's evictions) write protobuf.
          fn(decodeProtobufRequest(Buffer.concat(chunks)));
          return;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        if (!text.trim()) {
          if (!optional) throw new ApiError(400, 'BadRequest', 'the request body is empty');
          fn(undefined);
          return;
        }
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new ApiError(400, 'BadRequest', 'the request body is not valid JSON (the sandbox accepts application/json only)');
        }
        fn(body);
      } catch (e) {
        this.fail(res, e);
      }
    });
  }
}

function parseJsonBody(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiError(400, 'BadRequest', 'the request body is not valid JSON');
  }
}

function decodeProtobufRequest(body: Buffer): Record<string, unknown> {
  try {
    return decodeProtobufBody(body).object;
  } catch (e) {
    if (e instanceof ProtobufBodyError) throw new ApiError(400, 'BadRequest', e.message);
    throw e;
  }
}

/** A write's answer, with each warning in a `Warning: 299 - "..."` header as the apiserver sends them. */
function sendWrite(res: ServerResponse, r: WriteResult): void {
  const warnings = r.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  sendJsonText(res, r.code, r.json, warnings.length ? { Warning: warnings } : {});
}

function watchFault(f: Fault | null): WatchFault {
  if (f?.kind === 'truncate-watch' || f?.kind === 'garbage-watch-line' || f?.kind === 'expire-watch') return f.kind;
  return null;
}
