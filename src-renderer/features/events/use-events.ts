/** The Events view's stream: every cluster's events into a bounded EventStore, published at most every 250 ms. */
import { useEffect, useState } from 'react';
import type { EventRow } from '../../../src-shared/events/contract';
import type { AppError } from '../../../src-shared/result';
import { useClient } from '../../components/ClientContext';
import { EventStore } from './event-store';

export interface EventsState {
  rows: EventRow[];
  clusters: Map<string, { synced: boolean; error?: string }>;
  droppedNormal: number;
  droppedWarning: number;
  cap: number;
  error: AppError | null;
}

export function useEvents(cap?: number, intervalMs = 250): EventsState {
  const client = useClient();
  const [state, setState] = useState<EventsState>({
    rows: [],
    clusters: new Map(),
    droppedNormal: 0,
    droppedWarning: 0,
    cap: cap ?? 0,
    error: null,
  });
  useEffect(() => {
    const store = new EventStore(cap);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const publish = () => {
      timer = undefined;
      setState({
        rows: store.rows(),
        clusters: new Map(store.clusters),
        droppedNormal: store.droppedNormal,
        droppedWarning: store.droppedWarning,
        cap: store.cap,
        error: null,
      });
    };
    const stop = client['events.subscribe'](
      {},
      ({ diffs }) => {
        store.apply(diffs);
        timer ??= setTimeout(publish, intervalMs);
      },
      (error) => setState((s) => ({ ...s, error })),
    );
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [client, cap, intervalMs]);
  return state;
}
