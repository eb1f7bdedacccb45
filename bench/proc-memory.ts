/**
 * Memory of Chromium's renderer processes started by this process (Linux /proc): the bench knows
 * the page, not its process id, and Chromium's DevTools protocol gives a page's JS heap but not
 * its process's memory. Children of other people's browsers are never counted: only descendants
 * of this process.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcMemory {
  pid: number;
  /** Resident set size (shared pages counted in full). */
  rssMB: number;
  /** Proportional set size: shared pages divided among the processes sharing them. */
  pssMB: number;
  /** Pages only this process uses. */
  privateMB: number;
}

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    // The command name is in parentheses and may contain spaces: the ppid follows the last ')'.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    if (!Number.isFinite(ppid)) continue;
    const list = children.get(ppid);
    if (list) list.push(Number(name));
    else children.set(ppid, [Number(name)]);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

const kB = (text: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
const mb = (kb: number) => Math.round(kb / 1024);

export function procMemory(pid: number): ProcMemory | undefined {
  const rollup = read(`/proc/${pid}/smaps_rollup`);
  if (!rollup) return undefined;
  return { pid, rssMB: mb(kB(rollup, 'Rss')), pssMB: mb(kB(rollup, 'Pss')), privateMB: mb(kB(rollup, 'Private_Clean') + kB(rollup, 'Private_Dirty')) };
}

/** Renderer processes (`--type=renderer`) among this process's descendants, largest first. */
export function chromiumRenderers(root = process.pid): ProcMemory[] {
  return descendants(root)
    // Chromium rewrites the titles of zygote children: the arguments may be one space-separated string.
    .filter((pid) => /(^|[\0 ])--type=renderer([\0 ]|$)/.test(read(`/proc/${pid}/cmdline`) ?? ''))
    .map(procMemory)
    .filter((m): m is ProcMemory => m !== undefined)
    .sort((a, b) => b.pssMB - a.pssMB);
}
