/**
 * A view's first lines come as one backlog per source, one source after another. Held for a
 * moment at the start and released in timestamp order, they read as one story across pods.
 * Kubernetes timestamps are RFC 3339 with up to nine fraction digits and trailing zeros trimmed,
 * so "…07.1Z" must sort after "…07.099Z": the key pads the fraction before comparing.
 */
export function timeKey(ts: string): string {
  const m = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(ts);
  return m ? `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}Z` : ts;
}

/** Stable sort by timestamp (lines of one source keep their order when stamps are equal). */
export function mergeByTime<T>(items: readonly T[], tsOf: (item: T) => string): T[] {
  return items
    .map((item, i) => ({ item, i, key: timeKey(tsOf(item)) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
    .map((x) => x.item);
}
