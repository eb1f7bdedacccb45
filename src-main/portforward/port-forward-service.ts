/**
 * PortForwardService: local ports on 127.0.0.1 forwarded to a pod's or a Service's port through the
 * API server's pods/portforward (one WebSocket tunnel per local connection, tunnel.ts).
 *
 * A pod forward always reaches that pod. A Service forward reaches a ready pod behind the Service,
 * chosen as kubectl chooses it (pod-selection.ts), but unlike `kubectl port-forward svc/…` (one pod
 * for the whole session) it re-selects: the chosen pod is re-checked when a connection arrives more
 * than a second after the last check, and when it is gone, not ready, being deleted or refuses the
 * tunnel, the next ready pod is chosen. A connection that meets a lost pod retries with back-off
 * (200 ms doubling to 2 s) within a budget (5 attempts, 10 s), then is closed with the reason shown
 * in the list. Concurrent connections share one selection.
 *
 * Only this process opens local sockets; the renderer sees ids, names, ports and counters.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { backoffDelay } from '../../src-shared/base/backoff';
import type { ForwardInfo, ForwardTarget, StartForward, TargetPort } from '../../src-shared/portforward/contract';
import type { AppError, Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { ClusterConnection } from '../clusters/cluster-connection';
import type { PodLike, ServiceLike } from './pod-selection';
import { declaredPorts, isPodReady, pickReadyPod, podPortFor, selectorQuery, servicePort } from './pod-selection';
import { SpareTunnels } from './spare-tunnels';
import { openTunnel, pipeTunnel } from './tunnel';
import type { KubeSocket } from '../clusters/kube-websocket';

export interface RetryBudget {
  attempts: number;
  totalMs: number;
  initialMs: number;
  maxMs: number;
}
export const defaultRetryBudget: RetryBudget = { attempts: 5, totalMs: 10_000, initialMs: 200, maxMs: 2_000 };

export interface PortForwardDeps {
  connection(clusterId: string): ClusterConnection | undefined;
  retry?: RetryBudget;
  /** How long a selected pod is trusted without a fresh GET. Default 1 s. */
  verifyAfterMs?: number;
  /** Change notifications are coalesced to one per this many ms. Default 250. */
  notifyMs?: number;
  /**
   * Tunnels kept open ahead of connections (spare-tunnels.ts): how many, and how long one is kept
   * unused (ms). Default 2 and 5 s; 0 tunnels turns it off.
   */
  spares?: { size: number; keepMs: number };
}

interface Selection {
  pod: string;
  podPort: number;
  verifiedAt: number;
}

interface Forward {
  info: ForwardInfo;
  server: net.Server;
  sockets: Set<net.Socket>;
  selected?: Selection;
  selecting?: Promise<Result<Selection>>;
  /** The last pod chosen, to count moves to another pod. */
  lastPod?: string;
  /** Tunnels opened ahead for the next connections. */
  spares: SpareTunnels;
  /** The last connection ended with the kubelet's refusal: no tunnels ahead until one succeeds. */
  refused?: boolean;
}

const podPath = (ns: string, name: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}`;
const servicePath = (ns: string, name: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/services/${encodeURIComponent(name)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class PortForwardService {
  private readonly forwards = new Map<string, Forward>();
  private readonly listeners = new Set<(list: ForwardInfo[]) => void>();
  private notifyTimer: NodeJS.Timeout | undefined;
  private readonly retry: RetryBudget;

  constructor(private readonly deps: PortForwardDeps) {
    this.retry = deps.retry ?? defaultRetryBudget;
  }

  list(): ForwardInfo[] {
    return [...this.forwards.values()].map((f) => structuredClone(f.info));
  }

  /** Called with the whole list after changes, at most once per `notifyMs`. */
  onDidChange(listener: (list: ForwardInfo[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async ports(t: ForwardTarget): Promise<Result<TargetPort[]>> {
    const conn = this.deps.connection(t.clusterId);
    if (!conn) return noCluster(t.clusterId);
    if (t.kind === 'service') {
      const svc = await conn.getJson<ServiceLike>(servicePath(t.namespace, t.name), { verb: 'get', resource: 'services' });
      return svc.ok ? ok(declaredPorts({ kind: 'service', service: svc.value })) : svc;
    }
    const pod = await conn.getJson<PodLike>(podPath(t.namespace, t.name), { verb: 'get', resource: 'pods' });
    return pod.ok ? ok(declaredPorts({ kind: 'pod', pod: pod.value })) : pod;
  }

  async start(req: StartForward): Promise<Result<ForwardInfo>> {
    const conn = this.deps.connection(req.clusterId);
    if (!conn) return noCluster(req.clusterId);
    // Check the target first, so a typo or a missing Service port is an answer, not a dead listener.
    if (req.kind === 'service') {
      const svc = await conn.getJson<ServiceLike>(servicePath(req.namespace, req.name), { verb: 'get', resource: 'services' });
      if (!svc.ok) return svc;
      const sp = servicePort(svc.value, req.remotePort);
      if (typeof sp === 'string') return err('not-found', sp, { clusterId: req.clusterId });
      if (!selectorQuery(svc.value))
        return err('not-found', `Service ${req.name} has no selector, so no pod is behind it to forward to. Forward to a pod instead.`, {
          clusterId: req.clusterId,
        });
    } else {
      const pod = await conn.getJson<PodLike>(podPath(req.namespace, req.name), { verb: 'get', resource: 'pods' });
      if (!pod.ok) return pod;
    }
    const server = net.createServer();
    const listening = await new Promise<Result<number>>((resolve) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        resolve(
          e.code === 'EADDRINUSE'
            ? err(
                'conflict',
                `Local port ${req.localPort} is already in use on 127.0.0.1. Choose another port, or leave it empty for a free one.`,
              )
            : err('unavailable', `Cannot listen on 127.0.0.1:${req.localPort ?? 0} (${e.code ?? e.message}).`),
        ),
      );
      // Loopback only: a forward is for this machine, never for the network it is on.
      server.listen({ host: '127.0.0.1', port: req.localPort ?? 0 }, () => resolve(ok((server.address() as net.AddressInfo).port)));
    });
    if (!listening.ok) return listening;
    const id = randomBytes(6).toString('hex');
    const spares = this.deps.spares ?? { size: 2, keepMs: 5_000 };
    const f: Forward = {
      server,
      sockets: new Set(),
      spares: new SpareTunnels((pod, port) => {
        const c = this.deps.connection(req.clusterId);
        return c ? openTunnel(c, { namespace: req.namespace, pod, port }) : Promise.resolve(noCluster(req.clusterId));
      }, spares),
      info: {
        id,
        clusterId: req.clusterId,
        namespace: req.namespace,
        kind: req.kind,
        name: req.name,
        remotePort: req.remotePort,
        localPort: listening.value,
        ...(req.kind === 'pod' ? { pod: req.name, podPort: req.remotePort } : {}),
        state: 'active',
        connections: { open: 0, total: 0, failed: 0 },
        bytes: { sent: 0, received: 0 },
        reselections: 0,
        startedAt: Date.now(),
      },
    };
    server.on('error', () => undefined);
    server.on('connection', (socket) => void this.accept(f, socket));
    this.forwards.set(id, f);
    this.changed();
    return ok(structuredClone(f.info));
  }

  stop(id: string): Result<null> {
    const f = this.forwards.get(id);
    if (!f) return err('not-found', 'That port-forward has already stopped.');
    this.forwards.delete(id);
    f.info.state = 'stopped';
    f.spares.dispose();
    f.server.close();
    for (const s of f.sockets) s.destroy();
    this.changed();
    return ok(null);
  }

  dispose(): void {
    for (const id of [...this.forwards.keys()]) this.stop(id);
    clearTimeout(this.notifyTimer);
    this.listeners.clear();
  }

  private async accept(f: Forward, socket: net.Socket): Promise<void> {
    socket.pause();
    // Interactive protocols (HTTP requests, database round trips) want each write sent at once.
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    f.sockets.add(socket);
    f.info.connections.open++;
    f.info.connections.total++;
    socket.once('close', () => {
      f.sockets.delete(socket);
      f.info.connections.open--;
      this.changed();
    });
    this.changed();
    // None ready: open one to the pod the last connection reached (the likely one) while this one
    // selects; it takes it if the selection agrees.
    if (f.info.pod !== undefined && f.info.podPort !== undefined && !f.refused && f.spares.readyCount === 0)
      f.spares.fill(f.info.pod, f.info.podPort, 1);
    const conn = this.deps.connection(f.info.clusterId);
    const t = conn ? await this.tunnelFor(f, conn, socket) : noCluster(f.info.clusterId);
    if (!this.forwards.has(f.info.id) || socket.destroyed) {
      if (t.ok) t.value.tunnel.ws.close();
      socket.destroy();
      return;
    }
    if (!t.ok) {
      f.info.connections.failed++;
      f.info.state = t.error.code === 'not-found' && f.info.kind === 'service' ? 'no-pod' : 'error';
      f.info.message = t.error.message;
      socket.destroy();
      this.changed();
      return;
    }
    const { tunnel, pod, podPort } = t.value;
    Object.assign(f.info, { pod, podPort, state: 'active' });
    delete f.info.message;
    pipeTunnel(
      tunnel,
      socket,
      {
        sent: (n) => {
          f.info.bytes.sent += n;
          this.changed();
        },
        received: (n) => {
          f.info.bytes.received += n;
          this.changed();
        },
      },
      (error) => {
        f.refused = error !== undefined;
        if (error && this.forwards.has(f.info.id)) {
          f.info.connections.failed++;
          f.info.state = 'error';
          f.info.message = `${pod}:${podPort} refused the connection: ${error}`;
        }
        this.changed();
      },
    );
    socket.resume();
    // Tunnels for the next connections, once this one's first bytes are on their way.
    setImmediate(() => !f.refused && this.forwards.has(f.info.id) && f.spares.fill(pod, podPort));
  }

  /** A tunnel for one connection: the pod itself, or a Service's selected pod with re-selection and back-off. */
  private async tunnelFor(
    f: Forward,
    conn: ClusterConnection,
    socket: net.Socket,
  ): Promise<Result<{ tunnel: KubeSocket; pod: string; podPort: number }>> {
    const { namespace, kind, name, remotePort } = f.info;
    if (kind === 'pod') {
      const spare = await f.spares.take(name, remotePort);
      if (spare) return ok({ tunnel: spare, pod: name, podPort: remotePort });
      const t = await openTunnel(conn, { namespace, pod: name, port: remotePort });
      return t.ok ? ok({ tunnel: t.value, pod: name, podPort: remotePort }) : t;
    }
    const started = Date.now();
    let last: AppError | undefined;
    for (let attempt = 0; ; attempt++) {
      const sel = await this.selection(f, conn);
      if (sel.ok) {
        // A spare is used only for the pod the selection (checked within the last second) names.
        const spare = await f.spares.take(sel.value.pod, sel.value.podPort);
        if (spare) return ok({ tunnel: spare, pod: sel.value.pod, podPort: sel.value.podPort });
        const t = await openTunnel(conn, { namespace, pod: sel.value.pod, port: sel.value.podPort });
        if (t.ok) return ok({ tunnel: t.value, pod: sel.value.pod, podPort: sel.value.podPort });
        last = t.error;
        // The pod refused the tunnel (gone, not running): forget it so the next try selects again.
        if (f.selected?.pod === sel.value.pod) f.selected = undefined;
      } else last = sel.error;
      const delay = backoffDelay(attempt, { initialMs: this.retry.initialMs, maxMs: this.retry.maxMs });
      if (
        attempt + 1 >= this.retry.attempts ||
        Date.now() - started + delay > this.retry.totalMs ||
        socket.destroyed ||
        !this.forwards.has(f.info.id)
      ) {
        return {
          ok: false,
          error: {
            ...last,
            message: `${last.message} (gave up after ${attempt + 1} attempt${attempt ? 's' : ''}; the next connection tries again)`,
          },
        };
      }
      await sleep(delay);
    }
  }

  /** The selected pod, re-checked when older than `verifyAfterMs`; one selection at a time. */
  private async selection(f: Forward, conn: ClusterConnection): Promise<Result<Selection>> {
    const verifyAfter = this.deps.verifyAfterMs ?? 1_000;
    const s = f.selected;
    if (s && Date.now() - s.verifiedAt < verifyAfter) return ok(s);
    f.selecting ??= (async () => {
      try {
        if (s) {
          const pod = await conn.getJson<PodLike>(podPath(f.info.namespace, s.pod), { verb: 'get', resource: 'pods' });
          if (pod.ok && isPodReady(pod.value)) {
            s.verifiedAt = Date.now();
            return ok(s);
          }
          f.selected = undefined;
        }
        const next = await this.select(f, conn);
        if (next.ok) {
          if (f.lastPod && f.lastPod !== next.value.pod) f.info.reselections++;
          f.lastPod = next.value.pod;
          f.selected = next.value;
        }
        return next;
      } finally {
        f.selecting = undefined;
      }
    })();
    return f.selecting;
  }

  private async select(f: Forward, conn: ClusterConnection): Promise<Result<Selection>> {
    const { clusterId, namespace, name, remotePort } = f.info;
    // The Service is read again: its selector or ports may have changed since the forward started.
    const svc = await conn.getJson<ServiceLike>(servicePath(namespace, name), { verb: 'get', resource: 'services' });
    if (!svc.ok) return svc;
    const sp = servicePort(svc.value, remotePort);
    if (typeof sp === 'string') return err('not-found', sp, { clusterId });
    const selector = selectorQuery(svc.value);
    if (!selector) return err('not-found', `Service ${name} no longer has a selector, so no pod is behind it.`, { clusterId });
    const pods = await conn.getJson<{ items: PodLike[] }>(
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?labelSelector=${encodeURIComponent(selector)}`,
      { verb: 'list', resource: 'pods' },
    );
    if (!pods.ok) return pods;
    const pod = pickReadyPod(pods.value.items);
    if (!pod)
      return err(
        'not-found',
        `No ready pod behind Service ${name} (selector ${selector}, ${pods.value.items.length} pod${pods.value.items.length === 1 ? '' : 's'} found). Capstan selects one at the next connection.`,
        { clusterId },
      );
    const podPort = podPortFor(sp, pod);
    if (typeof podPort === 'string') return err('not-found', podPort, { clusterId });
    return ok({ pod: pod.metadata.name, podPort, verifiedAt: Date.now() });
  }

  private changed(): void {
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      const list = this.list();
      for (const l of this.listeners) l(list);
    }, this.deps.notifyMs ?? 250);
  }
}

const noCluster = (clusterId: string) => err('not-found', `No cluster "${clusterId}". Reload the cluster list.`, { clusterId });
