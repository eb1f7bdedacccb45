/**
 * The debug image last used per cluster, remembered in the main-process settings
 * (`prefs.debugImages`, cluster id → image reference): the next debug container of that cluster
 * starts with it prefilled. Image references only, never credentials; at most `MAX_CLUSTERS`
 * clusters (the least recently used dropped). A value that is not a valid image reference (a hand-
 * edited file) reads as none.
 *
 *   const images = new DebugImages({ read: () => prefs.debugImages, write: (v) => (prefs.debugImages = v) });
 *   images.get('fat');                 // 'busybox:1.36' until one was used
 *   images.remember('fat', 'nicolaka/netshoot:v0.13');
 */
import { z } from 'zod';
import { DEFAULT_DEBUG_IMAGE, debugRequestSchema } from '../../src-shared/exec/contract';

export const MAX_CLUSTERS = 200;

export interface DebugImageStore {
  read(): unknown;
  write(images: Record<string, string>): void;
}

const imageSchema = debugRequestSchema.shape.image;
const storedSchema = z.record(z.string(), z.unknown());

export class DebugImages {
  constructor(private readonly store: DebugImageStore) {}

  /** The image last used in this cluster, else the default. */
  get(clusterId: string): string {
    const image = imageSchema.safeParse(this.all()[clusterId]);
    return image.success ? image.data : DEFAULT_DEBUG_IMAGE;
  }

  remember(clusterId: string, image: string): void {
    const all = this.all();
    if (all[clusterId] === image) return;
    delete all[clusterId];
    all[clusterId] = image;
    const ids = Object.keys(all);
    for (const id of ids.slice(0, Math.max(0, ids.length - MAX_CLUSTERS))) delete all[id];
    this.store.write(all);
  }

  private all(): Record<string, string> {
    const parsed = storedSchema.safeParse(this.store.read());
    if (!parsed.success) return {};
    return Object.fromEntries(Object.entries(parsed.data).filter((e): e is [string, string] => typeof e[1] === 'string'));
  }
}
