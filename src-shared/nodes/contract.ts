import { z } from 'zod';
import { request, stream } from '../base/channels';
import { appErrorSchema } from '../result';

/**
 * Nodes: health (conditions, pressure), what is promised on them (requests, limits) against what
 * they can give (allocatable) and what they use (metrics.k8s.io, when served), their pods; cordon,
 * uncordon and drain through the Eviction API (PodDisruptionBudgets decide), with a preview first.
 */
const clusterId = z.string().min(1).max(256);
const name = z.string().min(1).max(253);

export const nodeRefSchema = z.object({ clusterId, name }).strict();

export const nodeConditionSchema = z.object({
  type: z.string().max(128),
  status: z.string().max(32),
  reason: z.string().max(253).optional(),
  message: z.string().max(2048).optional(),
  /** Epoch ms of lastTransitionTime. */
  since: z.number().optional(),
  /** True when this condition's status is bad (Ready not True, a pressure True). */
  bad: z.boolean(),
});

const amounts = z.object({ cpu: z.number(), memory: z.number(), pods: z.number() });

export const nodePodSchema = z.object({
  namespace: z.string().max(253),
  name,
  phase: z.string().max(64),
  cpuRequest: z.number(),
  memoryRequest: z.number(),
  /** Kind of its controller, '' for a bare pod. */
  owner: z.string().max(253),
});

export const nodeDetailSchema = z.object({
  unschedulable: z.boolean(),
  taints: z.array(z.object({ key: z.string().max(317), value: z.string().max(253).optional(), effect: z.string().max(64) })).max(100),
  conditions: z.array(nodeConditionSchema).max(50),
  capacity: amounts,
  allocatable: amounts,
  /** Sums over the node's pods that are not finished (as kubectl describe node counts them). */
  requests: z.object({ cpu: z.number(), memory: z.number() }),
  limits: z.object({ cpu: z.number(), memory: z.number() }),
  /** From metrics.k8s.io; absent when the cluster serves no metrics. */
  usage: z.object({ cpu: z.number(), memory: z.number() }).optional(),
  usageError: z.string().max(1000).optional(),
  pods: z.array(nodePodSchema).max(5000),
});
export type NodeDetail = z.infer<typeof nodeDetailSchema>;

/** What a drain would do with each pod, as kubectl drain --ignore-daemonsets decides. */
export const drainActions = ['evict', 'skip-daemonset', 'skip-mirror', 'skip-finished', 'refuse-unmanaged', 'refuse-emptydir'] as const;
export const drainPodSchema = z.object({
  namespace: z.string().max(253),
  name,
  action: z.enum(drainActions),
  /** Why, in words (the PDB that decides, the DaemonSet, the emptyDir volume). */
  note: z.string().max(500),
  /** The PodDisruptionBudget covering the pod and how many disruptions it allows now. */
  pdb: z.object({ name, disruptionsAllowed: z.number() }).optional(),
});
export type DrainPod = z.infer<typeof drainPodSchema>;

/**
 * One pod's progress in a running drain. `retrying`: its PodDisruptionBudget said no (429) and the
 * eviction is tried again after a back-off, until the drain's timeout; `blocked`: still refused
 * when the timeout came; `stopped`: the user stopped the drain before it moved.
 */
export const drainOutcomes = ['pending', 'evicting', 'retrying', 'evicted', 'blocked', 'failed', 'skipped', 'stopped'] as const;
export const drainResultSchema = z.object({
  namespace: z.string().max(253),
  name,
  outcome: z.enum(drainOutcomes),
  message: z.string().max(2000),
  /** Eviction requests sent for this pod so far. */
  attempts: z.number().int().min(0),
  /** Epoch ms of the next retry, while `retrying`. */
  retryAt: z.number().optional(),
});
export type DrainResult = z.infer<typeof drainResultSchema>;

export const drainEventSchema = z.object({
  pods: z.array(drainResultSchema).max(5000),
  /** True on the last event: every pod evicted, skipped, failed, or blocked at the timeout. */
  done: z.boolean(),
  /** Epoch ms when retries stop (start + timeout). */
  deadline: z.number(),
  /** The drain could not start (refused as kubectl refuses, cluster unreachable, cordon failed). */
  error: appErrorSchema.optional(),
});
export type DrainEvent = z.infer<typeof drainEventSchema>;

export const nodesContract = {
  'nodes.detail': request(nodeRefSchema, nodeDetailSchema),
  /** Cordon (unschedulable true) or uncordon. */
  'nodes.setSchedulable': request(nodeRefSchema.extend({ schedulable: z.boolean() }).strict(), z.object({ unschedulable: z.boolean() })),
  'nodes.drainPreview': request(nodeRefSchema, z.object({ pods: z.array(drainPodSchema).max(5000), blocked: z.boolean() })),
  /**
   * Cordon, then evict every pod the preview marked `evict`, with progress per pod. A
   * PodDisruptionBudget's 429 is retried with back-off until `timeoutSeconds` (as `kubectl drain
   * --timeout`); unsubscribing stops the drain (no more evictions are sent). Nothing is deleted
   * without eviction.
   */
  'nodes.drain': stream(
    nodeRefSchema
      .extend({
        confirmed: z.literal(true),
        timeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(24 * 3600)
          .optional(),
      })
      .strict(),
    drainEventSchema,
  ),
};
