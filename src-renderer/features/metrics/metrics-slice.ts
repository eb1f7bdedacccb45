import type { ContainerRef, MetricsTop } from '../../../src-shared/metrics/contract';
import type { SliceCreator } from '../../store/types';

export type MetricsPanel = 'chart' | 'forensics';

/** Container metrics: the latest top lists (pushed after every sample round) and the focused container. */
export interface MetricsSlice {
  metricsTop: MetricsTop | null;
  metricsFocus: ContainerRef | null;
  metricsPanel: MetricsPanel;
  /** Why the live top lists stopped, in words; null while they flow. */
  metricsError: string | null;
  setMetricsError: (message: string | null) => void;
  setMetricsTop: (top: MetricsTop | null) => void;
  focusContainer: (ref: ContainerRef | null, panel?: MetricsPanel) => void;
}

export const createMetricsSlice: SliceCreator<MetricsSlice> = (set) => ({
  metricsTop: null,
  metricsFocus: null,
  metricsPanel: 'chart',
  metricsError: null,
  setMetricsError: (metricsError) => set({ metricsError }),
  setMetricsTop: (metricsTop) => set({ metricsTop }),
  focusContainer: (metricsFocus, panel) => set((s) => ({ metricsFocus, metricsPanel: panel ?? s.metricsPanel })),
});
