export type SortValue = string | number;

/**
 * Sort by one key with the name as tie-breaker. Keys are read once per row (not once per
 * comparison) into one array, and an index permutation is sorted: O(n log n) cheap comparisons.
 * Strings compare by code unit, which is what Kubernetes names (lowercase ASCII) need and far
 * faster than localeCompare at 50,000 rows.
 */
export function sortRows<T extends { name: string }>(rows: readonly T[], keyOf: (row: T) => SortValue, dir: 'asc' | 'desc'): T[] {
  const n = rows.length;
  const keys = new Array<SortValue>(n);
  for (let i = 0; i < n; i++) keys[i] = keyOf(rows[i]!);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const sign = dir === 'asc' ? 1 : -1;
  order.sort((a, b) => {
    const ka = keys[a]!;
    const kb = keys[b]!;
    if (ka < kb) return -sign;
    if (ka > kb) return sign;
    const na = rows[a]!.name;
    const nb = rows[b]!.name;
    return na < nb ? -1 : na > nb ? 1 : a - b;
  });
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = rows[order[i]!]!;
  return out;
}
