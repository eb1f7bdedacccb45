import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { clientMessageSchema, WS_MAX_CLIENT_MESSAGE_BYTES, WS_PATH, WS_PROTOCOL, type ServerMessage } from '../../src-shared/contract/wire';
import type { Logger } from '../ipc/logger';
import type { Router } from '../ipc/router';
import { checkUpgrade } from './auth';
import { defaultBridgeLimits, RateBucket, type BridgeLimits } from './limits';

export interface WsBridgeOptions {
  server: Server;
  router: Router;
  /** The port the server listens on (for Host/Origin checks). */
  port: number;
  token: string;
  logger: Logger;
  /**
   * Backpressure: when this many bytes are queued on a socket (the browser is not reading), the
   * subscription whose event would add more is ended with an `unavailable` error the UI shows
   * ("stopped; reload"). We do not coalesce here: the bridge knows no feature, and services
   * already batch diffs at a bounded rate; a client this far behind is stuck, not slow.
   */
  highWaterMark?: number;
  /** Ping interval; a socket that misses a pong is terminated (and its subscriptions disposed). */
  heartbeatMs?: number;
  /** Connection cap and per-connection rate and concurrency (defaults: defaultBridgeLimits). */
  limits?: Partial<BridgeLimits>;
}

export interface WsBridge {
  connectionCount(): number;
  close(): Promise<void>;
}

const reject = (socket: Duplex, status: 400 | 403 | 404 | 503, text: string) => {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`,
  );
};

class Backpressure extends Error {}

export function attachWsBridge(opts: WsBridgeOptions): WsBridge {
  const { router, logger: log, token, port } = opts;
  const highWaterMark = opts.highWaterMark ?? 16 * 1024 * 1024;
  const limits: BridgeLimits = { ...defaultBridgeLimits, ...opts.limits };
  const busy = (what: string) => ({
    code: 'unavailable' as const,
    message: `Capstan is receiving too many requests from this window (${what}), so this one was not run. Wait a moment and try again; if it keeps happening, reload the page.`,
  });
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: WS_MAX_CLIENT_MESSAGE_BYTES,
    perMessageDeflate: false,
    handleProtocols: () => WS_PROTOCOL,
  });
  let nextConn = 1;
  const alive = new WeakMap<WebSocket, boolean>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    const pathname = (req.url ?? '').split('?')[0];
    if (pathname !== WS_PATH) {
      log.warn(`[bridge] refused WebSocket upgrade from ${remote}: unknown path`);
      reject(socket, 404, 'Not Found');
      return;
    }
    const verdict = checkUpgrade(req.headers, port, token);
    if (!verdict.ok) {
      log.warn(`[bridge] refused WebSocket upgrade from ${remote}: ${verdict.reason}`);
      reject(socket, 403, 'Forbidden');
      return;
    }
    if (wss.clients.size >= limits.maxConnections) {
      log.warn(`[bridge] refused WebSocket upgrade from ${remote}: ${limits.maxConnections} connections already open`);
      reject(socket, 503, 'Service Unavailable');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  opts.server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket) => {
    const senderId = `ws-${nextConn++}`;
    alive.set(ws, true);
    log.info(`[bridge] ${senderId} connected`);

    const send = (msg: ServerMessage): boolean => {
      if (ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(msg));
      return true;
    };
    const protocolError = (message: string) => send({ t: 'error', error: { code: 'invalid-payload', message } });
    const bucket = new RateBucket(limits.ratePerSec, limits.burst);
    let inFlight = 0;
    let refusedSince = 0;
    /** Rate limit; logged once per burst of refusals, not per message. */
    const withinRate = (): boolean => {
      if (bucket.take()) {
        if (refusedSince > 0) log.warn(`[bridge] ${senderId} exceeded ${limits.ratePerSec} messages/s; ${refusedSince} refused`);
        refusedSince = 0;
        return true;
      }
      refusedSince++;
      return false;
    };

    ws.on('pong', () => alive.set(ws, true));
    /** A message main cannot read: counted against the rate too, so a flood of them is dropped without a log line each. */
    const unreadable = (why: string, reply: string) => {
      if (!withinRate()) return;
      log.warn(`[bridge] ${senderId} sent ${why}; ignored`);
      protocolError(reply);
    };
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        unreadable('a binary message', 'Binary messages are not part of the protocol.');
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        unreadable('a message that is not JSON', 'The message was not valid JSON.');
        return;
      }
      const msg = clientMessageSchema.safeParse(parsed);
      if (!msg.success) {
        unreadable(
          `a malformed message at ${msg.error.issues
            .map((i) => i.path.join('.') || '(root)')
            .slice(0, 5)
            .join(', ')}`,
          'The message does not follow the protocol.',
        );
        return;
      }
      const m = msg.data;
      // Unsubscribing frees work: always allowed. Everything else counts against the rate.
      if (m.t !== 'unsub' && !withinRate()) {
        if (m.t === 'invoke')
          send({ t: 'result', id: m.id, result: { ok: false, error: busy(`over ${limits.ratePerSec} messages per second`) } });
        else send({ t: 'end', subId: m.subId, error: busy(`over ${limits.ratePerSec} messages per second`) });
        return;
      }
      switch (m.t) {
        case 'invoke':
          if (inFlight >= limits.maxInFlight) {
            send({ t: 'result', id: m.id, result: { ok: false, error: busy(`${limits.maxInFlight} requests already running`) } });
            return;
          }
          inFlight++;
          void router.invoke(senderId, m.channel, m.payload).then((result) => {
            inFlight--;
            send({ t: 'result', id: m.id, result });
          });
          return;
        case 'sub':
          router.subscribe(senderId, m.subId, m.channel, m.params, {
            event: (event) => {
              if (ws.bufferedAmount > highWaterMark) {
                log.warn(`[bridge] ${senderId} is ${ws.bufferedAmount} bytes behind; ending subscription ${m.subId} (${m.channel})`);
                throw new Backpressure('client too slow');
              }
              if (!send({ t: 'event', subId: m.subId, event })) throw new Backpressure('socket closed');
            },
            end: (error) => void send({ t: 'end', subId: m.subId, error }),
          });
          return;
        case 'unsub':
          router.unsubscribe(senderId, m.subId);
          return;
      }
    });
    ws.on('close', () => {
      router.disposeSender(senderId);
      log.info(`[bridge] ${senderId} disconnected`);
    });
    ws.on('error', (error) => log.warn(`[bridge] ${senderId} socket error: ${error.message}`));
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, opts.heartbeatMs ?? 30_000);
  heartbeat.unref();

  return {
    connectionCount: () => wss.clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        opts.server.off('upgrade', onUpgrade);
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
