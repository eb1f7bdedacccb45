import type { imagesContract } from '../../src-shared/images/contract';
import type { Handlers } from '../../src-shared/base/channels';
import { ok } from '../../src-shared/result';
import type { ImageSyncService } from './image-sync-service';

/**
 * Main-process handlers of `imagesContract`, for the composition root:
 *
 *   Object.assign(handlers, createImagesHandlers(imageSyncService));
 *
 * Payloads were validated against the contract's zod schemas by the transport already.
 */
export function createImagesHandlers(images: ImageSyncService): Handlers<typeof imagesContract> {
  return {
    'images.registries.list': async () => ok(images.listRegistries()),
    'images.registries.add': (req) => images.addRegistry(req),
    'images.registries.remove': (req) => images.removeRegistry(req.registryId),
    'images.registries.update': (req) => images.updateRegistry(req),
    'images.registries.coverage': async () => ok(images.coverage()),
    'images.registries.setCredentials': (req) => images.setCredentials(req.registryId, req.username, req.secret),
    'images.registries.test': (req) => images.testRegistry(req.registryId),
    'images.registries.trust': (req) => images.trustCertificate(req.registryId, req.fingerprint),
    'images.registries.untrust': (req) => images.trustCertificate(req.registryId, undefined),
    'images.priority.set': async (req) => {
      images.setPriorityImages(req.images);
      return ok(null);
    },
    'images.matrix.get': (req) => images.getMatrix(req.filter, { refresh: req.refresh }),
    'images.matrix.watch': (params, emit, ctx) => {
      images.watchMatrix(params.filter, params.intervalMs ?? 30_000, emit, ctx.signal);
      return ok(undefined);
    },
    'images.cell.detail': (req) => images.getCellDetail(req.repository, req.tag, req.region),
    'images.task.log': (req) => images.getTaskLog(req.registryId, req.executionId, req.taskId),
    'images.execution.start': (req) => images.startExecution(req.registryId, req.policyId),
    'images.execution.stop': (req) => images.stopExecution(req.registryId, req.executionId),
    'images.execution.retry': (req) => images.retryExecution(req.registryId, req.executionId),
    'images.lineage.get': (req) => images.lineage(req.images),
    'images.checkPresent': (req) => images.checkImagePresent(req.image, req.digest, req.regions),
  };
}
