import { z } from 'zod';
import { request, stream } from '../base/channels';

/** What every workload row carries: where it is and which app and release group it belongs to. */
const workloadIdentity = z.object({
  uid: z.string(),
  clusterId: z.string(),
  namespace: z.string(),
  name: z.string(),
  app: z.string().optional(),
  group: z.string().optional(),
});

/** Compact, renderer-facing view of a Pod. Main computes it; whole objects stay in main. */
export const podSummarySchema = workloadIdentity.extend({
  /** Owning Deployment's name, when the pod belongs to one through a ReplicaSet. */
  deployment: z.string().optional(),
  phase: z.string(),
  /** kubectl's STATUS column: Running, Pending, ContainerCreating, CrashLoopBackOff, OOMKilled, Terminating, Completed... */
  status: z.string(),
  readyContainers: z.number(),
  totalContainers: z.number(),
  ready: z.boolean(),
  restarts: z.number(),
  lastTerminationReason: z.string().optional(),
  /** Epoch ms when that termination happened (finishedAt), when known. Optional: added later, backward compatible. */
  lastTerminationAt: z.number().optional(),
  /**
   * The last termination of each container that has one (its terminated state, else lastState):
   * kills are counted per container (oom.ts). Absent when no container terminated (and in
   * summaries saved before it existed).
   */
  terminations: z
    .array(z.object({ container: z.string(), reason: z.string().optional(), exitCode: z.number().optional(), at: z.number().optional() }))
    .optional(),
  /** Epoch ms of the last state change that matters for "pending too long" / "not ready since". */
  conditionSince: z.number().optional(),
  node: z.string().optional(),
  podIP: z.string().optional(),
  images: z.array(z.string()),
  createdAt: z.number(),
  deleting: z.boolean(),
  resourceVersion: z.string(),
});
export type PodSummary = z.infer<typeof podSummarySchema>;

export const rolloutStates = ['done', 'progressing', 'failed', 'paused'] as const;
export const deploymentSummarySchema = workloadIdentity.extend({
  replicas: z.number(),
  readyReplicas: z.number(),
  updatedReplicas: z.number(),
  availableReplicas: z.number(),
  images: z.array(z.string()),
  revision: z.string().optional(),
  paused: z.boolean(),
  rollout: z.enum(rolloutStates),
  /** kubectl rollout status's message. */
  rolloutMessage: z.string(),
  /** Who last wrote the spec, as the cluster says: the newest managedFields manager (not a status writer). */
  specManager: z.string().optional(),
  /** `kubernetes.io/change-cause`, when someone recorded one. */
  changeCause: z.string().optional(),
  createdAt: z.number(),
  resourceVersion: z.string(),
  /**
   * Set on a row from the saved snapshot (epoch ms of its capture), shown from launch until its
   * cluster has synced: the last known state, never acted on. Live rows never carry it.
   */
  staleAsOf: z.number().optional(),
});
export type DeploymentSummary = z.infer<typeof deploymentSummarySchema>;

export const workloadKinds = ['Pod', 'Deployment'] as const;
export type WorkloadKind = (typeof workloadKinds)[number];

/**
 * A batch of changes for one cluster and kind. `reset` means: drop what you have for this
 * cluster+kind and take `upserts` as the whole list (after a relist or on subscribe).
 */
export const workloadDiffSchema = z.discriminatedUnion('kind', [
  z.object({
    clusterId: z.string(),
    kind: z.literal('Pod'),
    reset: z.boolean(),
    upserts: z.array(podSummarySchema),
    deletes: z.array(z.string()),
  }),
  z.object({
    clusterId: z.string(),
    kind: z.literal('Deployment'),
    reset: z.boolean(),
    upserts: z.array(deploymentSummarySchema),
    deletes: z.array(z.string()),
  }),
]);
export type WorkloadDiff = z.infer<typeof workloadDiffSchema>;

export const objectRefSchema = z
  .object({
    clusterId: z.string().min(1).max(256),
    kind: z.enum(workloadKinds),
    namespace: z.string().min(1).max(253),
    name: z.string().min(1).max(253),
  })
  .strict();
export type ObjectRef = z.infer<typeof objectRefSchema>;

export const workloadsContract = {
  /** Batched diffs at a bounded rate; the first events are resets carrying the current lists. */
  'workloads.subscribe': stream(
    z.object({ clusterIds: z.array(z.string().max(256)).max(1000).optional() }).strict(),
    z.object({ diffs: z.array(workloadDiffSchema) }),
  ),
  /** The object's YAML as stored in main (managedFields removed). */
  'workloads.getYaml': request(objectRefSchema, z.object({ yaml: z.string() })),
};
