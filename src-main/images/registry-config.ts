import { z } from 'zod';
import { registryInfoSchema } from '../../src-shared/images/contract';
import { readStored, writeFileAtomic } from '../base/atomic-write';

/**
 * Persisted registry configuration (no secrets: those live in the vault under `secretKey`).
 *
 *   new JsonFileRegistryConfigStore(join(userData, 'registries.json'))  // or MemoryRegistryConfigStore
 */

/** What the renderer sees of a registry, with the vault key of its secret instead of `hasSecret`. */
export const registryConfigSchema = registryInfoSchema.omit({ hasSecret: true, warnings: true }).extend({
  /** Vault key of the secret, when one was stored. */
  secretKey: z.string().optional(),
});
export type RegistryConfig = z.infer<typeof registryConfigSchema>;

export interface RegistryConfigStore {
  load(): Promise<RegistryConfig[]> | RegistryConfig[];
  /** Set by load() when a stored list existed but could not be used (moved aside), in words. */
  readonly problem?: string | undefined;
  save(registries: RegistryConfig[]): Promise<void> | void;
}

export class MemoryRegistryConfigStore implements RegistryConfigStore {
  constructor(private registries: RegistryConfig[] = []) {}
  load() {
    return this.registries.map((r) => ({ ...r }));
  }
  save(registries: RegistryConfig[]) {
    this.registries = registries.map((r) => ({ ...r }));
  }
}

/**
 * A JSON file written atomically (src-main/base/atomic-write). A missing file loads as empty; a
 * torn or corrupt one is moved aside, logged and kept in `problem`, and loads as empty, so the
 * user's list is never silently replaced by the next save.
 */
export class JsonFileRegistryConfigStore implements RegistryConfigStore {
  problem: string | undefined;
  constructor(
    private readonly path: string,
    private readonly log: (line: string) => void = () => {},
  ) {}
  async load(): Promise<RegistryConfig[]> {
    const read = await readStored(this.path, (text) => z.array(registryConfigSchema).parse(JSON.parse(text)));
    this.problem = read.problem;
    if (read.problem) this.log(`images: the registry list ${read.problem}`);
    return read.value ?? [];
  }
  async save(registries: RegistryConfig[]): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(registries, null, 2));
  }
}
