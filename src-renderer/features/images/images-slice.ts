import type { MatrixEvent, SyncMatrix } from '../../../src-shared/images/contract';
import { applyMatrixDiff } from '../../../src-shared/images/matrix-diff';
import type { AppError } from '../../../src-shared/result';
import type { SliceCreator } from '../../store/types';

export interface ImagesFilter {
  project: string;
  /** Repository substring (an app's name). */
  app: string;
  /** Glob on the tag (`*`, `?`). */
  tagPattern: string;
  onlyOutOfSync: boolean;
}
export const emptyImagesFilter: ImagesFilter = { project: '', app: '', tagPattern: '', onlyOutOfSync: false };

export interface CellRef {
  repository: string;
  tag: string;
  region: string;
}

export type ImagesTab = 'matrix' | 'registries' | 'lineage';

/**
 * Image sync status: the matrix (whole first, then diffs from main's watch), its filter, the
 * selected cell, and an image another view asked to show (a pod in ImagePullBackOff). Nothing
 * here is secret: registry secrets go to main once and never come back.
 */
export interface ImagesSlice {
  imagesMatrix: SyncMatrix | null;
  imagesError: AppError | null;
  imagesFilter: ImagesFilter;
  imagesSelected: CellRef | null;
  imagesTab: ImagesTab;
  /** `repository:tag` to bring into view (cleared once shown). */
  imagesFocus: { repository: string; tag?: string } | null;
  applyImagesEvent: (event: MatrixEvent) => void;
  setImagesError: (error: AppError | null) => void;
  setImagesFilter: (patch: Partial<ImagesFilter>) => void;
  selectImageCell: (ref: CellRef | null) => void;
  setImagesTab: (tab: ImagesTab) => void;
  /** Open the Images view on one image (its row filtered and selected). */
  showImage: (repository: string, tag?: string) => void;
  clearImagesFocus: () => void;
}

export const createImagesSlice: SliceCreator<ImagesSlice> = (set) => ({
  imagesMatrix: null,
  imagesError: null,
  imagesFilter: emptyImagesFilter,
  imagesSelected: null,
  imagesTab: 'matrix',
  imagesFocus: null,
  applyImagesEvent: (event) =>
    set((s) => {
      if (event.kind === 'full') return { imagesMatrix: event.matrix, imagesError: null };
      // A diff before any full matrix cannot be applied: wait for the next full one.
      return s.imagesMatrix ? { imagesMatrix: applyMatrixDiff(s.imagesMatrix, event.diff), imagesError: null } : {};
    }),
  setImagesError: (imagesError) => set({ imagesError }),
  setImagesFilter: (patch) => set((s) => ({ imagesFilter: { ...s.imagesFilter, ...patch } })),
  selectImageCell: (imagesSelected) => set({ imagesSelected }),
  setImagesTab: (imagesTab) => set({ imagesTab }),
  showImage: (repository, tag) =>
    set({
      view: 'images',
      imagesTab: 'matrix',
      imagesFilter: { ...emptyImagesFilter, app: repository, tagPattern: tag ?? '' },
      imagesFocus: { repository, ...(tag ? { tag } : {}) },
      selected: null,
    }),
  clearImagesFocus: () => set({ imagesFocus: null }),
});
