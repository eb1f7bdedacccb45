/**
 * The resources channels on top of ResourceService (the composition root spreads these in).
 * Subscribing connects the clusters it covers until the subscription ends.
 */
import type { Handlers } from '../../src-shared/base/channels';
import type { resourcesContract } from '../../src-shared/resources/contract';
import { ok } from '../../src-shared/result';
import type { ClusterService } from '../clusters/cluster-service';
import { resourceDetail, revealSecretKey } from './resource-detail';
import type { ResourceService } from './resource-service';

export function resourceHandlers(resources: ResourceService, clusters: ClusterService): Handlers<typeof resourcesContract> {
  const deps = {
    connection: (id: string) => clusters.connection(id),
    knownType: (id: string, group: string, kind: string) => resources.knownType(id, group, kind),
  };
  return {
    'resources.kinds': async () => ok(await resources.kinds()),
    'resources.subscribe': ({ type, clusterIds }, emit, ctx) => {
      const stop = resources.subscribe(type, clusterIds, (diffs) => emit({ diffs }));
      if (ctx.signal.aborted) stop();
      else ctx.signal.addEventListener('abort', stop, { once: true });
      return ok(undefined);
    },
    'resources.detail': (ref) => resourceDetail(deps, ref),
    // The value goes straight back to the caller: nothing in main keeps it.
    'resources.revealSecretKey': (req) => revealSecretKey(deps, req),
  };
}
