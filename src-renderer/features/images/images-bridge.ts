import type { AppClient } from '../../../src-shared/contract';
import type { MatrixFilter } from '../../../src-shared/images/contract';
import type { AppStore } from '../../store/index';
import type { ImagesFilter } from './images-slice';

/**
 * Where the image matrix pushes enter the store (the images part of the bridge, DESIGN.md
 * convention 6): subscribe while the Images view is open, with the filter applied in main (it may
 * hold 20,000 rows), and unsubscribe on close so registries are not polled for nobody.
 */
export function toMatrixFilter(f: ImagesFilter): MatrixFilter {
  return {
    ...(f.project ? { project: f.project } : {}),
    ...(f.app.trim() ? { app: f.app.trim() } : {}),
    ...(f.tagPattern.trim() ? { tagPattern: f.tagPattern.trim() } : {}),
    ...(f.onlyOutOfSync ? { onlyOutOfSync: true } : {}),
  };
}

export function watchImages(client: AppClient, store: AppStore, filter: ImagesFilter, intervalMs = 15_000): () => void {
  return client['images.matrix.watch'](
    { filter: toMatrixFilter(filter), intervalMs },
    (event) => store.getState().applyImagesEvent(event),
    (error) => store.getState().setImagesError(error),
  );
}
