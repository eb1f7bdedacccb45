/**
 * Memory and CPU time of processes started by this process (Linux /proc): Chromium's renderer
 * (the bench knows the page, not its process id, and the DevTools protocol gives a page's JS heap
 * but not its process's memory), the GPU process, the sandbox. Other people's processes are never
 * counted: only descendants of this process.
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

export function descendants(root: number): number[] {
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
  return {
    pid,
    rssMB: mb(kB(rollup, 'Rss')),
    pssMB: mb(kB(rollup, 'Pss')),
    privateMB: mb(kB(rollup, 'Private_Clean') + kB(rollup, 'Private_Dirty')),
  };
}

/** Renderer processes (`--type=renderer`) among this process's descendants, largest first. */
export function chromiumRenderers(root = process.pid): ProcMemory[] {
  return (
    descendants(root)
      // Chromium rewrites the titles of zygote children: the arguments may be one space-separated string.
      .filter((pid) => /(^|[\0 ])--type=renderer([\0 ]|$)/.test(read(`/proc/${pid}/cmdline`) ?? ''))
      .map(procMemory)
      .filter((m): m is ProcMemory => m !== undefined)
      .sort((a, b) => b.pssMB - a.pssMB)
  );
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return 0;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
}

/** CPU seconds so far of this process, of a child's process tree, and of Chromium's processes by type. */
export function cpuByRole(children: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = { services: cpuSeconds(process.pid) };
  const claimed = new Set<number>();
  for (const [role, pid] of Object.entries(children)) {
    const tree = [pid, ...descendants(pid)];
    tree.forEach((p) => claimed.add(p));
    out[role] = tree.reduce((n, p) => n + cpuSeconds(p), 0);
  }
  for (const pid of descendants(process.pid)) {
    if (claimed.has(pid)) continue;
    const cmd = read(`/proc/${pid}/cmdline`) ?? '';
    if (!cmd.includes('chrom')) continue;
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
    const role = `chromium-${type}`;
    out[role] = (out[role] ?? 0) + cpuSeconds(pid);
  }
  return out;
}
