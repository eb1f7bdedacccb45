import type { StateCreator } from 'zustand';
import type { ClustersSlice } from '../features/clusters/clusters-slice';
import type { ImagesSlice } from '../features/images/images-slice';
import type { LogsSlice } from '../features/logs/logs-slice';
import type { MetricsSlice } from '../features/metrics/metrics-slice';
import type { ReleasesSlice } from '../features/releases/releases-slice';
import type { UiSlice } from './ui-slice';
import type { WorkloadsSlice } from '../features/workloads/workloads-slice';
import type { ResourcesSlice } from '../features/resources/resources-slice';
import type { PaletteSlice } from '../features/palette/palette-slice';
import type { ForwardsSlice } from '../features/portforward/forwards-slice';

export type AppState = ClustersSlice &
  ImagesSlice &
  WorkloadsSlice &
  UiSlice &
  LogsSlice &
  MetricsSlice &
  ReleasesSlice &
  ResourcesSlice &
  PaletteSlice &
  ForwardsSlice;

/** Slices are plain creators; middleware (persist) is applied once, at the root (DESIGN.md, convention 6). */
export type SliceCreator<S> = StateCreator<AppState, [['zustand/persist', unknown]], [], S>;
