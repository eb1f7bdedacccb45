import { z } from 'zod';
import { request, stream } from '../base/channels';

const name = z.string().min(1).max(253);
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);

/** A shell (or a command) in a container. Unsubscribing closes the WebSocket, which ends the remote process. */
export const execParamsSchema = z.object({
  sessionId,
  clusterId: name,
  namespace: name,
  pod: name,
  container: name.optional(),
  /** Default: sh (the interactive shell). */
  command: z.array(z.string().max(4096)).min(1).max(64).optional(),
  tty: z.boolean(),
  cols: z.number().int().min(1).max(1000).optional(),
  rows: z.number().int().min(1).max(1000).optional(),
}).strict();
export type ExecParams = z.infer<typeof execParamsSchema>;

export const execEventSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('open'), protocol: z.string() }),
  /** Output as text (UTF-8 decoded across frame boundaries); stderr only without a tty. */
  z.object({ t: z.literal('data'), stream: z.enum(['stdout', 'stderr']), data: z.string() }),
  z.object({ t: z.literal('exit'), code: z.number(), message: z.string().optional() }),
]);
export type ExecEvent = z.infer<typeof execEventSchema>;

export const execContract = {
  'exec.session': stream(execParamsSchema, execEventSchema),
  'exec.input': request(z.object({ sessionId, data: z.string().max(64 * 1024) }).strict(), z.null()),
  'exec.resize': request(z.object({ sessionId, cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }).strict(), z.null()),
};
