import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../ipc/logger';
import { consoleLogger } from '../ipc/logger';
import { readStoredSync, writeFileAtomicSync } from '../base/atomic-write';

/**
 * Main-process settings persisted as JSON in userDataDir: kubeconfig paths the user added and
 * UI-independent preferences. Never secrets (those go to the vault). A corrupt file is moved aside
 * (settings.json.corrupt-<time>) and defaults are used, so a bad write never bricks the app.
 */
const settingsSchema = z.object({
  version: z.literal(1),
  kubeconfigPaths: z.array(z.string().min(1).max(4096)).max(1000).default([]),
  /** Free-form, non-secret preferences owned by main-process features (e.g. group label key). */
  prefs: z.record(z.string(), z.unknown()).default({}),
});
export type Settings = z.infer<typeof settingsSchema>;

const defaults = (): Settings => ({ version: 1, kubeconfigPaths: [], prefs: {} });

export class SettingsStore {
  readonly file: string;
  private data: Settings;
  private readonly listeners = new Set<(s: Settings) => void>();

  constructor(
    userDataDir: string,
    private readonly log: Logger = consoleLogger,
  ) {
    this.file = path.join(userDataDir, 'settings.json');
    this.data = this.load();
  }

  get(): Settings {
    return structuredClone(this.data);
  }

  update(change: (s: Settings) => Settings | void): Settings {
    const draft = structuredClone(this.data);
    const next = settingsSchema.parse(change(draft) ?? draft);
    this.data = next;
    writeFileAtomicSync(this.file, `${JSON.stringify(next, null, 2)}\n`);
    for (const l of this.listeners) l(this.get());
    return this.get();
  }

  onDidChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Adapter for KubeconfigService's PathSettings. */
  kubeconfigPaths() {
    return {
      get: (): string[] => [...this.data.kubeconfigPaths],
      set: (paths: string[]): void => {
        this.update((s) => {
          s.kubeconfigPaths = [...new Set(paths)];
        });
      },
    };
  }

  private load(): Settings {
    const read = readStoredSync(this.file, (text) => settingsSchema.parse(JSON.parse(text)));
    if (read.problem) this.log.warn(`[settings] ${read.problem} Using defaults.`);
    return read.value ?? defaults();
  }
}
