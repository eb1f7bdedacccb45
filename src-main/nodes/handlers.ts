/** The nodes channels on top of NodeService (the composition root spreads these in). */
import type { Handlers } from '../../src-shared/base/channels';
import type { nodesContract } from '../../src-shared/nodes/contract';
import type { NodeService } from './node-service';

export function nodeHandlers(nodes: NodeService): Handlers<typeof nodesContract> {
  return {
    'nodes.detail': (ref) => nodes.detail(ref),
    'nodes.setSchedulable': ({ clusterId, name, schedulable }) => nodes.setSchedulable({ clusterId, name }, schedulable),
    'nodes.drainPreview': (ref) => nodes.drainPreview(ref),
    'nodes.drain': ({ clusterId, name }) => nodes.drain({ clusterId, name }),
  };
}
