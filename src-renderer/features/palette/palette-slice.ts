import type { ResourceRef } from '../../../src-shared/resources/contract';
import type { SliceCreator } from '../../store/types';

/** Something the palette ran, to offer again: an object, a view or an action (by id). */
export type RecentItem = { t: 'object'; ref: ResourceRef; kind: string } | { t: 'command'; id: string; label: string };

export const MAX_RECENT = 12;

export interface PaletteSlice {
  paletteOpen: boolean;
  /** Persisted (names of objects and commands only). */
  paletteRecent: RecentItem[];
  setPaletteOpen: (open: boolean) => void;
  pushRecent: (item: RecentItem) => void;
}

const sameItem = (a: RecentItem, b: RecentItem) =>
  a.t === 'command' && b.t === 'command'
    ? a.id === b.id
    : a.t === 'object' &&
      b.t === 'object' &&
      a.ref.clusterId === b.ref.clusterId &&
      a.ref.name === b.ref.name &&
      a.ref.namespace === b.ref.namespace &&
      a.ref.type.resource === b.ref.type.resource &&
      a.ref.type.group === b.ref.type.group;

export const createPaletteSlice: SliceCreator<PaletteSlice> = (set) => ({
  paletteOpen: false,
  paletteRecent: [],
  setPaletteOpen: (paletteOpen) => set({ paletteOpen }),
  pushRecent: (item) => set((s) => ({ paletteRecent: [item, ...s.paletteRecent.filter((r) => !sameItem(r, item))].slice(0, MAX_RECENT) })),
});
