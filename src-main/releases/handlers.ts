/** The releases channels on top of ReleaseService (thin: the router has validated the payloads). */
import type { Handlers } from '../../src-shared/base/channels';
import type { releasesContract } from '../../src-shared/releases/contract';
import { ok } from '../../src-shared/result';
import type { ReleaseService } from './release-service';

export function releaseHandlers(releases: ReleaseService): Handlers<typeof releasesContract> {
  return {
    'releases.subscribe': (_params, emit, ctx) => {
      const off = releases.subscribe(emit);
      if (ctx.signal.aborted) off();
      else ctx.signal.addEventListener('abort', off, { once: true });
      return ok(undefined);
    },
    'releases.plans.list': async () => ok(await releases.listPlans()),
    'releases.plans.save': ({ yaml }) => releases.savePlan(yaml),
    'releases.plans.delete': ({ name }) => releases.plans.delete(name),
    'releases.plans.check': async ({ yaml }) => ok(await releases.check(yaml)),
    'releases.plans.draft': ({ app, tag }) => releases.draft(app, tag),
    'releases.drift': ({ yaml }) => releases.drift(yaml),
    'releases.execution.create': ({ yaml, driftFingerprint, localOnly }) => releases.create(yaml, driftFingerprint, { localOnly }),
    'releases.execution.preview': ({ yaml, localOnly }) => releases.previewStart(yaml, { localOnly }),
    'releases.execution.previewStage': ({ id }) => releases.previewStage(id),
    'releases.execution.takeOver': ({ id }) => releases.takeOver(id),
    'releases.execution.handBack': ({ id }) => releases.handBack(id),
    'releases.execution.act': ({ id, event }) => releases.act(id, event),
    'releases.stopTheLine': ({ note }) => releases.stopTheLine(note),
    'releases.history.export': async ({ id, format }) => {
      const r = releases.exportHistory(id, format);
      return r.ok ? ok({ text: r.value }) : r;
    },
    'releases.row.revisions': ({ clusterId, namespace, name }) => releases.revisions(clusterId, namespace, name),
    'releases.row.preview': ({ action }) => releases.previewRow(action),
    'releases.row.apply': ({ action, generation }) => releases.applyRow(action, generation),
  };
}
