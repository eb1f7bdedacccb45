import { z } from 'zod';
import { request, stream } from '../base/channels';

/** Log files inside containers that can be followed (tail -F over exec) beside stdout/stderr. */
export const containerLogFiles = ['/opt/logs/catalina.out', '/opt/logs/gc.log', '/opt/logs/localhost_access_log.txt'] as const;

const name = z.string().min(1).max(253);

/**
 * What a view follows, across clusters like stern: one pod, a Deployment, a release group (app +
 * group label) or a label selector. `container` unset = every container of each pod. Pods that
 * match later join; pods that go away are marked.
 */
export const logSelectionSchema = z
  .object({
    clusterIds: z.array(name).min(1).max(64),
    namespace: name.optional(),
    target: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('pod'), name }).strict(),
      z.object({ kind: z.literal('deployment'), name }).strict(),
      z.object({ kind: z.literal('group'), app: name, group: name }).strict(),
      z.object({ kind: z.literal('selector'), labelSelector: z.string().min(1).max(1024) }).strict(),
    ]),
    container: name.optional(),
    /** The previous (terminated) instance of each container instead of the running one. */
    previous: z.boolean().optional(),
    /** Follow files inside the containers (tail -F over exec) instead of stdout/stderr. */
    file: z.enum(containerLogFiles).optional(),
    /** Lines of history per container on start. Default 200. */
    tailLines: z.number().int().min(0).max(100_000).optional(),
    /** Start from this time instead of the last `tailLines` (RFC 3339, second precision as the API server has it): logs around an event. */
    sinceTime: z
      .string()
      .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'an RFC 3339 UTC time such as 2026-11-26T20:00:00Z')
      .optional(),
  })
  .strict();
export type LogSelection = z.infer<typeof logSelectionSchema>;

export const logSourceSchema = z.object({
  id: z.number(),
  clusterId: z.string(),
  namespace: z.string(),
  pod: z.string(),
  container: z.string(),
  file: z.string().optional(),
  /** waiting: the container is not running (CrashLoopBackOff); `message` says for how long. */
  state: z.enum(['starting', 'live', 'waiting', 'reconnecting', 'ended', 'gone', 'error']),
  restarts: z.number(),
  message: z.string().optional(),
});
export type LogSource = z.infer<typeof logSourceSchema>;

/** One line: [source id (-1: the view itself), RFC3339Nano timestamp ('' if none), sanitized text, kind]. kind 1 = a marker from Capstan (restart, pod gone, cluster error). */
export const logLineSchema = z.tuple([z.number(), z.string(), z.string(), z.number()]);
export type LogLine = z.infer<typeof logLineSchema>;

export const logEventSchema = z.discriminatedUnion('t', [
  /** `first` is the view-wide index of lines[0]; indexes are contiguous unless `skippedBefore` > 0. */
  z.object({ t: z.literal('lines'), seq: z.number(), first: z.number(), skippedBefore: z.number(), lines: z.array(logLineSchema) }),
  z.object({ t: z.literal('sources'), sources: z.array(logSourceSchema) }),
  z.object({ t: z.literal('stats'), total: z.number(), skipped: z.number(), ring: z.number(), spoolBytes: z.number() }),
]);
export type LogEvent = z.infer<typeof logEventSchema>;

const viewId = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);

export const logsContract = {
  /** Open a view and receive it; unsubscribing closes it (streams, ring and spool file). */
  'logs.view': stream(
    z.object({ viewId, selection: logSelectionSchema, ringLines: z.number().int().min(1000).max(1_000_000).optional() }).strict(),
    logEventSchema,
  ),
  /** Flow control: the renderer has written every batch up to `seq` into the terminal. */
  'logs.ack': request(z.object({ viewId, seq: z.number().int().min(0) }).strict(), z.null()),
  /** Read the whole session (spool) for export, chunk by chunk. */
  'logs.readSpool': request(
    z
      .object({
        viewId,
        offset: z.number().int().min(0),
        maxBytes: z
          .number()
          .int()
          .min(1)
          .max(4 * 1024 * 1024),
      })
      .strict(),
    z.object({ text: z.string(), nextOffset: z.number(), eof: z.boolean() }),
  ),
};
