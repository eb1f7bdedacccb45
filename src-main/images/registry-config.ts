import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { registryInfoSchema } from '../../src-shared/images/contract';

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

/** A JSON file written atomically (temp file + rename). A missing or corrupt file loads as empty. */
export class JsonFileRegistryConfigStore implements RegistryConfigStore {
  constructor(private readonly path: string) {}
  async load(): Promise<RegistryConfig[]> {
    try {
      const parsed = z.array(registryConfigSchema).safeParse(JSON.parse(await readFile(this.path, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }
  async save(registries: RegistryConfig[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(registries, null, 2), { mode: 0o600 });
    await rename(tmp, this.path);
  }
}
