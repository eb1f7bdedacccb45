import type { ForwardTarget } from '../../../src-shared/portforward/contract';
import type { SliceCreator } from '../../store/types';

/**
 * A forward asked for elsewhere (the palette) and started by the Forwards view, which shows where it
 * listens. Taken once: the view that starts it clears it.
 */
export interface ForwardsSlice {
  quickForward: ForwardTarget | null;
  requestForward: (target: ForwardTarget) => void;
  takeQuickForward: () => ForwardTarget | null;
}

export const createForwardsSlice: SliceCreator<ForwardsSlice> = (set, get) => ({
  quickForward: null,
  requestForward: (quickForward) => set({ quickForward }),
  takeQuickForward: () => {
    const t = get().quickForward;
    if (t) set({ quickForward: null });
    return t;
  },
});
