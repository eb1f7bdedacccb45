/**
 * Three-way line merge (diff3), for rebasing an edit on a newer version of the object:
 * base = the version the user started from, mine = the edit, theirs = the new live version.
 * Where only one side changed a stretch of lines, that side wins; where both changed it the same
 * way, once; where one side only added lines next to a stretch the other changed (a key added
 * beside an edited one: line diffs see one stretch), both; where both changed it differently, a conflict, written with git's markers so that
 * the text cannot be applied (it is not valid YAML) until the user has chosen.
 *
 *   const m = mergeThreeWay(base, mine, theirs);
 *   m.conflicts.length === 0 ? apply(m.text) : showConflicts(m.text, m.conflicts);
 */
import { lineMatches } from './line-diff';

export const CONFLICT_MINE = '<<<<<<< your edit';
export const CONFLICT_BASE = '||||||| when you opened it';
export const CONFLICT_SEP = '=======';
export const CONFLICT_THEIRS = '>>>>>>> live now';

export interface MergeConflict {
  /** 1-based line of the conflict's first marker in `text`. */
  line: number;
  mine: string[];
  base: string[];
  theirs: string[];
}

export interface MergeResult {
  text: string;
  conflicts: MergeConflict[];
  /** Stretches taken from mine / from theirs (for the summary shown after a rebase). */
  fromMine: number;
  fromTheirs: number;
}

const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((l, i) => l === y[i]);

/** `outer` = pre + `inner` + post (inner not empty): the lines added before and after it. */
function around(outer: readonly string[], inner: readonly string[]): [string[], string[]] | undefined {
  if (inner.length === 0 || outer.length <= inner.length) return undefined;
  for (let at = 0; at + inner.length <= outer.length; at++) {
    if (inner.every((l, k) => outer[at + k] === l)) return [outer.slice(0, at), outer.slice(at + inner.length)];
  }
  return undefined;
}

export function mergeThreeWay(base: string, mine: string, theirs: string): MergeResult {
  const o = base.split('\n');
  const a = mine.split('\n');
  const b = theirs.split('\n');
  const ma = lineMatches(o, a);
  const mb = lineMatches(o, b);
  const out: string[] = [];
  const conflicts: MergeConflict[] = [];
  let fromMine = 0;
  let fromTheirs = 0;
  let i = 0;
  let ia = 0;
  let ib = 0;
  for (;;) {
    // Lines unchanged on both sides.
    while (i < o.length && ma[i] === ia && mb[i] === ib) {
      out.push(o[i]!);
      i++;
      ia++;
      ib++;
    }
    // The next base line both sides kept closes the changed stretch.
    let next = i;
    while (next < o.length && (ma[next]! < 0 || mb[next]! < 0)) next++;
    const ea = next < o.length ? ma[next]! : a.length;
    const eb = next < o.length ? mb[next]! : b.length;
    if (next === i && ea === ia && eb === ib) break;
    const so = o.slice(i, next);
    const sa = a.slice(ia, ea);
    const sb = b.slice(ib, eb);
    if (same(sa, so)) {
      out.push(...sb);
      fromTheirs++;
    } else if (same(sb, so) || same(sa, sb)) {
      out.push(...sa);
      fromMine++;
    } else if (around(sb, so)) {
      // Theirs kept the base stretch and only added lines next to it: mine's change, their lines around.
      const [pre, post] = around(sb, so)!;
      out.push(...pre, ...sa, ...post);
      fromMine++;
      fromTheirs++;
    } else if (around(sa, so)) {
      const [pre, post] = around(sa, so)!;
      out.push(...pre, ...sb, ...post);
      fromMine++;
      fromTheirs++;
    } else {
      conflicts.push({ line: out.length + 1, mine: sa, base: so, theirs: sb });
      out.push(CONFLICT_MINE, ...sa, CONFLICT_BASE, ...so, CONFLICT_SEP, ...sb, CONFLICT_THEIRS);
    }
    i = next;
    ia = ea;
    ib = eb;
  }
  return { text: out.join('\n'), conflicts, fromMine, fromTheirs };
}

/** True while the text still holds a conflict marker line (it must not be applied). */
export const hasConflictMarkers = (text: string) => /^(<<<<<<< |>>>>>>> |\|\|\|\|\|\|\| )/m.test(text);

/**
 * Resolve the `n`-th conflict block still in `text` (0-based) by keeping one side: the user's
 * edit or the live version. Text outside the block is left as it is.
 */
export function resolveConflict(text: string, n: number, keep: 'mine' | 'theirs'): string {
  const lines = text.split('\n');
  let seen = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== CONFLICT_MINE || ++seen !== n) continue;
    const baseAt = lines.indexOf(CONFLICT_BASE, i);
    const sepAt = lines.indexOf(CONFLICT_SEP, baseAt);
    const endAt = lines.indexOf(CONFLICT_THEIRS, sepAt);
    if (baseAt < 0 || sepAt < 0 || endAt < 0) return text;
    const kept = keep === 'mine' ? lines.slice(i + 1, baseAt) : lines.slice(sepAt + 1, endAt);
    return [...lines.slice(0, i), ...kept, ...lines.slice(endAt + 1)].join('\n');
  }
  return text;
}

/** 1-based lines where a conflict block starts, in order. */
export const conflictLines = (text: string) => text.split('\n').flatMap((l, i) => (l === CONFLICT_MINE ? [i + 1] : []));
