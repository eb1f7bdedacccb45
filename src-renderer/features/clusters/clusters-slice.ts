import type { AppInfo, ClusterInfo, VaultStatus } from '../../../src-shared/clusters/contract';
import type { AppError } from '../../../src-shared/result';
import type { SliceCreator } from '../../store/types';

/** The link to the main-process services (mirrors the transport's state). */
export type ServicesState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ClustersSlice {
  servicesState: ServicesState;
  /**
   * When the link to the services dropped, while it is down after having been up (null otherwise).
   * While it is set nothing on screen is live: badges say stale, actions are disabled.
   */
  servicesDownSince: number | null;
  setServicesState: (state: ServicesState, at?: number) => void;
  /** Null until the first clusters.watch event: the shell shows a spinner, never a blank screen. */
  clusters: ClusterInfo[] | null;
  appInfo: AppInfo | null;
  /** Error of the connection to the services themselves (not of one cluster). */
  servicesError: AppError | null;
  setClusters: (clusters: ClusterInfo[]) => void;
  setAppInfo: (info: AppInfo) => void;
  setVault: (vault: VaultStatus) => void;
  setServicesError: (error: AppError | null) => void;
}

export const createClustersSlice: SliceCreator<ClustersSlice> = (set) => ({
  clusters: null,
  appInfo: null,
  servicesError: null,
  servicesState: 'open',
  servicesDownSince: null,
  setServicesState: (servicesState, at = Date.now()) =>
    set((s) => ({
      servicesState,
      servicesDownSince:
        servicesState === 'open' || servicesState === 'connecting'
          ? servicesState === 'open'
            ? null
            : s.servicesDownSince
          : (s.servicesDownSince ?? at),
    })),
  setClusters: (clusters) => set({ clusters: [...clusters].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) }),
  setAppInfo: (appInfo) => set({ appInfo }),
  setVault: (vault) => set((s) => (s.appInfo ? { appInfo: { ...s.appInfo, vault } } : {})),
  setServicesError: (servicesError) => set({ servicesError }),
});
