/**
 * The last known state of every cluster, kept on disk so that a release can be planned and
 * validated offline (on a train, with the VPN down). The same shape describes live state for the
 * drift check. Deployments carry only what planning needs: labels app/group, replicas, images,
 * revision and paused.
 */
import { z } from 'zod';
import { rolloutStates, type DeploymentSummary } from '../workloads/contract';

export const snapshotDeploymentSchema = z.object({
  namespace: z.string(),
  name: z.string(),
  app: z.string().optional(),
  group: z.string().optional(),
  replicas: z.number().int().min(0),
  images: z.array(z.string()),
  revision: z.string().optional(),
  paused: z.boolean(),
  resourceVersion: z.string().optional(),
  // What the board and the workloads list show at launch, before the cluster syncs (all optional:
  // snapshots saved before they existed still load and show what they have).
  uid: z.string().optional(),
  readyReplicas: z.number().int().min(0).optional(),
  updatedReplicas: z.number().int().min(0).optional(),
  availableReplicas: z.number().int().min(0).optional(),
  rollout: z.enum(rolloutStates).optional(),
  rolloutMessage: z.string().optional(),
  createdAt: z.number().optional(),
});
export type SnapshotDeployment = z.infer<typeof snapshotDeploymentSchema>;

export const clusterSnapshotSchema = z.object({
  clusterId: z.string(),
  datacenter: z.string(),
  /** Epoch ms when this cluster's state was captured. */
  takenAt: z.number(),
  deployments: z.array(snapshotDeploymentSchema),
});
export type ClusterSnapshot = z.infer<typeof clusterSnapshotSchema>;

export const snapshotSchema = z.object({ clusters: z.array(clusterSnapshotSchema) });
export type Snapshot = z.infer<typeof snapshotSchema>;

export function clusterSnapshotFromSummaries(
  clusterId: string,
  datacenter: string,
  takenAt: number,
  deployments: readonly DeploymentSummary[],
): ClusterSnapshot {
  return {
    clusterId,
    datacenter,
    takenAt,
    deployments: deployments
      .filter((d) => d.clusterId === clusterId)
      .map((d) => ({
        namespace: d.namespace,
        name: d.name,
        app: d.app,
        group: d.group,
        replicas: d.replicas,
        images: [...d.images],
        revision: d.revision,
        paused: d.paused,
        resourceVersion: d.resourceVersion,
        uid: d.uid,
        readyReplicas: d.readyReplicas,
        updatedReplicas: d.updatedReplicas,
        availableReplicas: d.availableReplicas,
        rollout: d.rollout,
        rolloutMessage: d.rolloutMessage,
        createdAt: d.createdAt,
      })),
  };
}

/**
 * A cluster's last capture as Deployment rows marked `staleAsOf` its date: what the board and the
 * workloads list show from launch until that cluster has synced. Nothing on them can be acted on.
 */
export function staleDeploymentsOf(c: ClusterSnapshot): DeploymentSummary[] {
  return c.deployments.map((d) => ({
    uid: d.uid ?? `snapshot:${deploymentKey(c.clusterId, d.namespace, d.name)}`,
    clusterId: c.clusterId,
    namespace: d.namespace,
    name: d.name,
    app: d.app,
    group: d.group,
    replicas: d.replicas,
    readyReplicas: d.readyReplicas ?? 0,
    updatedReplicas: d.updatedReplicas ?? 0,
    availableReplicas: d.availableReplicas ?? 0,
    images: [...d.images],
    revision: d.revision,
    paused: d.paused,
    rollout: d.rollout ?? 'done',
    rolloutMessage: d.rolloutMessage ?? '',
    createdAt: d.createdAt ?? 0,
    resourceVersion: d.resourceVersion ?? '',
    staleAsOf: c.takenAt,
  }));
}

export const deploymentKey = (clusterId: string, namespace: string, name: string): string => `${clusterId}/${namespace}/${name}`;

/** The oldest cluster capture: the date a plan validated against this snapshot should show. */
export const snapshotDate = (s: Snapshot): number | undefined =>
  s.clusters.length === 0 ? undefined : Math.min(...s.clusters.map((c) => c.takenAt));
