import { useMemo, useRef } from 'react';
import { useAppStore } from '../../store';
import { selectExecutions } from './releases-slice';
import { createBoardIndex, type BoardIndex } from './board-index';
import type { Board } from './board-model';

/**
 * The board for the store's current Deployments, pods and executions, kept by deltas (board-index):
 * a pod change costs the Deployment it touches, not a walk over every pod.
 */
export function useBoard(): Board {
  const deployments = useAppStore((s) => s.deployments);
  const pods = useAppStore((s) => s.pods);
  const executions = useAppStore(selectExecutions);
  const index = useRef<BoardIndex | null>(null);
  index.current ??= createBoardIndex();
  const current = index.current;
  return useMemo(() => current.update(deployments, pods, executions), [current, deployments, pods, executions]);
}
