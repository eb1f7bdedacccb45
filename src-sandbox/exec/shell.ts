/**
 * A very small POSIX-ish shell for sandbox containers: enough for an on-call engineer's reflexes
 * (ls, cat, tail -n N [-F], env, ps, echo, pwd, cd, hostname, sleep, exit) and for tests of exit
 * codes. `sh -c "a; b"` runs a sequence; $VAR and $? expand. Output is written through `io`.
 */
import type { Instance } from '../logs/pod-log-stream';
import { fileLines, isDir as isImageDir, list as listImage, logFileOf, normalize, staticFile } from './files';
import type { TarEntry } from './tar';
import { TarError, packTar, unpackTar } from './tar';

export interface ShellIO {
  out(s: string): void;
  err(s: string): void;
  /** Binary stdout (tar archives). */
  bytes?(b: Buffer): void;
  /** All of stdin, once the client has closed it (`tar x` reads an archive from it). */
  stdin?(): Promise<Buffer>;
}
export interface ShellTarget {
  pod: string;
  app: string;
  container: string;
  env: Record<string, string>;
  instance(): Instance | undefined;
  /** Files written in this container (kubectl cp into it): path → content, null for a directory. */
  written?: Map<string, Buffer | null>;
}

export const SHELLS = new Set(['sh', '/bin/sh', 'bash', '/bin/bash', 'ash', '/bin/ash']);

export class ExitRequest {
  constructor(readonly code: number) {}
}

export class Shell {
  cwd = '/app';
  last = 0;

  constructor(private readonly t: ShellTarget) {}

  env(): Record<string, string> {
    return {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/java/bin',
      HOSTNAME: this.t.pod,
      HOME: '/home/app',
      JAVA_HOME: '/opt/java',
      CATALINA_BASE: '/opt',
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      ...this.t.env,
    };
  }

  /** Run one command line (may contain `;`). Throws ExitRequest for `exit`. */
  async line(text: string, io: ShellIO, signal: AbortSignal): Promise<number> {
    for (const part of splitSequence(text)) {
      const argv = tokenize(part, (name) => (name === '?' ? String(this.last) : (this.env()[name] ?? '')));
      if (argv.length === 0) continue;
      this.last = await this.run(argv, io, signal);
      if (signal.aborted) break;
    }
    return this.last;
  }

  async run(argv: string[], io: ShellIO, signal: AbortSignal): Promise<number> {
    const [cmd, ...args] = argv as [string, ...string[]];
    switch (cmd) {
      case 'sh':
      case '/bin/sh':
      case 'bash':
      case '/bin/bash':
        if (args[0] === '-c' && args[1] !== undefined) return this.line(args[1], io, signal);
        io.err(`${cmd}: only "-c COMMAND" is supported here\n`);
        return 2;
      case 'exit':
        throw new ExitRequest(Number(args[0] ?? this.last) & 255);
      case 'true':
        return 0;
      case 'false':
        return 1;
      case 'echo':
        io.out(args.join(' ') + '\n');
        return 0;
      case 'pwd':
        io.out(this.cwd + '\n');
        return 0;
      case 'hostname':
        io.out(this.t.pod + '\n');
        return 0;
      case 'whoami':
        io.out('app\n');
        return 0;
      case 'env':
      case 'printenv':
        io.out(
          Object.entries(this.env())
            .map(([k, v]) => `${k}=${v}\n`)
            .join(''),
        );
        return 0;
      case 'ps':
        io.out(
          'PID   USER     TIME  COMMAND\n    1 app       0:42 java -Xms512m -Xmx768m -jar /app/app.jar\n   57 app       0:00 sh\n   63 app       0:00 ps\n',
        );
        return 0;
      case 'cd': {
        const p = normalize(this.cwd, args[0] ?? '/home/app');
        if (!this.isDir(p)) return fail(io, `sh: cd: can't cd to ${args[0]}: No such file or directory`, 2);
        this.cwd = p;
        return 0;
      }
      case 'sleep':
        await delay(Number(args[0] ?? 0) * 1000, signal);
        return 0;
      case 'ls':
        return this.ls(args, io);
      case 'cat':
        return this.cat(args, io);
      case 'tail':
        return this.tail(args, io, signal);
      case 'tar':
      case '/bin/tar':
        return this.tar(args, io);
      default:
        return fail(io, `sh: ${cmd}: not found`, 127);
    }
  }

  private ls(args: string[], io: ShellIO): number {
    const long = args.includes('-l') || args.includes('-la');
    const paths = args.filter((a) => !a.startsWith('-'));
    let code = 0;
    for (const raw of paths.length ? paths : ['.']) {
      const p = normalize(this.cwd, raw);
      const entries = this.list(p);
      if (!entries) {
        if (this.fileBytes(p) !== undefined) io.out(raw + '\n');
        else code = fail(io, `ls: ${raw}: No such file or directory`, 1);
        continue;
      }
      if (paths.length > 1) io.out(`${raw}:\n`);
      io.out(
        long
          ? entries.map((e) => `${this.isDir(normalize(p, e)) ? 'drwxr-xr-x' : '-rw-r--r--'}    1 app      app           0 ${e}\n`).join('')
          : entries.join('\n') + (entries.length ? '\n' : ''),
      );
    }
    return code;
  }

  private cat(args: string[], io: ShellIO): number {
    let code = 0;
    for (const raw of args) {
      const p = normalize(this.cwd, raw);
      const written = this.t.written?.get(p);
      const stat = staticFile(p, this.t.pod, this.t.app);
      if (written) io.out(written.toString('utf8'));
      else if (stat !== undefined) io.out(stat);
      else if (logFileOf(p)) io.out(this.logText(p));
      else if (this.isDir(p)) code = fail(io, `cat: read error: Is a directory`, 1);
      else code = fail(io, `cat: can't open '${raw}': No such file or directory`, 1);
    }
    return code;
  }

  private logText(p: string): string {
    const inst = this.t.instance();
    if (!inst) return '';
    const n = inst.timeline.countAt(Date.now());
    let out = '';
    for (let i = inst.timeline.firstKept(n); i < n; i += 5000)
      out += fileLines(inst, logFileOf(p)!, i, Math.min(n, i + 5000))
        .map((l) => l + '\n')
        .join('');
    return out;
  }

  private isDir(p: string): boolean {
    return isImageDir(p) || this.t.written?.get(p) === null;
  }

  private list(p: string): string[] | undefined {
    const base = listImage(p);
    const extra = [...(this.t.written?.keys() ?? [])]
      .filter((k) => k.startsWith(p === '/' ? '/' : `${p}/`) && !k.slice(p.length + 1).includes('/'))
      .map((k) => k.slice(p === '/' ? 1 : p.length + 1));
    if (!base && !this.t.written?.has(p)) return undefined;
    return [...new Set([...(base ?? []), ...extra])].sort();
  }

  private fileBytes(p: string): Buffer | undefined {
    const written = this.t.written?.get(p);
    if (written) return written;
    const stat = staticFile(p, this.t.pod, this.t.app);
    if (stat !== undefined) return Buffer.from(stat);
    if (logFileOf(p)) return Buffer.from(this.logText(p));
    return undefined;
  }

  /** `tar cf - PATH…` (archive to stdout) and `tar xf - [-C DIR]` (archive from stdin), as kubectl cp runs them. */
  private async tar(args: string[], io: ShellIO): Promise<number> {
    let mode = '';
    let dir = this.cwd;
    const paths: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-C') dir = normalize(this.cwd, args[++i] ?? '.');
      else if (a === '-f') i++;
      else if (i === 0 || a.startsWith('-')) {
        const flags = a.replace(/^-/, '');
        if (flags.includes('c')) mode = 'c';
        if (flags.includes('x')) mode = 'x';
        if (flags.includes('f') && args[i + 1] === '-') i++;
      } else paths.push(a);
    }
    if (mode === 'c') {
      const entries: TarEntry[] = [];
      let code = 0;
      if (paths.some((p) => p.startsWith('/'))) io.err("tar: removing leading '/' from member names\n");
      const add = (p: string) => {
        const rel = p.replace(/^\/+/, '');
        if (this.isDir(p)) {
          entries.push({ path: rel, dir: true, data: Buffer.alloc(0), mtimeMs: Date.now() });
          for (const e of this.list(p) ?? []) add(normalize(p, e));
          return;
        }
        const data = this.fileBytes(p);
        if (data) entries.push({ path: rel, dir: false, data, mtimeMs: Date.now() });
      };
      for (const raw of paths) {
        const p = normalize(this.cwd, raw);
        if (!this.isDir(p) && this.fileBytes(p) === undefined)
          code = fail(io, `tar: ${raw.replace(/^\/+/, '')}: Cannot stat: No such file or directory`, 2);
        else add(p);
      }
      if (io.bytes) io.bytes(packTar(entries));
      return code;
    }
    if (mode === 'x') {
      if (!io.stdin || !this.t.written) return fail(io, 'tar: read-only file system', 2);
      if (!this.isDir(dir)) return fail(io, `tar: can't change directory to '${dir}': No such file or directory`, 2);
      let entries: TarEntry[];
      try {
        entries = unpackTar(await io.stdin());
      } catch (e) {
        if (e instanceof TarError) return fail(io, `tar: ${e.message}`, 2);
        throw e;
      }
      for (const e of entries) {
        const p = normalize(dir, e.path);
        const parts = p.split('/');
        for (let k = 2; k < parts.length; k++) {
          const parent = parts.slice(0, k).join('/');
          if (!this.isDir(parent)) this.t.written.set(parent, null);
        }
        this.t.written.set(p, e.dir ? null : e.data);
      }
      return 0;
    }
    return fail(io, 'tar: need exactly one of -c or -x', 2);
  }

  private async tail(args: string[], io: ShellIO, signal: AbortSignal): Promise<number> {
    let n = 10;
    let follow = false;
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-n') n = Number(args[++i]);
      else if (/^-n\d+$/.test(a)) n = Number(a.slice(2));
      else if (a === '-f' || a === '-F') follow = true;
      else files.push(a);
    }
    if (!Number.isFinite(n) || n < 0) return fail(io, `tail: invalid number '${n}'`, 1);
    const file = files[0] ? logFileOf(normalize(this.cwd, files[0])) : undefined;
    if (!file) return fail(io, `tail: can't open '${files[0] ?? ''}': No such file or directory`, 1);
    const inst = this.t.instance();
    if (!inst) return 0;
    let next = inst.timeline.countAt(Date.now());
    // Walk back until n lines of this file are found (gc.log has one line in 25).
    const first = inst.timeline.firstKept(next);
    let from = next;
    for (let found = 0; from > first && found < n;) if (fileLines(inst, file, --from, from + 1).length) found++;
    io.out(
      fileLines(inst, file, from, next)
        .map((l) => l + '\n')
        .join(''),
    );
    while (follow && !signal.aborted) {
      await delay(100, signal);
      const now = inst.timeline.countAt(Date.now());
      const lines = fileLines(inst, file, next, Math.min(now, next + 20_000));
      next = Math.min(now, next + 20_000);
      if (lines.length) io.out(lines.map((l) => l + '\n').join(''));
    }
    return signal.aborted ? 130 : 0;
  }
}

function fail(io: ShellIO, message: string, code: number): number {
  io.err(message + '\n');
  return code;
}

const delay = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** Split on `;` outside quotes. */
export function splitSequence(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = '';
  for (const ch of text) {
    if (q) {
      if (ch === q) q = '';
      cur += ch;
    } else if (ch === '"' || ch === "'") {
      q = ch;
      cur += ch;
    } else if (ch === ';' || ch === '\n') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((s) => s.trim() !== '');
}

/** Words with '…' (literal) and "…" (with $VAR) quoting. */
export function tokenize(text: string, lookup: (name: string) => string): string[] {
  const words: string[] = [];
  let cur: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'") {
      const j = text.indexOf("'", i + 1);
      cur = (cur ?? '') + text.slice(i + 1, j < 0 ? undefined : j);
      i = j < 0 ? text.length : j;
    } else if (ch === '"') {
      const j = text.indexOf('"', i + 1);
      cur = (cur ?? '') + expand(text.slice(i + 1, j < 0 ? undefined : j), lookup);
      i = j < 0 ? text.length : j;
    } else if (/\s/.test(ch)) {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
    } else if (ch === '$') {
      const m = /^\$(\?|[A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
      if (m) {
        cur = (cur ?? '') + lookup(m[1]!);
        i += m[0].length - 1;
      } else cur = (cur ?? '') + ch;
    } else cur = (cur ?? '') + ch;
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

const expand = (s: string, lookup: (name: string) => string) => s.replace(/\$(\?|[A-Za-z_][A-Za-z0-9_]*)/g, (_m, n: string) => lookup(n));
