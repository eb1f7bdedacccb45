/**
 * Tunnels opened ahead of the connections that will use them. Opening a tunnel costs a TLS
 * handshake (resumed: the connection's https.Agent keeps the session ticket) and a WebSocket
 * upgrade, 2–4 ms against a local API server and one or two round trips more against a remote one;
 * kubectl pays it once for its multiplexed SPDY tunnel. With a few tunnels ready, a connection is
 * piped at once and the next tunnel is opened while it talks.
 *
 * Each spare is closed unused after `keepMs`, and at once when it closes on its own (the pod went
 * away, the kubelet refused the port), so a forward nobody uses holds no tunnel. A spare is a TCP
 * connection to the pod's port that carries no bytes until used, like a browser's preconnect;
 * a server that speaks first (a database greeting) has its first bytes kept for the connection.
 *
 *   const spares = new SpareTunnels((pod, port) => openTunnel(conn, { namespace, pod, port }), { size: 2, keepMs: 5000 });
 *   spares.fill(pod, port);                 // when a connection comes
 *   const t = await spares.take(pod, port); // an open tunnel to that pod and port, or undefined
 */
import type { Result } from '../../src-shared/result';
import type { KubeSocket } from '../clusters/kube-websocket';

interface Spare {
  tunnel: KubeSocket;
  pod: string;
  podPort: number;
  timer: NodeJS.Timeout;
}

export class SpareTunnels {
  private readonly ready: Spare[] = [];
  private readonly opening = new Set<Promise<void>>();
  /** Connections waiting for a tunnel being opened; more than are being opened open their own. */
  private waiting = 0;
  private disposed = false;

  constructor(
    private readonly open: (pod: string, podPort: number) => Promise<Result<KubeSocket>>,
    private readonly opts: { size: number; keepMs: number },
  ) {}

  /** Ready or being opened. */
  get count(): number {
    return this.ready.length + this.opening.size;
  }

  /** Ready to take now. */
  get readyCount(): number {
    return this.ready.length;
  }

  /** Opens tunnels to pod:port until `upTo` (at most `size`) are ready or being opened. */
  fill(pod: string, podPort: number, upTo = this.opts.size): void {
    while (!this.disposed && this.count < Math.min(upTo, this.opts.size)) {
      const p: Promise<void> = this.open(pod, podPort).then((t) => {
        this.opening.delete(p);
        if (!t.ok) return;
        if (this.disposed) return void t.value.ws.close();
        const spare: Spare = { tunnel: t.value, pod, podPort, timer: setTimeout(() => this.drop(spare), this.opts.keepMs) };
        spare.timer.unref();
        this.ready.push(spare);
        t.value.onClose(() => this.drop(spare));
      });
      this.opening.add(p);
    }
  }

  /**
   * An open tunnel to pod:port: a ready one, or the next one being opened when no other connection
   * already waits for it. Spares to another pod or port (the selection moved) are closed.
   */
  async take(pod: string, podPort: number): Promise<KubeSocket | undefined> {
    const now = this.takeReady(pod, podPort);
    if (now || this.opening.size <= this.waiting) return now;
    this.waiting++;
    try {
      await Promise.race(this.opening);
    } finally {
      this.waiting--;
    }
    return this.takeReady(pod, podPort);
  }

  dispose(): void {
    this.disposed = true;
    for (const s of [...this.ready]) this.drop(s);
  }

  private takeReady(pod: string, podPort: number): KubeSocket | undefined {
    while (this.ready.length > 0) {
      const s = this.ready.shift()!;
      clearTimeout(s.timer);
      if (s.pod === pod && s.podPort === podPort && s.tunnel.ws.readyState === s.tunnel.ws.OPEN) return s.tunnel;
      s.tunnel.ws.close();
    }
    return undefined;
  }

  private drop(s: Spare): void {
    const i = this.ready.indexOf(s);
    if (i >= 0) this.ready.splice(i, 1);
    clearTimeout(s.timer);
    s.tunnel.ws.close();
  }
}
