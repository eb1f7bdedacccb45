import type { AppClient } from '../../../src-shared/contract';
import type { AppStore } from '../../store/index';

/**
 * Where the metrics pushes enter the store (the metrics part of the bridge, DESIGN.md convention
 * 6): subscribe while the Metrics view is open (main connects every cluster for it), one top-list
 * update per sample round (at most one every second: no batching needed), and unsubscribe on close
 * so that clusters can idle again. A stream that ends with an error says so in the view.
 */
export function watchMetrics(client: AppClient, store: AppStore, limit = 25): () => void {
  return client['metrics.subscribe'](
    { limit },
    (top) => {
      const s = store.getState();
      s.setMetricsTop(top);
      if (s.metricsError) s.setMetricsError(null);
    },
    (error) => store.getState().setMetricsError(error.message || 'The live metrics stopped. Reopen the Metrics view to retry.'),
  );
}
