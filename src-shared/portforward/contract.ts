import { z } from 'zod';
import { request, stream } from '../base/channels';

const name = z.string().min(1).max(253);
const port = z.number().int().min(1).max(65535);
const forwardId = z.string().regex(/^[a-z0-9]{6,40}$/);

/** What a forward reaches: one pod, or a Service (a ready pod behind it, re-selected when it goes away). */
export const forwardTargetSchema = z
  .object({
    clusterId: name,
    namespace: name,
    kind: z.enum(['pod', 'service']),
    name,
  })
  .strict();
export type ForwardTarget = z.infer<typeof forwardTargetSchema>;

export const startForwardSchema = forwardTargetSchema
  .extend({
    /** The pod's container port, or the Service's port (translated to its targetPort per pod, as kubectl does). */
    remotePort: port,
    /** A port on 127.0.0.1; unset or 0 = an ephemeral one. Ports below 1024 need privileges Capstan does not ask for. */
    localPort: z.union([z.literal(0), z.number().int().min(1024).max(65535)]).optional(),
  })
  .strict();
export type StartForward = z.infer<typeof startForwardSchema>;

export const forwardStates = ['active', 'no-pod', 'error', 'stopped'] as const;
export type ForwardState = (typeof forwardStates)[number];

export const forwardInfoSchema = z.object({
  id: forwardId,
  clusterId: z.string(),
  namespace: z.string(),
  kind: z.enum(['pod', 'service']),
  name: z.string(),
  remotePort: z.number().int(),
  localPort: z.number().int(),
  /** The pod the last connection went to (for a Service: the one currently selected). */
  pod: z.string().optional(),
  /** The container port that pod was reached on (a Service's targetPort resolved). */
  podPort: z.number().int().optional(),
  state: z.enum(forwardStates),
  /** Why the last connection failed, in words; cleared by the next connection that gets through. */
  message: z.string().optional(),
  connections: z.object({ open: z.number().int(), total: z.number().int(), failed: z.number().int() }),
  /** Bytes local → pod and pod → local. */
  bytes: z.object({ sent: z.number(), received: z.number() }),
  /** How many times a Service forward moved to another pod. */
  reselections: z.number().int(),
  startedAt: z.number(),
});
export type ForwardInfo = z.infer<typeof forwardInfoSchema>;

/** A port a target declares, to offer in the form (a pod's container ports, a Service's ports). */
export const targetPortSchema = z.object({
  port: z.number().int(),
  name: z.string().optional(),
  protocol: z.string(),
  container: z.string().optional(),
});
export type TargetPort = z.infer<typeof targetPortSchema>;

export const portforwardContract = {
  /** Listen on 127.0.0.1 and forward each connection through the API server's pods/portforward. */
  'portforward.start': request(startForwardSchema, forwardInfoSchema),
  /** Close the local listener and every open connection of the forward. */
  'portforward.stop': request(z.object({ id: forwardId }).strict(), z.null()),
  /** The ports a pod or Service declares (TCP only: the tunnel carries TCP). */
  'portforward.ports': request(forwardTargetSchema, z.array(targetPortSchema)),
  /** Every active forward of this process, the whole list on every change (at most 4 a second). */
  'portforward.watch': stream(z.object({}).strict(), z.object({ forwards: z.array(forwardInfoSchema) })),
};
