/**
 * The palette's own entries (views, actions, kinds) and how a query matches them: every word of
 * the query must appear in the label (case-insensitive); labels that start with the query come first.
 */
export interface Command {
  id: string;
  label: string;
  /** Section shown beside it: View, Action, Kind. */
  group: string;
  hint?: string;
  run: () => void;
}

export function matchCommands(commands: readonly Command[], query: string, limit: number): Command[] {
  const q = query.trim().toLowerCase();
  if (!q) return commands.slice(0, limit);
  const words = q.split(/\s+/);
  const scored: { c: Command; score: number }[] = [];
  for (const c of commands) {
    const label = c.label.toLowerCase();
    if (!words.every((w) => label.includes(w))) continue;
    scored.push({ c, score: label.startsWith(q) ? 0 : label.split(/[\s:]+/).some((part) => part.startsWith(words[0]!)) ? 1 : 2 });
  }
  scored.sort((a, b) => a.score - b.score || a.c.label.length - b.c.label.length);
  return scored.slice(0, limit).map((s) => s.c);
}
