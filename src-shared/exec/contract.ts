import { z } from 'zod';
import { request, stream } from '../base/channels';
import { parseImageRef } from '../base/image-ref';

const name = z.string().min(1).max(253);
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);

/** A shell (or a command) in a container. Unsubscribing closes the WebSocket, which ends the remote process. */
export const execParamsSchema = z
  .object({
    sessionId,
    clusterId: name,
    namespace: name,
    pod: name,
    container: name.optional(),
    /** Default: sh (the interactive shell). */
    command: z.array(z.string().max(4096)).min(1).max(64).optional(),
    tty: z.boolean(),
    /** Join the container's main process (pods/attach) instead of starting a command: an ephemeral debug container's shell. */
    attach: z.boolean().optional(),
    cols: z.number().int().min(1).max(1000).optional(),
    rows: z.number().int().min(1).max(1000).optional(),
  })
  .strict();
export type ExecParams = z.infer<typeof execParamsSchema>;

export const execEventSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('open'), protocol: z.string() }),
  /** Output as text (UTF-8 decoded across frame boundaries); stderr only without a tty. */
  z.object({ t: z.literal('data'), stream: z.enum(['stdout', 'stderr']), data: z.string() }),
  z.object({ t: z.literal('exit'), code: z.number(), message: z.string().optional() }),
]);
export type ExecEvent = z.infer<typeof execEventSchema>;

const podRef = z.object({ clusterId: name, namespace: name, pod: name, container: name.optional() }).strict();

/** Why a container cannot take a shell (or that it can): what `kubectl describe pod` would say about it. */
export const containerExplanationSchema = z.object({
  /** The container is running: a shell can be opened. */
  running: z.boolean(),
  /** The container asked about (the pod's first when none was named). */
  container: z.string().optional(),
  state: z.enum(['running', 'waiting', 'terminated', 'not-started', 'missing', 'pod-missing']),
  reason: z.string().optional(),
  message: z.string().optional(),
  exitCode: z.number().int().optional(),
  restartCount: z.number().int(),
  /** The previous instance's end (a crash loop's last crash). */
  last: z.object({ reason: z.string().optional(), exitCode: z.number().int().optional(), finishedAt: z.string().optional() }).optional(),
  podPhase: z.string().optional(),
  /** The pod's containers, for "not found" (its regular containers first). */
  containers: z.array(z.string()),
  /** One sentence for the user. */
  summary: z.string(),
});
export type ContainerExplanation = z.infer<typeof containerExplanationSchema>;

/** The default debug image: small, with a shell and the usual tools, as `kubectl debug --image=busybox`. */
export const DEFAULT_DEBUG_IMAGE = 'busybox:1.36';

export const debugRequestSchema = z
  .object({
    clusterId: name,
    namespace: name,
    pod: name,
    /** The container whose process namespace the debug container shares (`kubectl debug --target`). */
    target: name.optional(),
    image: z
      .string()
      .min(1)
      .max(512)
      .regex(/^\S+$/)
      .refine((s) => parseImageRef(s) !== undefined, 'not an image reference'),
  })
  .strict();
export type DebugRequest = z.infer<typeof debugRequestSchema>;

export const execContract = {
  'exec.session': stream(execParamsSchema, execEventSchema),
  'exec.input': request(z.object({ sessionId, data: z.string().max(64 * 1024) }).strict(), z.null()),
  'exec.resize': request(
    z.object({ sessionId, cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }).strict(),
    z.null(),
  ),
  /** The container's state in words, read live: asked when a shell could not open. */
  'exec.explain': request(podRef, containerExplanationSchema),
  /** Add an ephemeral debug container (pods/ephemeralcontainers, as `kubectl debug -it`) and answer once it runs; the renderer then attaches a shell. */
  'exec.debug': request(debugRequestSchema, z.object({ container: z.string(), image: z.string() })),
  /** The debug image to prefill for a cluster: the one last used there (remembered by main), else the default. */
  'exec.debugImage': request(z.object({ clusterId: name }).strict(), z.object({ image: z.string() })),
};
