/**
 * KubeconfigService: where clusters come from.
 *
 *   const kc = new KubeconfigService({ settings });       // KUBECONFIG list or ~/.kube/config + added paths
 *   const kc = KubeconfigService.fromString(yaml, 'sandbox'); // one inline kubeconfig (the sandbox)
 *   kc.start();                       // load now and watch files (call dispose() to stop)
 *   kc.entries();                     // ClusterEntry[] (credentials inside: main only)
 *   kc.onDidChangeEntries(cb)         // after a file change (debounced); returns a disposer
 *   kc.sources();                     // [{path, exists, error?}] for AppInfo
 *   kc.addPath(p) / kc.removePath(p)  // user-added files or folders (a folder = every regular file in it)
 *   kc.setInline(name, yaml | undefined) // add/replace/remove an inline source (sandbox, vault-imported)
 *
 * Sources, in order: inline sources, then `KUBECONFIG` (path-delimiter list) else ~/.kube/config,
 * then user-added paths (persisted through `settings`). Duplicates resolve first-wins, as kubectl.
 * A malformed file yields one entry with id `file:<path>` carrying the error; other files still load.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { KubeconfigFile, MergeOptions } from './kubeconfig-merge';
import { mergeKubeconfigs, parseKubeconfig } from './kubeconfig-merge';
import type { ClusterEntry, SourceStatus } from './kubeconfig-types';

export interface PathSettings {
  get(): string[];
  set(paths: string[]): void;
}

export interface KubeconfigServiceOptions {
  /** Persisted user-added paths. Default: in memory. */
  settings?: PathSettings;
  /** Default process.env (KUBECONFIG is read from it). */
  env?: NodeJS.ProcessEnv;
  /** Default os.homedir(). */
  homeDir?: string;
  /** Debounce for file-change reloads. Default 250 ms. */
  debounceMs?: number;
  /** Skip KUBECONFIG / ~/.kube/config (used by fromString and tests). */
  noDefaultSources?: boolean;
  merge?: MergeOptions;
  log?: (message: string) => void;
}

const memorySettings = (): PathSettings => {
  let paths: string[] = [];
  return { get: () => paths, set: (p) => (paths = [...p]) };
};

const MAX_FILE_BYTES = 16 * 1024 * 1024;
const MAX_FOLDER_FILES = 500;

export class KubeconfigService {
  private readonly settings: PathSettings;
  private readonly env: NodeJS.ProcessEnv;
  private readonly home: string;
  private readonly debounceMs: number;
  private readonly inline = new Map<string, string>();
  private current: ClusterEntry[] = [];
  private sourceStatus: SourceStatus[] = [];
  private currentContextName: string | undefined;
  private readonly listeners = new Set<(entries: ClusterEntry[]) => void>();
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private disposed = false;
  private lastSignature = '';
  private lastLoggedErrors = '';

  constructor(private readonly opts: KubeconfigServiceOptions = {}) {
    this.settings = opts.settings ?? memorySettings();
    this.env = opts.env ?? process.env;
    this.home = opts.homeDir ?? os.homedir();
    this.debounceMs = opts.debounceMs ?? 250;
  }

  /** A service over one inline kubeconfig (e.g. the sandbox's), no default sources. */
  static fromString(yaml: string, sourceName = 'inline', opts: KubeconfigServiceOptions = {}): KubeconfigService {
    const s = new KubeconfigService({ ...opts, noDefaultSources: true });
    s.inline.set(sourceName, yaml);
    s.reload();
    return s;
  }

  /** Load now and start watching files. Idempotent. */
  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.reload();
  }

  entries(): ClusterEntry[] {
    return this.current;
  }

  entry(id: string): ClusterEntry | undefined {
    return this.current.find((e) => e.id === id);
  }

  currentContext(): string | undefined {
    return this.currentContextName;
  }

  sources(): SourceStatus[] {
    return this.sourceStatus;
  }

  onDidChangeEntries(listener: (entries: ClusterEntry[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The configured top-level paths (KUBECONFIG list or ~/.kube/config, then added paths). */
  configuredPaths(): string[] {
    const out: string[] = [];
    if (!this.opts.noDefaultSources) {
      const list = (this.env.KUBECONFIG ?? '').split(path.delimiter).filter(Boolean);
      out.push(...(list.length ? list : [path.join(this.home, '.kube', 'config')]));
    }
    out.push(...this.settings.get());
    return [...new Set(out.map((p) => path.resolve(p)))];
  }

  addPath(p: string): Result<{ contexts: number }> {
    const abs = path.resolve(p.startsWith('~') ? path.join(this.home, p.slice(1)) : p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      return err('kubeconfig-missing', `${abs} does not exist. Choose an existing kubeconfig file or folder.`);
    }
    if (!st.isFile() && !st.isDirectory()) return err('kubeconfig-invalid', `${abs} is neither a file nor a folder.`);
    const files = st.isDirectory() ? this.folderFiles(abs) : [abs];
    let contexts = 0;
    for (const f of files) {
      const parsed = parseKubeconfig(this.readFile(f) ?? { source: f, text: '' });
      if (parsed.error && !st.isDirectory()) return err('kubeconfig-invalid', `${parsed.error}. Fix the file and add it again.`);
      contexts += parsed.contexts.length;
    }
    const paths = this.settings.get();
    if (!paths.includes(abs)) this.settings.set([...paths, abs]);
    this.reload();
    return ok({ contexts });
  }

  removePath(p: string): Result<null> {
    const abs = path.resolve(p);
    const paths = this.settings.get();
    if (!paths.includes(abs)) return err('not-found', `${abs} is not one of the added kubeconfig paths.`);
    this.settings.set(paths.filter((x) => x !== abs));
    this.reload();
    return ok(null);
  }

  /** Add, replace (yaml) or remove (undefined) an inline kubeconfig source. */
  setInline(name: string, yaml: string | undefined): void {
    if (yaml === undefined) this.inline.delete(name);
    else this.inline.set(name, yaml);
    this.reload();
  }

  /** Re-read every source now; emits onDidChangeEntries if anything changed. */
  reload(): void {
    if (this.disposed) return;
    const files: KubeconfigFile[] = [...this.inline].map(([source, text]) => ({ source, text }));
    const status: SourceStatus[] = [];
    const watchTargets = new Set<string>();
    for (const top of this.configuredPaths()) {
      watchTargets.add(top);
      watchTargets.add(path.dirname(top));
      let st: fs.Stats | undefined;
      try {
        st = fs.statSync(top);
      } catch {
        status.push({ path: top, exists: false });
        continue;
      }
      const list = st.isDirectory() ? this.folderFiles(top) : [top];
      status.push({ path: top, exists: true });
      for (const f of list) {
        const file = this.readFile(f);
        if (!file) {
          status.push({ path: f, exists: true, error: `${f} cannot be read. Check its permissions.` });
          continue;
        }
        files.push(file);
      }
    }
    const parsed = files.map(parseKubeconfig);
    const merged = mergeKubeconfigs(parsed, this.opts.merge);
    const errorsNow = merged.fileErrors.map((f) => f.error).join('\n');
    if (errorsNow && errorsNow !== this.lastLoggedErrors)
      this.opts.log?.(`[kubeconfig] ${merged.fileErrors.length} file(s) could not be loaded: ${errorsNow}`);
    this.lastLoggedErrors = errorsNow;
    for (const fe of merged.fileErrors) {
      const s = status.find((x) => x.path === fe.source);
      if (s) s.error = fe.error;
      else status.push({ path: fe.source, exists: true, error: fe.error });
      merged.entries.push({
        id: `file:${fe.source}`,
        contextName: '',
        clusterName: '',
        userName: '',
        server: '',
        source: fe.source,
        datacenter: '',
        error: {
          code: 'kubeconfig-invalid',
          message: `Malformed kubeconfig ${fe.error}. Fix the YAML; the file is reloaded when saved.`,
          clusterId: `file:${fe.source}`,
        },
      });
    }
    this.sourceStatus = status;
    this.currentContextName = merged.currentContext;
    this.current = merged.entries;
    if (this.started) this.syncWatchers(watchTargets);
    const sig = JSON.stringify(merged.entries);
    if (sig !== this.lastSignature) {
      this.lastSignature = sig;
      for (const l of [...this.listeners]) l(this.current);
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    this.listeners.clear();
  }

  private readFile(f: string): KubeconfigFile | undefined {
    try {
      const st = fs.statSync(f);
      if (st.size > MAX_FILE_BYTES) return { source: f, text: '', dir: path.dirname(f) };
      return { source: f, text: fs.readFileSync(f, 'utf8'), dir: path.dirname(f) };
    } catch {
      return undefined;
    }
  }

  private folderFiles(dir: string): string[] {
    try {
      return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((d) => !d.name.startsWith('.'))
        .map((d) => path.join(dir, d.name))
        .filter((p) => {
          try {
            return fs.statSync(p).isFile();
          } catch {
            return false;
          }
        })
        .sort()
        .slice(0, MAX_FOLDER_FILES);
    } catch {
      return [];
    }
  }

  private scheduleReload = () => {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), this.debounceMs);
    this.timer.unref?.();
  };

  /** Watch each configured path and its folder (editors replace files by rename; folders may be created later). */
  private syncWatchers(targets: Set<string>): void {
    // Re-create every watcher: a file replaced by rename keeps a stale watcher on the old inode.
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    for (const p of targets) {
      try {
        const w = fs.watch(p, { persistent: false }, this.scheduleReload);
        w.on('error', () => {
          w.close();
          this.watchers.delete(p);
          this.scheduleReload();
        });
        this.watchers.set(p, w);
      } catch {
        // Does not exist (yet): the folder watcher notices when it appears.
      }
    }
  }
}
