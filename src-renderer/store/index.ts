import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { createClustersSlice } from '../features/clusters/clusters-slice';
import { createImagesSlice } from '../features/images/images-slice';
import { createLogsSlice } from '../features/logs/logs-slice';
import { createMetricsSlice } from '../features/metrics/metrics-slice';
import { createReleasesSlice } from '../features/releases/releases-slice';
import type { AppState } from './types';
import { createUiSlice } from './ui-slice';
import { createWorkloadsSlice } from '../features/workloads/workloads-slice';
import { createResourcesSlice } from '../features/resources/resources-slice';
import { createPaletteSlice } from '../features/palette/palette-slice';
import { createForwardsSlice } from '../features/portforward/forwards-slice';

export type { AppState } from './types';

/** localStorage when there is one (browser, Electron renderer); nothing in Node unit tests. */
const safeStorage = () => {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
};

/** The one store. Only UI preferences are persisted; cluster data and anything secret never are. */
export const createAppStore = () =>
  create<AppState>()(
    persist(
      (...a) => ({
        ...createClustersSlice(...a),
        ...createImagesSlice(...a),
        ...createWorkloadsSlice(...a),
        ...createUiSlice(...a),
        ...createLogsSlice(...a),
        ...createMetricsSlice(...a),
        ...createReleasesSlice(...a),
        ...createResourcesSlice(...a),
        ...createPaletteSlice(...a),
        ...createForwardsSlice(...a),
      }),
      {
        name: 'capstan.ui',
        version: 1,
        storage: createJSONStorage(() => {
          const storage = safeStorage();
          if (!storage) throw new Error('no localStorage'); // persist then keeps preferences in memory only
          return storage;
        }),
        partialize: (s) => ({ theme: s.theme, workloadKind: s.workloadKind, resourceType: s.resourceType, paletteRecent: s.paletteRecent }),
      },
    ),
  );

export type AppStore = ReturnType<typeof createAppStore>;

export const useAppStore: AppStore = createAppStore();
