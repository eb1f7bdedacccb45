/**
 * The tiny read-only filesystem a sandbox container shows to exec: a few directories and the
 * Tomcat log files under /opt/logs, whose lines come from the same deterministic timeline as the
 * container's stdout (generator.ts), so `tail -F` inside a container and the pod log agree.
 */
import type { LogFile } from '../logs/generator';
import { fileLine, LOG_FILES } from '../logs/generator';
import type { Instance } from '../logs/pod-log-stream';

const DIRS: Record<string, string[]> = {
  '/': ['app', 'bin', 'etc', 'opt', 'proc', 'tmp', 'usr', 'var'],
  '/opt': ['logs'],
  '/opt/logs': [...LOG_FILES],
  '/app': ['app.jar', 'config'],
  '/app/config': ['application.yaml'],
  '/etc': ['hostname', 'hosts', 'os-release'],
  '/tmp': [],
};

export function normalize(cwd: string, p: string): string {
  const parts = (p.startsWith('/') ? p : `${cwd}/${p}`).split('/');
  const out: string[] = [];
  for (const s of parts) {
    if (s === '' || s === '.') continue;
    if (s === '..') out.pop();
    else out.push(s);
  }
  return '/' + out.join('/');
}

export const isDir = (p: string): boolean => p in DIRS;
export const list = (p: string): string[] | undefined => DIRS[p];

export function logFileOf(p: string): LogFile | undefined {
  const m = /^\/opt\/logs\/(.+)$/.exec(p);
  return m && (LOG_FILES as readonly string[]).includes(m[1]!) ? (m[1] as LogFile) : undefined;
}

/** Lines of a log file written so far, from index `from` (undefined entries skipped). */
export function fileLines(inst: Instance, file: LogFile, from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) {
    const l = fileLine(inst.ctx, file, i, inst.timeline.tMs(i));
    if (l !== undefined) out.push(l);
  }
  return out;
}

/** Static files: their text, or undefined. */
export function staticFile(p: string, pod: string, app: string): string | undefined {
  switch (p) {
    case '/etc/hostname':
      return `${pod}\n`;
    case '/etc/hosts':
      return `127.0.0.1\tlocalhost\n10.1.0.7\t${pod}\n`;
    case '/etc/os-release':
      return 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n';
    case '/app/config/application.yaml':
      return `spring:\n  application:\n    name: ${app}\nserver:\n  port: 8080\n`;
    default:
      return undefined;
  }
}
