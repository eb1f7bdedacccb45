/** Opens the container in the log viewer (a new Logs tab); `previous` shows the killed instance. */
import { useCallback } from 'react';
import type { ContainerRef } from '../../../src-shared/metrics/contract';
import { useAppStore } from '../../store';

export function useOpenLogs(): (ref: ContainerRef, previous: boolean) => void {
  const openLogTab = useAppStore((s) => s.openLogTab);
  return useCallback((ref, previous) => {
    openLogTab({
      kind: 'logs',
      title: `${ref.pod}${previous ? ' (previous)' : ''}`,
      selection: { clusterIds: [ref.clusterId], namespace: ref.namespace, target: { kind: 'pod', name: ref.pod }, container: ref.container, ...(previous ? { previous: true, tailLines: 500 } : {}) },
    });
  }, [openLogTab]);
}
