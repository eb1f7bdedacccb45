import type { WorkloadKind } from '../../../src-shared/workloads/contract';
import type { SliceCreator } from '../../store/types';
import type { DeploymentRow, PodRow } from './workload-index';

export interface WorkloadsSlice {
  /** All pods across clusters. A new array only when something changed (see WorkloadIndex). */
  pods: PodRow[];
  deployments: DeploymentRow[];
  /** cluster id -> kinds whose initial list has arrived. */
  syncedKinds: Record<string, WorkloadKind[]>;
  setWorkloads: (patch: Partial<Pick<WorkloadsSlice, 'pods' | 'deployments' | 'syncedKinds'>>) => void;
}

export const createWorkloadsSlice: SliceCreator<WorkloadsSlice> = (set) => ({
  pods: [],
  deployments: [],
  syncedKinds: {},
  setWorkloads: (patch) => set(patch),
});
