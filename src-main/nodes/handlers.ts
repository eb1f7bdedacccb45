/** The nodes channels on top of NodeService (the composition root spreads these in). */
import type { Handlers } from '../../src-shared/base/channels';
import type { nodesContract } from '../../src-shared/nodes/contract';
import { ok } from '../../src-shared/result';
import type { NodeService } from './node-service';

/** Retries of evictions a PodDisruptionBudget refuses stop after this (kubectl drain has no default; 5 min is a 3 a.m. answer). */
export const DEFAULT_DRAIN_TIMEOUT_S = 300;

export function nodeHandlers(nodes: NodeService): Handlers<typeof nodesContract> {
  return {
    'nodes.detail': (ref) => nodes.detail(ref),
    'nodes.setSchedulable': ({ clusterId, name, schedulable }) => nodes.setSchedulable({ clusterId, name }, schedulable),
    'nodes.drainPreview': (ref) => nodes.drainPreview(ref),
    'nodes.drain': ({ clusterId, name, timeoutSeconds }, emit, ctx) => {
      // Runs until done or until the subscription ends (the user stopped it, the window went away).
      void nodes.drain({ clusterId, name }, { timeoutMs: (timeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_S) * 1000, signal: ctx.signal }, (e) => {
        if (!ctx.signal.aborted) emit(e);
      });
      return ok(undefined);
    },
  };
}
