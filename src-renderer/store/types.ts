import type { StateCreator } from 'zustand';
import type { ClustersSlice } from './clusters-slice';
import type { ImagesSlice } from './images-slice';
import type { LogsSlice } from './logs-slice';
import type { MetricsSlice } from './metrics-slice';
import type { ReleasesSlice } from './releases-slice';
import type { UiSlice } from './ui-slice';
import type { WorkloadsSlice } from './workloads-slice';
import type { ResourcesSlice } from '../features/resources/resources-slice';
import type { PaletteSlice } from '../features/palette/palette-slice';

export type AppState = ClustersSlice & ImagesSlice & WorkloadsSlice & UiSlice & LogsSlice & MetricsSlice & ReleasesSlice & ResourcesSlice & PaletteSlice;

/** Slices are plain creators; middleware (persist) is applied once, at the root (DESIGN.md, convention 6). */
export type SliceCreator<S> = StateCreator<AppState, [['zustand/persist', unknown]], [], S>;
