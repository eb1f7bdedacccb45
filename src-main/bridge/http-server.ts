import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WS_PATH } from '../../src-shared/contract/wire';
import { contentSecurityPolicy, securityHeaders } from '../base/csp';
import { resolveStaticPath } from '../base/static-files';
import { consoleLogger, type Logger } from '../ipc/logger';
import type { Router } from '../ipc/router';
import { checkHost, newToken } from './auth';
import { attachWsBridge, type WsBridge, type WsBridgeOptions } from './ws-bridge';

export interface BridgeServerOptions {
  router: Router;
  /** The renderer build (out/renderer). */
  rendererDir: string;
  /** 0 or undefined: a free port. */
  port?: number;
  /** Defaults to a fresh random token. */
  token?: string;
  logger?: Logger;
  highWaterMark?: number;
  heartbeatMs?: number;
  limits?: WsBridgeOptions['limits'];
}

export interface BridgeServer {
  /** http://127.0.0.1:PORT/#token=... : what the user opens. */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  token: string;
  port: number;
  ws: WsBridge;
  close(): Promise<void>;
}

/**
 * Browser mode's server: the renderer build over HTTP and the IPC bridge over a WebSocket, on
 * 127.0.0.1 only. Static files are public (they hold no data) but still get the Host check and
 * the same CSP as Electron, plus this server's WebSocket origin in connect-src.
 */
export async function startBridgeServer(opts: BridgeServerOptions): Promise<BridgeServer> {
  const log = opts.logger ?? consoleLogger;
  const token = opts.token ?? newToken();
  let port = opts.port ?? 0;
  let headers: Record<string, string> = {};

  const server = http.createServer((req, res) => {
    const host = checkHost(req.headers, port);
    if (!host.ok) {
      log.warn(`[bridge] refused ${req.method} from ${req.socket.remoteAddress}: ${host.reason}`);
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Forbidden');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method Not Allowed');
      return;
    }
    const pathname = (req.url ?? '/').split(/[?#]/)[0] || '/';
    if (pathname === WS_PATH) {
      res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' }).end('Upgrade Required');
      return;
    }
    const resolved = resolveStaticPath(opts.rendererDir, pathname);
    if (!resolved.ok) {
      res.writeHead(resolved.status, { 'Content-Type': 'text/plain' }).end(http.STATUS_CODES[resolved.status]);
      return;
    }
    fs.stat(resolved.file, (statErr, stat) => {
      if (statErr || !stat.isFile()) {
        const missingIndex = pathname === '/' || pathname === '/index.html';
        res
          .writeHead(404, { 'Content-Type': 'text/plain' })
          .end(missingIndex ? 'The renderer is not built. Run `npm run build:renderer` (npm run serve does it for you).' : 'Not Found');
        return;
      }
      res.writeHead(200, { ...headers, 'Content-Type': resolved.contentType, 'Content-Length': String(stat.size) });
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      fs.createReadStream(resolved.file)
        .on('error', () => res.destroy())
        .pipe(res);
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  headers = securityHeaders(contentSecurityPolicy({ connectSrc: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] }));
  const ws = attachWsBridge({
    server,
    router: opts.router,
    port,
    token,
    logger: log,
    highWaterMark: opts.highWaterMark,
    heartbeatMs: opts.heartbeatMs,
    limits: opts.limits,
  });
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    ws,
    close: async () => {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
