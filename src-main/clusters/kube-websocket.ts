/**
 * A WebSocket to a cluster's API server (pods/exec, pods/attach, pods/portforward) with the
 * cluster's one identity: the ClusterConnection's prepared headers (Authorization, impersonation)
 * and its TLS agent. Resolves once the socket is open, or with the server's refusal mapped to an
 * AppError (secrets scrubbed), so every subresource speaks to the server the same way.
 */
import WebSocket from 'ws';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { ClusterConnection } from './cluster-connection';
import { httpError } from './http-errors';

export interface KubeSocketRequest {
  /** API path below the server's base, e.g. /api/v1/namespaces/ns/pods/p/exec. */
  path: string;
  query: URLSearchParams;
  protocols: string[];
  /** For messages: what is being opened ("a shell on web-0", "a tunnel to web-0"). */
  what: string;
  resource: string;
}

/**
 * An open socket whose first messages are kept: frames that arrive with the upgrade answer are
 * emitted before the caller's code after `await` runs (nextTick comes before promise callbacks), so
 * messages and the close are queued until the caller subscribes.
 */
export interface KubeSocket {
  readonly ws: WebSocket;
  /** Every message from the start, those that came before this call first. */
  onMessage(handler: (m: Buffer) => void): void;
  /** Called once when the socket closes (at once if it already has). */
  onClose(handler: () => void): void;
}

function keepEarly(ws: WebSocket): KubeSocket {
  const early: Buffer[] = [];
  let onMessage: ((m: Buffer) => void) | undefined;
  let closed = false;
  let onClose: (() => void) | undefined;
  ws.on('message', (m: Buffer) => (onMessage ? onMessage(m) : early.push(m)));
  ws.on('close', () => {
    closed = true;
    onClose?.();
  });
  return {
    ws,
    onMessage(h) {
      onMessage = h;
      for (const m of early.splice(0)) h(m);
    },
    onClose(h) {
      onClose = h;
      if (closed) h();
    },
  };
}

export async function openKubeWebSocket(conn: ClusterConnection, r: KubeSocketRequest): Promise<Result<KubeSocket>> {
  const prep = await conn.prepare();
  if (!prep.ok) return prep;
  const { base, headers, agent } = prep.value;
  const clusterId = conn.clusterId;
  const url = new URL(`${base.pathname.replace(/\/$/, '')}${r.path}?${r.query}`, base);
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  const ctx = { clusterId, server: conn.server, verb: 'create', resource: r.resource };
  return new Promise((resolve) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, r.protocols, {
        headers: { ...headers, 'User-Agent': 'capstan' },
        agent,
        perMessageDeflate: false,
        handshakeTimeout: 15_000,
      });
    } catch (e) {
      resolve(
        err(
          'kubeconfig-invalid',
          `Cannot open ${r.what}: the request could not be built (${(e as NodeJS.ErrnoException).code ?? 'invalid request'}). Check the context's cluster and user in the kubeconfig.`,
          { clusterId },
        ),
      );
      return;
    }
    let settled = false;
    const settle = (v: Result<KubeSocket>) => {
      if (settled) return;
      settled = true;
      resolve(v);
    };
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.length < 64 && chunks.push(c));
      res.on('end', () => {
        const error = httpError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), ctx);
        settle({ ok: false, error: { ...error, message: conn.scrub(error.message) } });
      });
      res.on('error', () =>
        settle(
          err('cluster-unreachable', `Cannot open ${r.what}: the answer broke off. Check that the cluster is reachable.`, { clusterId }),
        ),
      );
    });
    ws.on('error', (e: NodeJS.ErrnoException) =>
      settle(
        err('cluster-unreachable', `Cannot open ${r.what}: ${e.code ?? e.message}. Check that the cluster is reachable.`, { clusterId }),
      ),
    );
    const socket = keepEarly(ws);
    ws.once('open', () => settle(ok(socket)));
  });
}
