/**
 * The last known state of every cluster, kept on disk so that a release can be planned and
 * validated offline (on a train, with the VPN down). The same shape describes live state for the
 * drift check. Deployments carry only what planning needs: labels app/group, replicas, images,
 * revision and paused.
 */
import { z } from 'zod';
import type { DeploymentSummary } from '../workloads/contract';

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

export function clusterSnapshotFromSummaries(clusterId: string, datacenter: string, takenAt: number, deployments: readonly DeploymentSummary[]): ClusterSnapshot {
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
      })),
  };
}

export const deploymentKey = (clusterId: string, namespace: string, name: string): string => `${clusterId}/${namespace}/${name}`;

/** The oldest cluster capture: the date a plan validated against this snapshot should show. */
export const snapshotDate = (s: Snapshot): number | undefined =>
  s.clusters.length === 0 ? undefined : Math.min(...s.clusters.map((c) => c.takenAt));
