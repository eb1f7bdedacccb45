/**
 * The exec subresource over WebSocket, as the apiserver/kubelet speak it to kubectl ≥ 1.30:
 * subprotocol `v5.channel.k8s.io` (or `v4.channel.k8s.io`), every binary frame prefixed with a
 * channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error (a metav1.Status when the process ends), 4
 * resize ({"Width","Height"}), 255 close (v5 only: the client half-closes stdin).
 * The process runs the sandbox's small shell (shell.ts); closing the socket ends it.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { ObjectStore } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { defaultLogConfig, logConfigFor, NO_SHELL_ANNOTATION } from '../logs/config';
import { containerStatus, instanceOf } from '../logs/pod-log-stream';
import { ApiError } from '../server/status';
import type { ShellIO } from './shell';
import { ExitRequest, Shell, SHELLS } from './shell';
import { TtyLine } from './tty';

export interface ExecDeps {
  store: ObjectStore;
  token: string;
  /** Simulated seconds per real second (the log timeline of unconfigured clusters). */
  clockSpeed?: number;
  /** An injected HTTP-status fault, if one applies to this path. */
  fault(path: string): { status: number; reason: string; message: string } | undefined;
}

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  handleProtocols: (offered) => PROTOCOLS.find((p) => offered.has(p)) ?? false,
});
const sessions = new WeakMap<ObjectStore, Set<WebSocket>>();

/** Exec sessions open against a cluster (tests check that closing a shell ends the process). */
export const openExecSessions = (store: ObjectStore): number => sessions.get(store)?.size ?? 0;

function refuse(socket: Duplex, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  socket.end(
    `HTTP/1.1 ${code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Handle an upgrade request; false when the path is not pods/exec (the caller answers 404). */
export function handleExecUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, deps: ExecDeps): boolean {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach)$/.exec(url.pathname);
  if (!m) return false;
  const attach = m[3] === 'attach';
  if (req.headers.authorization !== `Bearer ${deps.token}`) return (refuse(socket, 401, 'Unauthorized', 'Unauthorized'), true);
  const fault = deps.fault(url.pathname);
  if (fault) return (refuse(socket, fault.status, fault.reason, fault.message), true);
  const [ns, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
  const pod = deps.store.get('pods', ns, name)?.obj;
  if (!pod) return (refuse(socket, 404, 'NotFound', `pods "${name}" not found`), true);
  const p = url.searchParams;
  const containers = [...(pod.spec.containers ?? []), ...(pod.spec.ephemeralContainers ?? [])].map((c: { name: string }) => c.name);
  const container = p.get('container') || containers[0]!;
  if (!containers.includes(container))
    return (refuse(socket, 400, 'BadRequest', `container ${container} is not valid for pod ${name}`), true);
  if (!containerStatus(pod, container)?.state?.running)
    return (refuse(socket, 400, 'BadRequest', `unable to upgrade connection: container not found ("${container}")`), true);
  // attach joins the container's main process: the sandbox's shell, interactive when stdin is attached.
  const command = attach ? ['sh'] : p.getAll('command');
  if (command.length === 0) return (refuse(socket, 400, 'BadRequest', 'you must specify at least 1 command'), true);
  wss.handleUpgrade(req, socket, head, (ws) => {
    let set = sessions.get(deps.store);
    if (!set) sessions.set(deps.store, (set = new Set()));
    set.add(ws);
    ws.on('close', () => set.delete(ws));
    const ephemeral = attach && (pod.spec.ephemeralContainers ?? []).some((c: { name: string }) => c.name === container);
    runSession(ws, deps.store, pod, container, command, {
      clockSpeed: deps.clockSpeed ?? 1,
      stdin: p.get('stdin') === 'true',
      tty: p.get('tty') === 'true',
      onEnd: ephemeral ? (code) => ephemeralExited(deps.store, pod, container, code) : undefined,
    });
  });
  return true;
}

function runSession(
  ws: WebSocket,
  store: ObjectStore,
  pod: KubeObject,
  container: string,
  command: string[],
  o: { clockSpeed: number; stdin: boolean; tty: boolean; onEnd?: (code: number) => void },
): void {
  const v5 = ws.protocol === 'v5.channel.k8s.io';
  const abort = new AbortController();
  const send = (ch: number, data: string | Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    ws.send(Buffer.concat([Buffer.from([ch]), b]));
  };
  const crlf = (s: string) => (o.tty ? s.replace(/\r?\n/g, '\r\n') : s);
  // stdin as one buffer, for commands that read it whole (tar x); complete when the client closes it.
  const stdinChunks: Buffer[] = [];
  let stdinDone: () => void = () => {};
  const stdinClosed = new Promise<void>((resolve) => (stdinDone = resolve));
  ws.on('close', () => stdinDone());
  const io: ShellIO = {
    out: (s: string) => send(1, crlf(s)),
    err: (s: string) => send(o.tty ? 1 : 2, crlf(s)),
    bytes: (b: Buffer) => send(1, b),
    stdin: () => stdinClosed.then(() => Buffer.concat(stdinChunks)),
  };
  const finish = (code: number, failure?: { message: string; reason: string }) => {
    o.onEnd?.(code);
    const status = failure
      ? { metadata: {}, status: 'Failure', message: failure.message, reason: failure.reason, code: 500 }
      : code === 0
        ? { metadata: {}, status: 'Success' }
        : {
            metadata: {},
            status: 'Failure',
            message: `command terminated with non-zero exit code: exit status ${code}`,
            reason: 'NonZeroExitCode',
            details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
          };
    send(3, JSON.stringify(status));
    abort.abort();
    ws.close(1000);
  };
  ws.on('close', () => abort.abort());

  const spec = (
    [...pod.spec.containers, ...(pod.spec.ephemeralContainers ?? [])] as {
      name: string;
      image?: string;
      env?: { name: string; value?: string }[];
    }[]
  ).find((c) => c.name === container)!;
  if (pod.metadata.annotations?.[NO_SHELL_ANNOTATION] === 'true' || /distroless/.test(spec.image ?? '')) {
    return finish(1, {
      reason: 'InternalError',
      message: `Internal error occurred: error executing command in container: failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: exec: "${command[0]}": executable file not found in $PATH: unknown`,
    });
  }
  const app = pod.metadata.labels?.['app.kubernetes.io/name'] ?? container;
  // The same timeline as the pod's log (pod-log-stream.ts), so catalina.out and kubectl logs agree.
  const cfg = logConfigFor(store, pod) ?? defaultLogConfig(o.clockSpeed);
  const shell = new Shell({
    pod: pod.metadata.name,
    app,
    container,
    env: Object.fromEntries((spec.env ?? []).map((e) => [e.name, e.value ?? ''])),
    written: writtenFiles(pod, container),
    instance: () => {
      const cur = store.get('pods', pod.metadata.namespace!, pod.metadata.name)?.obj;
      try {
        return cur ? instanceOf(cur, container, cfg, false) : undefined;
      } catch (e) {
        if (e instanceof ApiError) return undefined;
        throw e;
      }
    },
  });
  const run = (p: Promise<number>) =>
    p.then(
      (code) => finish(code),
      (e: unknown) => {
        if (e instanceof ExitRequest) finish(e.code);
        else finish(1, { reason: 'InternalError', message: String(e) });
      },
    );

  const interactive = SHELLS.has(command[0]!) && command.length === 1 && o.stdin;
  if (!interactive) {
    const readsStdin = command[0] === 'tar' && command.some((a) => a.includes('x'));
    ws.on('message', (data: Buffer) => {
      if (data[0] === 0 && o.tty && data.includes(3)) abort.abort(); // Ctrl-C ends a tail -F
      if (data[0] === 0 && readsStdin) stdinChunks.push(Buffer.from(data.subarray(1)));
      if (v5 && data[0] === 255 && data[1] === 0) {
        stdinDone();
        if (!o.tty && !readsStdin) abort.abort();
      }
    });
    return void run(shell.run(command, io, abort.signal));
  }
  // Interactive: lines from stdin (with a tty: echo, prompt, line editing, Ctrl-C, Ctrl-D).
  const tty = new TtyLine(o.tty, (s) => send(1, s));
  let running: AbortController | undefined;
  let queue = Promise.resolve();
  const prompt = () => o.tty && send(1, `${shell.cwd} $ `);
  prompt();
  ws.on('message', (data: Buffer) => {
    const ch = data[0];
    if (ch === 4 || ch === undefined) return; // resize: the shell does not lay anything out
    if (ch === 255) {
      if (v5 && data[1] === 0) queue = queue.then(() => finish(shell.last));
      return;
    }
    if (ch !== 0) return;
    for (const ev of tty.feed(data.subarray(1))) {
      if (ev.kind === 'interrupt') {
        running?.abort();
        if (!running) prompt();
        continue;
      }
      if (ev.kind === 'eof') {
        queue = queue.then(() => finish(shell.last));
        continue;
      }
      queue = queue.then(async () => {
        if (abort.signal.aborted) return;
        running = new AbortController();
        const stop = () => running?.abort();
        abort.signal.addEventListener('abort', stop, { once: true });
        try {
          await shell.line(ev.text, io, running.signal);
          prompt();
        } catch (e) {
          if (e instanceof ExitRequest) finish(e.code);
          else throw e;
        } finally {
          abort.signal.removeEventListener('abort', stop);
          running = undefined;
        }
      });
    }
  });
}

/** Files written into a container (by `tar x`), kept per pod uid and container for the process's life. */
const written = new Map<string, Map<string, Buffer | null>>();
function writtenFiles(pod: KubeObject, container: string): Map<string, Buffer | null> {
  const key = `${pod.metadata.uid}/${container}`;
  let files = written.get(key);
  if (!files) written.set(key, (files = new Map()));
  return files;
}

/** The attached main process of an ephemeral container ended: the container has terminated (it never restarts). */
function ephemeralExited(store: ObjectStore, pod: KubeObject, container: string, exitCode: number): void {
  const current = store.clone('pods', pod.metadata.namespace, pod.metadata.name);
  const status = (
    current?.status?.ephemeralContainerStatuses as { name: string; state: { running?: { startedAt?: string } } }[] | undefined
  )?.find((c) => c.name === container);
  if (!current || !status?.state.running) return;
  const finishedAt = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  status.state = {
    terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: status.state.running.startedAt, finishedAt },
  } as never;
  store.update('pods', current);
}
