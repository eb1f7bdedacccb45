import type { AppClient } from '../../../src-shared/contract';
import type { ReleasesEvent } from '../../../src-shared/releases/contract';
import type { ExecutionState } from '../../../src-shared/releases/execution-model';
import type { AppState, SliceCreator } from '../../store/types';

export interface ReleasesSlice {
  /** Null until the first releases.subscribe event (executions, snapshot freshness). */
  releases: ReleasesEvent | null;
  setReleases: (releases: ReleasesEvent) => void;
}

export const createReleasesSlice: SliceCreator<ReleasesSlice> = (set) => ({
  releases: null,
  setReleases: (releases) => set({ releases }),
});

const noExecutions: readonly ExecutionState[] = [];

/** The executions of the last push; one empty array until the first, so selecting it never makes a new value. */
export const selectExecutions = (s: AppState): readonly ExecutionState[] => s.releases?.executions ?? noExecutions;

/**
 * The releases push, subscribed while the releases view is open (subscribing makes main connect
 * every cluster, which only this view needs). Returns the unsubscribe function.
 */
export function subscribeReleases(client: AppClient, setReleases: (e: ReleasesEvent) => void): () => void {
  return client['releases.subscribe']({}, setReleases);
}
