import type { StateCreator } from 'zustand';
import type { ClustersSlice } from './clustersSlice';
import type { ImagesSlice } from './imagesSlice';
import type { LogsSlice } from './logsSlice';
import type { MetricsSlice } from './metricsSlice';
import type { ReleasesSlice } from './releasesSlice';
import type { UiSlice } from './uiSlice';
import type { WorkloadsSlice } from './workloadsSlice';

export type AppState = ClustersSlice & ImagesSlice & WorkloadsSlice & UiSlice & LogsSlice & MetricsSlice & ReleasesSlice;

/** Slices are plain creators; middleware (persist) is applied once, at the root (DESIGN.md, convention 6). */
export type SliceCreator<S> = StateCreator<AppState, [['zustand/persist', unknown]], [], S>;
