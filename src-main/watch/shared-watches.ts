/**
 * Watches shared by every subscriber that needs the same one (a cluster's events, one resource
 * type in one cluster): made by the first, counted, and stopped with the last. `make` gives none
 * while the cluster has no connection.
 */
export class SharedWatches<W> {
  private readonly entries = new Map<string, { watch: W; refs: number }>();

  constructor(private readonly stop: (watch: W) => void) {}

  /** The watch under `key` (made if there is none yet) and its release; undefined when `make` gives none. */
  acquire(key: string, make: () => W | undefined): { watch: W; release: () => void } | undefined {
    let entry = this.entries.get(key);
    if (!entry) {
      const watch = make();
      if (watch === undefined) return undefined;
      entry = { watch, refs: 0 };
      this.entries.set(key, entry);
    }
    const held = entry;
    held.refs++;
    let released = false;
    return {
      watch: held.watch,
      release: () => {
        if (released) return;
        released = true;
        if (--held.refs === 0 && this.entries.get(key) === held) {
          this.entries.delete(key);
          this.stop(held.watch);
        }
      },
    };
  }

  get(key: string): W | undefined {
    return this.entries.get(key)?.watch;
  }

  entriesByKey(): [string, W][] {
    return [...this.entries].map(([k, e]) => [k, e.watch]);
  }

  dispose(): void {
    for (const e of this.entries.values()) this.stop(e.watch);
    this.entries.clear();
  }
}
