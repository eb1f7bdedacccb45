import { z } from 'zod';
import { request } from '../base/channels';
import { resourceTypeSchema } from '../resources/contract';

/** The command palette's object search: names of every kind in every cluster, ranked. */
export const paletteHitSchema = z.object({
  clusterId: z.string().max(256),
  type: resourceTypeSchema,
  kind: z.string().max(253),
  namespace: z.string().max(253),
  name: z.string().max(253),
});
export type PaletteHit = z.infer<typeof paletteHitSchema>;

export const paletteContract = {
  'palette.search': request(
    z.object({ query: z.string().max(253), limit: z.number().int().min(1).max(200).optional() }).strict(),
    z.object({
      hits: z.array(paletteHitSchema).max(200),
      /** Names indexed so far and clusters still being indexed (the first search starts it). */
      indexed: z.number(),
      pending: z.number(),
      /** Time the search took in main, ms. */
      tookMs: z.number(),
    }),
  ),
};
