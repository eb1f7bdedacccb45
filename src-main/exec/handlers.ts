/**
 * The exec and logs channels on top of ExecService and LogService. A shell session belongs to the
 * sender that opened it: input and resize from another sender are refused as not found.
 */
import { StringDecoder } from 'node:string_decoder';
import type { CallContext } from '../../src-shared/base/channels';
import type { ContainerExplanation, DebugRequest, ExecEvent, ExecParams } from '../../src-shared/exec/contract';
import { DEFAULT_DEBUG_IMAGE } from '../../src-shared/exec/contract';
import type { LogEvent, LogSelection } from '../../src-shared/logs/contract';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { LogService } from '../logs/log-service';
import type { ClusterConnection } from '../clusters/cluster-connection';
import type { ExplainPod } from './container-explain';
import { explainContainer } from './container-explain';
import { startDebugContainer } from './debug-container';
import type { DebugImages } from './debug-images';
import type { ExecService, ExecSession } from './exec-service';

const onAbort = (ctx: CallContext, cleanup: () => void) => {
  if (ctx.signal.aborted) cleanup();
  else ctx.signal.addEventListener('abort', cleanup, { once: true });
};

export function execHandlers(
  exec: ExecService,
  connection: (clusterId: string) => ClusterConnection | undefined,
  debugImages?: Pick<DebugImages, 'get' | 'remember'>,
) {
  const sessions = new Map<string, ExecSession>();
  const key = (ctx: CallContext, id: string) => `${ctx.senderId}\u0000${id}`;
  return {
    'exec.session': async (p: ExecParams, emit: (e: ExecEvent) => void, ctx: CallContext): Promise<Result<void>> => {
      const k = key(ctx, p.sessionId);
      if (sessions.has(k)) return err('conflict', 'That shell session is already open.');
      const decoders = { 1: new StringDecoder('utf8'), 2: new StringDecoder('utf8') };
      const r = await exec.open(
        p.clusterId,
        {
          namespace: p.namespace,
          pod: p.pod,
          container: p.container,
          command: p.command ?? ['sh'],
          stdin: true,
          tty: p.tty,
          attach: p.attach ?? false,
        },
        {
          data: (ch, d) => emit({ t: 'data', stream: ch === 1 ? 'stdout' : 'stderr', data: decoders[ch].write(d) }),
          end: (e) => {
            sessions.delete(k);
            if ('error' in e) emit({ t: 'exit', code: -1, message: e.error.message });
            else emit({ t: 'exit', code: e.code, ...(e.message ? { message: e.message } : {}) });
          },
        },
      );
      if (!r.ok) return r;
      sessions.set(k, r.value);
      emit({ t: 'open', protocol: r.value.protocol });
      if (p.cols && p.rows) r.value.resize(p.cols, p.rows);
      // Closing the tab (unsubscribe) closes the socket: the remote process ends with it.
      onAbort(ctx, () => {
        sessions.delete(k);
        r.value.close();
      });
      return ok(undefined);
    },
    'exec.input': async ({ sessionId, data }: { sessionId: string; data: string }, ctx: CallContext): Promise<Result<null>> => {
      const s = sessions.get(key(ctx, sessionId));
      if (!s) return err('not-found', 'That shell session has ended.');
      s.write(data);
      return ok(null);
    },
    'exec.resize': async (
      { sessionId, cols, rows }: { sessionId: string; cols: number; rows: number },
      ctx: CallContext,
    ): Promise<Result<null>> => {
      const s = sessions.get(key(ctx, sessionId));
      if (!s) return err('not-found', 'That shell session has ended.');
      s.resize(cols, rows);
      return ok(null);
    },
    'exec.explain': async (p: {
      clusterId: string;
      namespace: string;
      pod: string;
      container?: string;
    }): Promise<Result<ContainerExplanation>> => {
      const conn = connection(p.clusterId);
      if (!conn) return err('not-found', `No cluster "${p.clusterId}". Reload the cluster list.`, { clusterId: p.clusterId });
      const pod = await conn.getJson<ExplainPod>(
        `/api/v1/namespaces/${encodeURIComponent(p.namespace)}/pods/${encodeURIComponent(p.pod)}`,
        { verb: 'get', resource: 'pods' },
      );
      if (!pod.ok && pod.error.status !== 404) return pod;
      return ok(explainContainer(pod.ok ? pod.value : undefined, p.pod, p.container));
    },
    'exec.debug': async (req: DebugRequest) => {
      const r = await startDebugContainer({ connection }, req);
      // Remembered once it ran: an image that could not be pulled is not offered again.
      if (r.ok) debugImages?.remember(req.clusterId, req.image);
      return r;
    },
    'exec.debugImage': (p: { clusterId: string }) => Promise.resolve(ok({ image: debugImages?.get(p.clusterId) ?? DEFAULT_DEBUG_IMAGE })),
  };
}

export function logsHandlers(logs: LogService) {
  return {
    'logs.view': (
      p: { viewId: string; selection: LogSelection; ringLines?: number },
      emit: (e: LogEvent) => void,
      ctx: CallContext,
    ): Result<void> => {
      const r = logs.open(ctx.senderId, p, emit);
      if (!r.ok) return r;
      onAbort(ctx, r.value);
      return ok(undefined);
    },
    'logs.ack': async ({ viewId, seq }: { viewId: string; seq: number }, ctx: CallContext) => logs.ack(ctx.senderId, viewId, seq),
    'logs.readSpool': async ({ viewId, offset, maxBytes }: { viewId: string; offset: number; maxBytes: number }, ctx: CallContext) =>
      logs.readSpool(ctx.senderId, viewId, offset, maxBytes),
  };
}
