import { z } from 'zod';
import { request, stream } from '../base/channels';

/**
 * Events across clusters: compact rows (what happened to which object, how often, when), pushed as
 * batched diffs. The renderer groups repeats, puts Warnings first and caps what it holds.
 */
const clusterId = z.string().min(1).max(256);

export const eventRowSchema = z.object({
  uid: z.string().max(512),
  clusterId,
  namespace: z.string().max(253),
  /** Normal or Warning (other values pass through as the server sent them). */
  type: z.string().max(63),
  reason: z.string().max(253),
  message: z.string().max(1024),
  count: z.number().int().min(0),
  /** Epoch ms of the first and the last occurrence. */
  firstSeen: z.number().optional(),
  lastSeen: z.number(),
  object: z.object({ kind: z.string().max(253), name: z.string().max(253), namespace: z.string().max(253) }),
  source: z.string().max(253).optional(),
});
export type EventRow = z.infer<typeof eventRowSchema>;

export const eventDiffSchema = z.object({
  clusterId,
  reset: z.boolean(),
  upserts: z.array(eventRowSchema),
  deletes: z.array(z.string().max(512)),
  synced: z.boolean(),
  error: z.string().max(2000).optional(),
});
export type EventDiff = z.infer<typeof eventDiffSchema>;

export const eventsContract = {
  'events.subscribe': stream(
    z.object({ clusterIds: z.array(clusterId).max(1000).optional() }).strict(),
    z.object({ diffs: z.array(eventDiffSchema) }),
  ),
  /** How many events main holds per cluster (for the view's note on its own cap). */
  'events.stats': request(z.object({}).strict(), z.object({ perCluster: z.record(z.string().max(256), z.number()) })),
};
