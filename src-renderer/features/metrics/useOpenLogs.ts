/**
 * Opens the container in the log viewer (a new Logs tab); `previous` shows the killed instance.
 * `eventAt` (epoch ms of the restart or OOM kill) starts the logs a little before it.
 */
import { useCallback } from 'react';
import type { ContainerRef } from '../../../src-shared/metrics/contract';
import { useAppStore } from '../../store';
import { podLogsTab } from '../logs/open-tabs';

export function useOpenLogs(): (ref: ContainerRef, previous: boolean, eventAt?: number) => void {
  const openLogTab = useAppStore((s) => s.openLogTab);
  return useCallback(
    (ref, previous, eventAt) => {
      openLogTab(podLogsTab(ref, { previous, ...(eventAt !== undefined ? { eventAt } : {}) }));
    },
    [openLogTab],
  );
}
