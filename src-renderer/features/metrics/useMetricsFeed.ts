/**
 * While the metrics view is open: subscribe to the top lists (main connects every cluster for it)
 * and put each round into the store; on close, unsubscribe so clusters can idle again.
 */
import { useEffect } from 'react';
import { useClient } from '../../components/ClientContext';
import { useAppStore } from '../../store';

export function useMetricsFeed(limit = 25): void {
  const client = useClient();
  const setTop = useAppStore((s) => s.setMetricsTop);
  useEffect(() => client['metrics.subscribe']({ limit }, (top) => setTop(top)), [client, limit, setTop]);
}
