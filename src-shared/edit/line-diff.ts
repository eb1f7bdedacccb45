/**
 * Line diff (longest common subsequence) between two texts: the editor's diff count and the base
 * of the three-way merge. Objects are a few hundred lines: the O(n·m) table is small; above 4,000
 * lines on either side nothing is matched ("everything changed") rather than use much memory.
 */
export type DiffLine = { t: ' ' | '+' | '-'; text: string };

const MAX_LINES = 4000;

/**
 * For each line of `a`, the index of the line of `b` it is matched with in a longest common
 * subsequence, or -1. Matches are increasing: a[i] ↔ b[m[i]] keeps both orders.
 */
export function lineMatches(a: readonly string[], b: readonly string[]): Int32Array {
  const n = a.length;
  const m = b.length;
  const out = new Int32Array(n).fill(-1);
  if (n > MAX_LINES || m > MAX_LINES) return out;
  // lcs[i][j]: LCS length of a[i..] and b[j..], in one flat array.
  const lcs = new Uint16Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] =
        a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) out[i++] = j++;
    else if (lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!) i++;
    else j++;
  }
  return out;
}

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const match = lineMatches(a, b);
  const out: DiffLine[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const to = match[i]!;
    if (to < 0) {
      out.push({ t: '-', text: a[i]! });
      continue;
    }
    while (j < to) out.push({ t: '+', text: b[j++]! });
    out.push({ t: ' ', text: a[i]! });
    j++;
  }
  while (j < b.length) out.push({ t: '+', text: b[j++]! });
  return out;
}

export const changedLines = (d: readonly DiffLine[]) => d.filter((l) => l.t !== ' ').length;
