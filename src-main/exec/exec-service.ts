/**
 * ExecService: `pods/exec` over WebSocket with the cluster's own credentials and TLS (the
 * ClusterConnection's prepared headers and agent), subprotocol v5.channel.k8s.io with v4 as the
 * fallback. A session exposes stdin, resize and close; stdout/stderr arrive as bytes; the end
 * arrives once, with the exit code parsed from the metav1.Status on channel 3.
 */
import type { AppError, Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { ClusterConnection } from '../clusters/cluster-connection';
import { openKubeWebSocket } from '../clusters/kube-websocket';

export interface ExecTarget {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  stdin: boolean;
  tty: boolean;
  /** pods/attach instead of pods/exec: join the container's main process (command unused). */ attach?: boolean;
}
export interface ExecHandlers {
  data(channel: 1 | 2, data: Buffer): void;
  /** Once: exit code (0 ok, n from NonZeroExitCode, 1 with a message for other failures) or a connection error. */
  end(exit: { code: number; message?: string } | { error: AppError }): void;
}
export interface ExecSession {
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  closeStdin(): void;
  close(): void;
  readonly protocol: string;
}

interface Status {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

export function exitOf(status: Status): { code: number; message?: string } {
  if (status.status === 'Success') return { code: 0 };
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && cause) return { code: Number(cause.message) || 1 };
  return { code: 1, message: status.message ?? 'The command failed.' };
}

export class ExecService {
  constructor(private readonly connection: (clusterId: string) => ClusterConnection | undefined) {}

  async open(clusterId: string, t: ExecTarget, h: ExecHandlers): Promise<Result<ExecSession>> {
    const conn = this.connection(clusterId);
    if (!conn) return err('not-found', `No cluster "${clusterId}". Reload the cluster list.`, { clusterId });
    const q = new URLSearchParams();
    // attach joins the container's main process (an ephemeral debug container's shell); exec starts a command.
    if (!t.attach) for (const c of t.command) q.append('command', c);
    if (t.container) q.set('container', t.container);
    q.set('stdin', String(t.stdin));
    q.set('stdout', 'true');
    q.set('stderr', String(!t.tty));
    q.set('tty', String(t.tty));
    const sub = t.attach ? 'attach' : 'exec';
    const opened = await openKubeWebSocket(conn, {
      path: `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}/${sub}`,
      query: q,
      protocols: ['v5.channel.k8s.io', 'v4.channel.k8s.io'],
      what: `a shell on ${t.pod}`,
      resource: `pods/${sub}`,
    });
    if (!opened.ok) return opened;
    const { ws } = opened.value;
    let ended = false;
    const end = (e: Parameters<ExecHandlers['end']>[0]) => {
      if (ended) return;
      ended = true;
      h.end(e);
    };
    ws.on('error', (e: NodeJS.ErrnoException) =>
      end({ error: { code: 'unavailable', message: `The exec connection broke (${e.code ?? e.message}).`, clusterId } }),
    );
    opened.value.onMessage((m) => {
      const ch = m[0];
      if (ch === 1 || ch === 2) h.data(ch, m.subarray(1));
      else if (ch === 3) {
        try {
          const exit = exitOf(JSON.parse(m.subarray(1).toString('utf8')) as Status);
          end(exit.message ? { ...exit, message: conn.scrub(exit.message) } : exit);
        } catch {
          end({ code: 1, message: conn.scrub(m.subarray(1).toString('utf8').slice(0, 500)) });
        }
      }
    });
    opened.value.onClose(() => end({ code: 0 }));
    const send = (ch: number, d: Buffer) => ws.readyState === ws.OPEN && ws.send(Buffer.concat([Buffer.from([ch]), d]));
    return ok({
      protocol: ws.protocol,
      write: (d) => send(0, typeof d === 'string' ? Buffer.from(d, 'utf8') : d),
      resize: (cols, rows) => send(4, Buffer.from(JSON.stringify({ Width: cols, Height: rows }))),
      closeStdin: () => (ws.protocol === 'v5.channel.k8s.io' ? send(255, Buffer.from([0])) : undefined),
      close: () => ws.close(1000),
    });
  }
}
