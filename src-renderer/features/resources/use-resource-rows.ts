/**
 * The Resources view's stream: subscribes to one type across clusters while the view is open,
 * applies the batched diffs to a map per cluster, and re-renders at most every 100 ms.
 */
import { useEffect, useState } from 'react';
import type { Column, ResourceDiff, ResourceRow, ResourceType } from '../../../src-shared/resources/contract';
import type { AppError } from '../../../src-shared/result';
import { useLatest } from '../../components/useLatest';
import { useClient } from '../../components/ClientContext';

export interface ClusterTableState {
  synced: boolean;
  error?: string;
}

export interface ResourceRowsState {
  rows: ResourceRow[];
  columns: Map<string, Column[]>;
  clusters: Map<string, ClusterTableState>;
  streamError: AppError | null;
}

const empty = (): ResourceRowsState => ({ rows: [], columns: new Map(), clusters: new Map(), streamError: null });

export function applyResourceDiffs(
  byCluster: Map<string, Map<string, ResourceRow>>,
  state: Omit<ResourceRowsState, 'rows' | 'streamError'>,
  diffs: readonly ResourceDiff[],
): void {
  for (const d of diffs) {
    let rows = byCluster.get(d.clusterId);
    if (d.reset || !rows) byCluster.set(d.clusterId, (rows = new Map()));
    for (const u of d.upserts) rows.set(u.uid, u);
    for (const uid of d.deletes) rows.delete(uid);
    if (d.columns) state.columns.set(d.clusterId, d.columns);
    state.clusters.set(d.clusterId, { synced: d.synced, ...(d.error ? { error: d.error } : {}) });
  }
}

export function useResourceRows(type: ResourceType, intervalMs = 100): ResourceRowsState {
  const client = useClient();
  const [state, setState] = useState<ResourceRowsState>(empty);
  // The type's three names are the subscription's identity; a new object with the same names is the same type.
  const latestType = useLatest(type);
  useEffect(() => {
    const subscribed = latestType.current;
    setState(empty());
    const byCluster = new Map<string, Map<string, ResourceRow>>();
    const meta = { columns: new Map<string, Column[]>(), clusters: new Map<string, ClusterTableState>() };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const publish = () => {
      timer = undefined;
      const rows: ResourceRow[] = [];
      for (const m of byCluster.values()) for (const r of m.values()) rows.push(r);
      setState({ rows, columns: new Map(meta.columns), clusters: new Map(meta.clusters), streamError: null });
    };
    const stop = client['resources.subscribe'](
      { type: subscribed },
      ({ diffs }) => {
        applyResourceDiffs(byCluster, meta, diffs);
        timer ??= setTimeout(publish, intervalMs);
      },
      (error) => setState((s) => ({ ...s, streamError: error })),
    );
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [client, type.group, type.version, type.resource, intervalMs, latestType]);
  return state;
}
