/**
 * pods/{name}/portforward, in the three forms clients use:
 * - WebSocket with subprotocol `SPDY/3.1+portforward.k8s.io`: SPDY tunnelled in binary messages
 *   (kubectl ≥ 1.31 tries this first);
 * - an HTTP `Upgrade: SPDY/3.1` with `X-Stream-Protocol-Version: portforward.k8s.io` (kubectl's
 *   fallback, and older clients);
 * - WebSocket `v4.channel.k8s.io` / `portforward.k8s.io` with `?ports=` (channel 2i data and 2i+1
 *   error for the i-th port, each opened by the port number in little-endian; client libraries).
 * Each connection reaches the container's port inside the sandbox: an HTTP responder where a
 * container listens (http-responder.ts), "connection refused" on the error stream elsewhere.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { HttpResponder, listenerOf } from './http-responder';
import type { SpdyStream } from './spdy-session';
import { SpdySession } from './spdy-session';

export interface PortForwardDeps {
  store: ObjectStore;
  token: string;
  fault(path: string): { status: number; reason: string; message: string } | undefined;
}

const TUNNEL = 'SPDY/3.1+portforward.k8s.io';
/** `ws` refuses "/" in a subprotocol token; the tunnel's name is swapped for this alias on the way in. */
const TUNNEL_ALIAS = 'spdy-3.1-portforward.k8s.io';
const CHANNEL_PROTOCOLS = ['v4.channel.k8s.io', 'portforward.k8s.io'];
const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (offered) => (offered.has(TUNNEL_ALIAS) ? TUNNEL : (CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false)),
});

function refuse(socket: Duplex, code: number, reason: string, message: string): true {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  socket.end(
    `HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  return true;
}

/** The message the kubelet writes on the error stream when nothing listens on the port. */
export function refusedMessage(pod: KubeObject, port: number): string {
  const netns = `/var/run/netns/cni-${(pod.metadata.uid ?? '').slice(0, 8)}`;
  return `error forwarding port ${port} to pod ${pod.metadata.uid}, uid : failed to execute portforward in network namespace "${netns}": failed to connect to localhost:${port} inside namespace "${pod.metadata.uid}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused IPv6 dial tcp6 [::1]:${port}: connect: connection refused `;
}

/** One forwarded connection to `port`: bytes in, bytes out, or a refusal. */
function connect(pod: KubeObject, port: number, out: (b: Buffer) => void, end: () => void): ((b: Buffer) => void) | string {
  const container = listenerOf(pod, port);
  if (!container) return refusedMessage(pod, port);
  const http = new HttpResponder({ pod, port, container }, out, end);
  return (b) => http.feed(b);
}

/** Open tunnels by store and pod uid: a deleted pod's are cut, as its network namespace goes away. */
const tunnels = new WeakMap<ObjectStore, Map<string, Set<() => void>>>();

function track(store: ObjectStore, pod: KubeObject, cut: () => void): () => void {
  let byUid = tunnels.get(store);
  if (!byUid) {
    const map = (byUid = new Map<string, Set<() => void>>());
    tunnels.set(store, map);
    store.subscribe((e) => {
      if (e.resource !== 'pods' || e.type !== 'DELETED') return;
      const uid = e.object.obj.metadata.uid ?? '';
      const open = map.get(uid);
      map.delete(uid);
      for (const c of open ?? []) c();
    });
  }
  const uid = pod.metadata.uid ?? '';
  const set = byUid.get(uid) ?? new Set();
  byUid.set(uid, set);
  set.add(cut);
  return () => set.delete(cut);
}

/** Handle an upgrade of pods/{name}/portforward; false when the path is something else. */
export function handlePortForwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, deps: PortForwardDeps): boolean {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/.exec(url.pathname);
  if (!m) return false;
  if (req.headers.authorization !== `Bearer ${deps.token}`) return refuse(socket, 401, 'Unauthorized', 'Unauthorized');
  const fault = deps.fault(url.pathname);
  if (fault) return refuse(socket, fault.status, fault.reason, fault.message);
  const [ns, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
  const pod = deps.store.get('pods', ns, name)?.obj;
  if (!pod) return refuse(socket, 404, 'NotFound', `pods "${name}" not found`);
  if (pod.status?.phase !== 'Running')
    return refuse(socket, 400, 'BadRequest', `unable to upgrade connection: pod not running: ${pod.status?.phase ?? 'Pending'}`);
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'spdy/3.1') {
    const versions = String(req.headers['x-stream-protocol-version'] ?? '')
      .split(',')
      .map((v) => v.trim());
    if (!versions.includes('portforward.k8s.io'))
      return refuse(
        socket,
        403,
        'Forbidden',
        `unable to upgrade: no common protocol version: client ${versions.join(',')}, server portforward.k8s.io`,
      );
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n',
    );
    const session = spdyPortForward(
      pod,
      (b) => socket.write(b),
      () => socket.destroy(),
    );
    socket.on(
      'close',
      track(deps.store, pod, () => socket.destroy()),
    );
    if (head.length) session.feed(head);
    socket.on('data', (d: Buffer) => session.feed(d));
    socket.on('close', () => session.close());
    socket.on('error', () => session.close());
    return true;
  }
  const offered = req.headers['sec-websocket-protocol'];
  if (offered)
    req.headers['sec-websocket-protocol'] = offered
      .split(',')
      .map((p) => (p.trim() === TUNNEL ? TUNNEL_ALIAS : p.trim()))
      .join(', ');
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on(
      'close',
      track(deps.store, pod, () => ws.terminate()),
    );
    if (ws.protocol === TUNNEL) {
      const session = spdyPortForward(
        pod,
        (b) => ws.readyState === ws.OPEN && ws.send(b),
        () => ws.close(),
      );
      ws.on('message', (d: Buffer) => session.feed(d));
      ws.on('close', () => session.close());
    } else
      channelPortForward(
        ws,
        pod,
        url.searchParams
          .getAll('ports')
          .flatMap((p) => p.split(','))
          .map(Number),
      );
  });
  return true;
}

/** Port-forward over SPDY: an error stream and a data stream per connection, paired by requestid. */
function spdyPortForward(pod: KubeObject, write: (b: Buffer) => void, fail: () => void): SpdySession {
  const pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream }>();
  const session = new SpdySession(
    write,
    (s) => {
      const id = s.headers.requestid ?? '';
      const pair = pairs.get(id) ?? {};
      pairs.set(id, pair);
      if (s.headers.streamtype === 'error') pair.error = s;
      else if (s.headers.streamtype === 'data') pair.data = s;
      else return s.end();
      if (!pair.data || !pair.error) return;
      pairs.delete(id);
      const { data, error } = pair;
      const port = Number(data.headers.port);
      const sink = connect(
        pod,
        port,
        (b) => data.write(b),
        () => {
          data.end();
          error.end();
        },
      );
      if (typeof sink === 'string') {
        error.write(Buffer.from(sink));
        error.end();
        data.end();
        return;
      }
      data.onData = sink;
      data.onEnd = () => {
        data.end();
        error.end();
      };
    },
    (e) => {
      console.error('[sandbox port-forward]', e);
      fail();
    },
  );
  return session;
}

function channelPortForward(ws: WebSocket, pod: KubeObject, ports: number[]): void {
  if (ports.length === 0 || ports.some((p) => !(p > 0 && p < 65536))) {
    ws.close(1008, 'query parameter "ports" is required and must name valid ports');
    return;
  }
  const send = (ch: number, b: Buffer) => ws.readyState === ws.OPEN && ws.send(Buffer.concat([Buffer.from([ch]), b]));
  // As the kubelet's WebSocket handler: each port's pair ends on its own (refused, or the
  // connection closed), and the socket closes once every pair has ended.
  let open = ports.length;
  const pairEnded = () => --open === 0 && ws.close();
  const sinks = ports.map((port, i) => {
    const le = Buffer.from([port & 0xff, port >> 8]);
    send(2 * i, le);
    send(2 * i + 1, le);
    let ended = false;
    const end = () => !ended && (ended = true) && pairEnded();
    const sink = connect(pod, port, (b) => send(2 * i, b), end);
    if (typeof sink === 'string') {
      send(2 * i + 1, Buffer.from(sink));
      end();
    }
    return typeof sink === 'string' ? undefined : sink;
  });
  ws.on('message', (d: Buffer) => {
    const ch = d[0]!;
    if (ch % 2 === 0) sinks[ch / 2]?.(d.subarray(1));
  });
}
