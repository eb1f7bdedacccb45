import { z } from 'zod';
import { request, stream } from '../base/channels';

/**
 * Every kind, every cluster: tables for any built-in kind or custom resource, with the columns the
 * API server prints for `kubectl get` (its Table output, additionalPrinterColumns included), and a
 * detail per object. Secrets cross as key names; one value crosses only on an explicit, confirmed
 * reveal, and the renderer never stores it.
 */

const dnsName = z.string().min(1).max(253);
const clusterId = z.string().min(1).max(256);

/** A resource type as the API addresses it ('' group = core). */
export const resourceTypeSchema = z
  .object({
    group: z.string().max(253),
    version: z.string().min(1).max(63),
    resource: z.string().min(1).max(253),
  })
  .strict();
export type ResourceType = z.infer<typeof resourceTypeSchema>;

export const kindInfoSchema = resourceTypeSchema.extend({
  kind: z.string().min(1).max(253),
  namespaced: z.boolean(),
  shortNames: z.array(z.string().max(63)).max(32),
  /** Clusters whose discovery lists this type. */
  clusters: z.array(clusterId).max(1000),
});
export type KindInfo = z.infer<typeof kindInfoSchema>;

export const columnSchema = z.object({
  name: z.string().max(253),
  type: z.string().max(63),
  format: z.string().max(63).optional(),
  description: z.string().max(2000).optional(),
  /** 0: shown by `kubectl get`; higher: only with -o wide. */
  priority: z.number().int().min(0).max(100),
});
export type Column = z.infer<typeof columnSchema>;

export const cellSchema = z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]);
export type Cell = z.infer<typeof cellSchema>;

export const resourceRowSchema = z.object({
  uid: z.string().max(512),
  clusterId,
  /** '' for cluster-scoped objects. */
  namespace: z.string().max(253),
  name: dnsName,
  createdAt: z.number().optional(),
  cells: z.array(cellSchema).max(64),
});
export type ResourceRow = z.infer<typeof resourceRowSchema>;

export const resourceDiffSchema = z.object({
  clusterId,
  reset: z.boolean(),
  /** The server's column definitions for this type in this cluster (sent with resets). */
  columns: z.array(columnSchema).max(64).optional(),
  upserts: z.array(resourceRowSchema),
  deletes: z.array(z.string().max(512)),
  /** True once the cluster delivered its first full list. */
  synced: z.boolean(),
  /** Why this cluster has no (current) rows: forbidden, type not served, unreachable. */
  error: z.string().max(2000).optional(),
});
export type ResourceDiff = z.infer<typeof resourceDiffSchema>;

export const resourceRefSchema = z
  .object({
    clusterId,
    type: resourceTypeSchema,
    /** '' for cluster-scoped objects. */
    namespace: z.string().max(253),
    name: dnsName,
  })
  .strict();
export type ResourceRef = z.infer<typeof resourceRefSchema>;

/** Another object this one points at or selects, to open in its own drawer. */
export const relatedSchema = z.object({
  relation: z.enum(['owner', 'selected pod', 'mounts', 'owned']),
  type: resourceTypeSchema,
  kind: z.string().max(253),
  namespace: z.string().max(253),
  name: dnsName,
  /** e.g. the pod's phase, the owner's controller flag. */
  note: z.string().max(253).optional(),
});
export type Related = z.infer<typeof relatedSchema>;

export const objectEventSchema = z.object({
  type: z.string().max(63),
  reason: z.string().max(253),
  message: z.string().max(4096),
  count: z.number(),
  /** Epoch ms of the last occurrence. */
  lastSeen: z.number().optional(),
  source: z.string().max(253).optional(),
});
export type ObjectEvent = z.infer<typeof objectEventSchema>;

export const resourceDetailSchema = z.object({
  kind: z.string().max(253),
  /** Live from the API server, managedFields removed; a Secret's values replaced by a placeholder. */
  yaml: z.string().max(4 * 1024 * 1024),
  events: z.array(objectEventSchema).max(500),
  related: z.array(relatedSchema).max(500),
  /** A Secret's key names (never values). */
  secretKeys: z.array(z.string().max(253)).max(1000).optional(),
});
export type ResourceDetail = z.infer<typeof resourceDetailSchema>;

export const revealRequestSchema = z
  .object({
    clusterId,
    namespace: dnsName,
    name: dnsName,
    key: z.string().min(1).max(253),
    /** The renderer asked the user first; main refuses without it. */
    confirmed: z.literal(true),
  })
  .strict();

export const resourcesContract = {
  /** Every resource type that supports list and watch, merged over the connected clusters. */
  'resources.kinds': request(
    z.object({}).strict(),
    z.object({
      kinds: z.array(kindInfoSchema).max(5000),
      errors: z.array(z.object({ clusterId, message: z.string().max(2000) })).max(1000),
    }),
  ),
  /** Rows of one type across clusters: a reset per cluster, then batched diffs at a bounded rate. */
  'resources.subscribe': stream(
    z.object({ type: resourceTypeSchema, clusterIds: z.array(clusterId).max(1000).optional() }).strict(),
    z.object({ diffs: z.array(resourceDiffSchema) }),
  ),
  'resources.detail': request(resourceRefSchema, resourceDetailSchema),
  /** One key of one Secret, decoded. Never cached by main or the renderer's store. */
  'resources.revealSecretKey': request(revealRequestSchema, z.object({ value: z.string().max(1024 * 1024), binary: z.boolean() })),
};
