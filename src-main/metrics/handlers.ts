/**
 * The metrics channels on top of MetricsService (composition root spreads these into the handlers).
 * Subscribing connects every cluster until the subscription ends.
 */
import type { CallContext, Handlers } from '../../src-shared/base/channels';
import type { metricsContract } from '../../src-shared/metrics/contract';
import { ok } from '../../src-shared/result';
import type { MetricsService } from './metrics-service';

const onAbort = (ctx: CallContext, cleanup: () => void) => {
  if (ctx.signal.aborted) cleanup();
  else ctx.signal.addEventListener('abort', cleanup, { once: true });
};

export function metricsHandlers(m: MetricsService): Handlers<typeof metricsContract> {
  return {
    'metrics.subscribe': ({ limit }, emit, ctx) => {
      onAbort(ctx, m.subscribe(limit ?? 50, emit));
      return ok(undefined);
    },
    'metrics.series': async (ref) => m.series(ref),
    'metrics.forensics': async (ref) => ok(await m.forensics(ref)),
    'metrics.aggregate': async (ref) => m.aggregate(ref),
    'metrics.exportCsv': async (filter) => ok(m.exportCsv(filter)),
    'metrics.getSettings': async () => ok(m.getSettings()),
    'metrics.setSettings': async (patch) => ok(m.setSettings(patch)),
  };
}
