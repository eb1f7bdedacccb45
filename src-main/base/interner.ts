/**
 * Bounded string interning: equal strings read from many objects (a namespace, an event's reason,
 * a cell such as "ClusterIP", an image name in a message) share one copy instead of one per object.
 * JSON.parse gives every value its own string (V8 shares only very short ones), so a store of
 * 20,000 rows otherwise holds 20,000 copies of the same text. The table is cleared when full, so
 * unique strings passing through cost at most `max` entries; long strings are never kept.
 *
 *   const strings = new Interner();
 *   row.reason = strings.of(raw.reason);
 *   new Interner(Infinity, Infinity)   // unbounded: only for strings of low cardinality (namespaces, node names, images)
 */
export class Interner {
  private readonly table = new Map<string, string>();

  constructor(
    private readonly max = 20_000,
    private readonly maxLength = 256,
  ) {}

  get size(): number {
    return this.table.size;
  }

  of(s: string): string;
  of(s: string | undefined): string | undefined;
  of(s: string | undefined): string | undefined {
    if (s === undefined || s.length > this.maxLength) return s;
    const known = this.table.get(s);
    if (known !== undefined) return known;
    if (this.table.size >= this.max) this.table.clear();
    this.table.set(s, s);
    return s;
  }
}
