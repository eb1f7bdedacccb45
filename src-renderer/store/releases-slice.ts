import type { AppClient } from '../../src-shared/contract';
import type { ReleasesEvent } from '../../src-shared/releases/contract';
import type { SliceCreator } from './types';

export interface ReleasesSlice {
  /** Null until the first releases.subscribe event (executions, snapshot freshness). */
  releases: ReleasesEvent | null;
  setReleases: (releases: ReleasesEvent) => void;
}

export const createReleasesSlice: SliceCreator<ReleasesSlice> = (set) => ({
  releases: null,
  setReleases: (releases) => set({ releases }),
});

/**
 * The releases push, subscribed while the releases view is open (subscribing makes main connect
 * every cluster, which only this view needs). Returns the unsubscribe function.
 */
export function subscribeReleases(client: AppClient, setReleases: (e: ReleasesEvent) => void): () => void {
  return client['releases.subscribe']({}, setReleases);
}
