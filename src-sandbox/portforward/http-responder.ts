/**
 * What answers on a sandbox container's ports: a small HTTP/1.1 server per connection (keep-alive,
 * Content-Length bodies), deterministic per pod and container. Spring Boot style endpoints:
 * `/actuator/health` (+ `/liveness`, `/readiness`) → {"status":"UP"}, `/actuator/info`, and
 * everything else a short page naming the pod, container and port (404 for `/favicon.ico`).
 */
import type { KubeObject } from '../kube/types';

export interface PortTarget {
  pod: KubeObject;
  port: number;
  container: string;
}

type Container = { name: string; ports?: { containerPort: number }[]; readinessProbe?: Probe; livenessProbe?: Probe };
type Probe = { httpGet?: { port?: number | string } };

/** The container listening on `port`, or undefined when nothing listens there (connection refused). */
export function listenerOf(pod: KubeObject, port: number): string | undefined {
  const containers = (pod.spec?.containers ?? []) as Container[];
  const declares = (c: Container) =>
    [...(c.ports ?? []).map((p) => p.containerPort), ...[c.readinessProbe, c.livenessProbe].map((p) => Number(p?.httpGet?.port))].filter(
      Number.isFinite,
    );
  const hit = containers.find((c) => declares(c).includes(port));
  if (hit) return hit.name;
  // A pod that declares no port at all: its image listens where it listens; assume the port asked for.
  return containers.every((c) => declares(c).length === 0) ? containers[0]?.name : undefined;
}

/** An HTTP connection: feed it request bytes, it writes responses; `end` after `Connection: close`. */
export class HttpResponder {
  private buf = Buffer.alloc(0) as Buffer;
  private closed = false;

  constructor(
    private readonly t: PortTarget,
    private readonly write: (b: Buffer) => void,
    private readonly end: () => void,
  ) {}

  feed(chunk: Buffer): void {
    if (this.closed) return;
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      const headEnd = this.buf.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = this.buf.subarray(0, headEnd).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(
        head.slice(1).map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      const length = Number(headers['content-length'] ?? 0);
      if (this.buf.length < headEnd + 4 + length) return;
      this.buf = this.buf.subarray(headEnd + 4 + length);
      const [method = 'GET', target = '/', version = 'HTTP/1.1'] = head[0]!.split(' ');
      const close =
        headers.connection?.toLowerCase() === 'close' || (version === 'HTTP/1.0' && headers.connection?.toLowerCase() !== 'keep-alive');
      this.respond(method, target, close);
      if (close) {
        this.closed = true;
        this.end();
        return;
      }
    }
  }

  private respond(method: string, target: string, close: boolean): void {
    const path = target.split('?')[0]!;
    const { pod, port, container } = this.t;
    let status = 200;
    let type = 'application/json';
    let body: string;
    if (/^\/actuator\/health(\/(liveness|readiness))?$/.test(path)) body = JSON.stringify({ status: 'UP' });
    else if (path === '/actuator/info')
      body = JSON.stringify({
        app: { name: pod.metadata.labels?.['app.kubernetes.io/name'] ?? container },
        pod: pod.metadata.name,
        image: imageOf(pod, container),
      });
    else if (path === '/favicon.ico') {
      status = 404;
      body = JSON.stringify({ status: 404, error: 'Not Found', path });
    } else {
      type = 'text/plain; charset=utf-8';
      body = `Hello from ${pod.metadata.namespace}/${pod.metadata.name}, container ${container} (${imageOf(pod, container)}), port ${port}: ${method} ${target}\n`;
    }
    const bytes = Buffer.from(body);
    const reason = status === 200 ? 'OK' : 'Not Found';
    this.write(
      Buffer.concat([
        Buffer.from(
          `HTTP/1.1 ${status} ${reason}\r\nContent-Type: ${type}\r\nContent-Length: ${bytes.length}\r\nDate: ${new Date().toUTCString()}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`,
          'latin1',
        ),
        method === 'HEAD' ? Buffer.alloc(0) : bytes,
      ]),
    );
  }
}

function imageOf(pod: KubeObject, container: string): string {
  return ((pod.spec?.containers ?? []) as { name: string; image: string }[]).find((c) => c.name === container)?.image ?? '';
}
