/**
 * The kubeconfig entries minus the clusters the user hid (a setting): ClusterService, and every
 * service that follows it, sees only these, so a hidden cluster is not connected, watched or
 * shown. Showing it again brings it back like a new context.
 *
 *   const visible = new VisibleEntries(kubeconfigService, { get, set });   // hidden ids, persisted
 *   new ClusterService(visible, ...); visible.setHidden('pro-west', true); visible.hidden();
 */
import type { ClusterEntry } from './kubeconfig-types';

export interface EntrySource {
  entries(): ClusterEntry[];
  onDidChangeEntries(listener: (entries: ClusterEntry[]) => void): () => void;
}

export class VisibleEntries implements EntrySource {
  private readonly listeners = new Set<(entries: ClusterEntry[]) => void>();
  private readonly dispose: () => void;

  constructor(
    private readonly all: EntrySource,
    private readonly hiddenIds: { get(): string[]; set(ids: string[]): void },
  ) {
    this.dispose = all.onDidChangeEntries(() => this.fire());
  }

  entries(): ClusterEntry[] {
    const hidden = new Set(this.hiddenIds.get());
    return this.all.entries().filter((e) => !hidden.has(e.id));
  }

  /** Hidden clusters that the kubeconfigs still define (with the file each comes from). */
  hidden(): { id: string; source: string }[] {
    const hidden = new Set(this.hiddenIds.get());
    return this.all
      .entries()
      .filter((e) => hidden.has(e.id))
      .map((e) => ({ id: e.id, source: e.source }));
  }

  setHidden(id: string, hidden: boolean): void {
    const ids = new Set(this.hiddenIds.get());
    if (hidden === ids.has(id)) return;
    if (hidden) ids.add(id);
    else ids.delete(id);
    this.hiddenIds.set([...ids].sort());
    this.fire();
  }

  onDidChangeEntries(listener: (entries: ClusterEntry[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.dispose();
    this.listeners.clear();
  }

  private fire(): void {
    const entries = this.entries();
    for (const l of [...this.listeners]) l(entries);
  }
}
