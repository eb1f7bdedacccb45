/**
 * Where the cursor is in a block-style YAML plan, as the path of mapping keys above it (list items
 * skipped): the context the editor's completion asks the schema about. Flow style (`{ a: 1 }`) is
 * not walked; completion there offers nothing rather than something wrong.
 */
export interface YamlSpot {
  /** Mapping keys from the root to the mapping the cursor line belongs to. */
  path: string[];
  /** The key of the cursor line when the cursor is after `key:` (completing a value), else undefined. */
  valueKey?: string;
  /** The word being typed (a key prefix or a value prefix). */
  word: string;
  /** Offset in the line where the word starts. */
  from: number;
}

const indentOf = (line: string): number => {
  const m = /^(\s*)(- )?/.exec(line)!;
  return m[1]!.length + (m[2] ? 2 : 0);
};

export function yamlSpot(lines: readonly string[], lineIndex: number, column: number): YamlSpot | undefined {
  const line = lines[lineIndex] ?? '';
  const before = line.slice(0, column);
  if (/[{[]/.test(before) || before.trimStart().startsWith('#')) return undefined;
  const value = /^(\s*(?:- )?)([\w-]+):\s*([\w.-]*)$/.exec(before);
  const key = /^(\s*(?:- )?)([\w-]*)$/.exec(before);
  if (!value && !key) return undefined;
  // Walk up: a shallower `key:` line opens the mapping we are in; deeper or equal lines (the
  // column after "- " counts for list items) are siblings and their children.
  let indent = indentOf(line);
  const path: string[] = [];
  for (let i = lineIndex - 1; i >= 0 && indent > 0; i--) {
    const l = lines[i]!;
    if (!l.trim() || l.trimStart().startsWith('#')) continue;
    const ind = indentOf(l);
    if (ind >= indent) continue;
    const opener = /^\s*(?:- )?([\w-]+):\s*(#.*)?$/.exec(l);
    if (opener) path.unshift(opener[1]!);
    indent = ind;
  }
  if (value) return { path, valueKey: value[2]!, word: value[3]!, from: column - value[3]!.length };
  return { path, word: key![2]!, from: column - key![2]!.length };
}
