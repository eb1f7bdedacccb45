/**
 * Line diff (longest common subsequence) between the live YAML and the edited one, for the
 * editor's diff view. Objects are a few hundred lines: the O(n·m) table is small; above 4,000
 * lines on either side the diff degrades to "everything changed" rather than use much memory.
 */
export type DiffLine = { t: ' ' | '+' | '-'; text: string };

const MAX_LINES = 4000;

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length > MAX_LINES || b.length > MAX_LINES) return [...a.map((text) => ({ t: '-' as const, text })), ...b.map((text) => ({ t: '+' as const, text }))];
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: LCS length of a[i..] and b[j..], in one flat array.
  const lcs = new Uint16Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] = a[i] === b[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ t: ' ', text: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!) out.push({ t: '-', text: a[i++]! });
    else out.push({ t: '+', text: b[j++]! });
  }
  while (i < n) out.push({ t: '-', text: a[i++]! });
  while (j < m) out.push({ t: '+', text: b[j++]! });
  return out;
}

export const changedLines = (d: readonly DiffLine[]) => d.filter((l) => l.t !== ' ').length;
