/**
 * One forwarded TCP connection: a WebSocket to pods/{pod}/portforward?ports=N speaking the channel
 * protocol (`v4.channel.k8s.io`, or the older `portforward.k8s.io`): channel 0 carries the data,
 * channel 1 the kubelet's error text, and each channel starts with the port number (2 bytes, little
 * endian), which is skipped. One WebSocket per local connection, as client-go's WebSocket
 * port-forward for client libraries does; kubectl's SPDY tunnel multiplexes instead, which needs a
 * SPDY implementation that Capstan does not carry.
 *
 * The channel protocol has no half-close: when the local client ends its side, the tunnel closes
 * (HTTP clients do not half-close; a protocol that does would lose the answer in flight).
 */
import type { Socket } from 'node:net';
import type { Result } from '../../src-shared/result';
import type { ClusterConnection } from '../clusters/cluster-connection';
import type { KubeSocket } from '../clusters/kube-websocket';
import { openKubeWebSocket } from '../clusters/kube-websocket';

export interface TunnelTarget {
  namespace: string;
  pod: string;
  port: number;
}

export interface TunnelCounters {
  sent(bytes: number): void;
  received(bytes: number): void;
}

/** Above this much unsent data one side is paused until the other drains. */
const HIGH_WATER = 1024 * 1024;

export function openTunnel(conn: ClusterConnection, t: TunnelTarget): Promise<Result<KubeSocket>> {
  return openKubeWebSocket(conn, {
    path: `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}/portforward`,
    query: new URLSearchParams({ ports: String(t.port) }),
    protocols: ['v4.channel.k8s.io', 'portforward.k8s.io'],
    what: `a tunnel to ${t.pod}:${t.port}`,
    resource: 'pods/portforward',
  });
}

/**
 * Joins the local socket and the open tunnel until either ends. `done` is called once, with the
 * kubelet's error text when it sent one (nothing listening on the port, …).
 */
export function pipeTunnel(tunnel: KubeSocket, socket: Socket, counters: TunnelCounters, done: (error?: string) => void): void {
  const { ws } = tunnel;
  const skip = [2, 2];
  let errorText = '';
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    socket.destroySoon();
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
    done(errorText.trim() || undefined);
  };
  tunnel.onMessage((m) => {
    const ch = m[0];
    if (ch !== 0 && ch !== 1) return;
    let payload = m.subarray(1);
    if (skip[ch]! > 0) {
      const n = Math.min(skip[ch]!, payload.length);
      skip[ch]! -= n;
      payload = payload.subarray(n);
    }
    if (payload.length === 0) return;
    if (ch === 1) {
      if (errorText.length < 4096) errorText += payload.toString('utf8');
      // Any text on the error channel means this connection failed (the kubelet closes after it).
      setImmediate(finish);
      return;
    }
    counters.received(payload.length);
    if (!socket.write(payload)) {
      ws.pause();
      socket.once('drain', () => ws.resume());
    }
  });
  socket.on('data', (d: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    counters.sent(d.length);
    ws.send(Buffer.concat([Buffer.from([0]), d]));
    if (ws.bufferedAmount > HIGH_WATER) {
      socket.pause();
      const wait = () => (ws.bufferedAmount > HIGH_WATER && ws.readyState === ws.OPEN ? setTimeout(wait, 10) : socket.resume());
      setTimeout(wait, 10);
    }
  });
  tunnel.onClose(finish);
  ws.on('error', finish);
  socket.on('end', finish);
  socket.on('error', finish);
  socket.on('close', finish);
}
