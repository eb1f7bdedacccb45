/** The events channels on top of EventService (the composition root spreads these in). */
import type { Handlers } from '../../src-shared/base/channels';
import type { eventsContract } from '../../src-shared/events/contract';
import { ok } from '../../src-shared/result';
import type { EventService } from './event-service';

export function eventHandlers(events: EventService): Handlers<typeof eventsContract> {
  return {
    'events.subscribe': ({ clusterIds }, emit, ctx) => {
      const stop = events.subscribe(clusterIds, (diffs) => emit({ diffs }));
      if (ctx.signal.aborted) stop();
      else ctx.signal.addEventListener('abort', stop, { once: true });
      return ok(undefined);
    },
    'events.stats': async () => ok({ perCluster: events.stats() }),
  };
}
