import { useCallback } from 'react';
import type { AppClient } from '../../../src-shared/contract';
import { useClient } from '../../components/ClientContext';

/**
 * After an action (start, stop, retry, a registry added) the matrix should not wait for the next
 * watch interval: ask main for a few refreshes over the next seconds (each one pushes a diff to the
 * open watch when something changed; the answer itself is cut to one row, the watch carries the data).
 */
export function refreshBurst(client: AppClient, delays = [300, 1_500, 4_000, 8_000, 15_000]): () => void {
  const timers = delays.map((ms) => setTimeout(() => void client['images.matrix.get']({ refresh: true, filter: { limit: 1 } }), ms));
  return () => timers.forEach(clearTimeout);
}

export function useRefreshBurst(): (delays?: number[]) => void {
  const client = useClient();
  return useCallback((delays?: number[]) => void refreshBurst(client, delays), [client]);
}
