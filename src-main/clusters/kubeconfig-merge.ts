/**
 * Parse kubeconfig files and merge them as kubectl does: for clusters, users and contexts the
 * first file that defines a name wins; current-context comes from the first file that sets one.
 * Relative file paths are resolved against the folder of the file that holds them. Each context
 * becomes a ClusterEntry, or an entry with an error for that context only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import type { AppError } from '../../src-shared/result';
import type { ClusterEntry, RawCluster, RawContext, RawNamed, RawUser } from './kubeconfig-types';
import { redactUserinfo } from './redact';

export interface KubeconfigFile {
  /** Path, or an inline source name such as `sandbox`. */
  source: string;
  text: string;
  /** Folder relative paths resolve against; undefined for inline text (paths resolve against cwd). */
  dir?: string;
}

export interface ParsedFile {
  source: string;
  error?: string;
  clusters: RawNamed<RawCluster>[];
  users: RawNamed<RawUser>[];
  contexts: RawNamed<RawContext>[];
  currentContext?: string;
}

const kerr = (message: string): AppError => ({ code: 'kubeconfig-invalid', message });

function named<T>(source: string, list: unknown, key: string): RawNamed<T>[] {
  if (!Array.isArray(list)) return [];
  const out: RawNamed<T>[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const name = (item as Record<string, unknown>).name;
    if (typeof name !== 'string' || !name) continue;
    const value = ((item as Record<string, unknown>)[key] ?? {}) as T;
    out.push({ name, source, value: typeof value === 'object' && value !== null ? value : ({} as T) });
  }
  return out;
}

const absolutize = (dir: string | undefined, p: unknown): string | undefined =>
  typeof p !== 'string' ? undefined : p && dir && !path.isAbsolute(p) ? path.join(dir, p) : p;

/**
 * Parse one file. A YAML error is reported with the file and line. Whatever the file holds, this
 * returns (a broken file is an error on that file's entries, never an exception for the service).
 */
export function parseKubeconfig(file: KubeconfigFile): ParsedFile {
  try {
    return parseUnchecked(file);
  } catch {
    return {
      source: file.source,
      clusters: [],
      users: [],
      contexts: [],
      error: `${file.source}: not a usable kubeconfig (unexpected value types)`,
    };
  }
}

function parseUnchecked(file: KubeconfigFile): ParsedFile {
  const empty: ParsedFile = { source: file.source, clusters: [], users: [], contexts: [] };
  if (!file.text.trim()) return empty; // kubectl accepts empty files
  const doc = parseDocument(file.text, { prettyErrors: false, uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const offset = e.pos?.[0] ?? 0;
    const line = file.text.slice(0, offset).split('\n').length;
    return { ...empty, error: `${file.source}${line ? `, line ${line}` : ''}: ${e.message.split('\n')[0]}` };
  }
  const root = doc.contents;
  if (root !== null && !isMap(root)) {
    return { ...empty, error: `${file.source}: not a kubeconfig (expected a mapping with clusters, users and contexts)` };
  }
  for (const key of ['clusters', 'users', 'contexts']) {
    const node = isMap(root) ? root.get(key, true) : undefined;
    if (node !== undefined && node !== null && !isSeq(node) && (node as { value?: unknown }).value !== null) {
      return { ...empty, error: `${file.source}: '${key}' must be a list` };
    }
  }
  let js: Record<string, unknown>;
  try {
    // toJS throws on an unresolved alias (`foo: *typo`) or an alias bomb: this file's error only.
    js = (doc.toJS({ maxAliasCount: 1000 }) ?? {}) as Record<string, unknown>;
  } catch (e) {
    const why =
      e instanceof ReferenceError
        ? 'an alias (*name) refers to an anchor (&name) that does not exist'
        : 'its YAML aliases cannot be expanded';
    return { ...empty, error: `${file.source}: ${why}` };
  }
  if (typeof js !== 'object' || js === null)
    return { ...empty, error: `${file.source}: not a kubeconfig (expected a mapping with clusters, users and contexts)` };
  const clusters = named<RawCluster>(file.source, js.clusters, 'cluster').map((c) => ({
    ...c,
    value: { ...c.value, 'certificate-authority': absolutize(file.dir, c.value['certificate-authority']) },
  }));
  const users = named<RawUser>(file.source, js.users, 'user').map((u) => ({
    ...u,
    value: {
      ...u.value,
      'client-certificate': absolutize(file.dir, u.value['client-certificate']),
      'client-key': absolutize(file.dir, u.value['client-key']),
      tokenFile: absolutize(file.dir, u.value.tokenFile),
      exec:
        u.value.exec &&
        file.dir &&
        typeof u.value.exec.command === 'string' &&
        u.value.exec.command.includes('/') &&
        !path.isAbsolute(u.value.exec.command)
          ? { ...u.value.exec, command: path.join(file.dir, u.value.exec.command) }
          : u.value.exec,
    },
  }));
  const contexts = named<RawContext>(file.source, js.contexts, 'context');
  const cc = js['current-context'];
  return { source: file.source, clusters, users, contexts, currentContext: typeof cc === 'string' && cc ? cc : undefined };
}

export interface MergedKubeconfig {
  entries: ClusterEntry[];
  currentContext?: string;
  /** Errors per file (malformed YAML...). */
  fileErrors: { source: string; error: string }[];
}

export interface MergeOptions {
  /** Datacenter of a cluster; default: the cluster name. */
  datacenterOf?: (clusterName: string, contextName: string) => string;
  /** Check that certificate files are readable (default true). */
  checkFiles?: boolean;
}

function checkReadable(label: string, p: string | undefined, contextName: string): AppError | undefined {
  if (!p) return undefined;
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return kerr(`Context "${contextName}": ${label} ${p} is not a file. Fix the path in the kubeconfig.`);
    fs.accessSync(p, fs.constants.R_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'is not readable (permission denied)'
          : `cannot be read (${code ?? 'error'})`;
    return kerr(`Context "${contextName}": ${label} ${p} ${why}. Fix the path or the file's permissions in the kubeconfig.`);
  }
}

/** Merge parsed files in order (first wins) and resolve every context. */
export function mergeKubeconfigs(files: ParsedFile[], opts: MergeOptions = {}): MergedKubeconfig {
  const clusters = new Map<string, RawNamed<RawCluster>>();
  const users = new Map<string, RawNamed<RawUser>>();
  const contexts = new Map<string, RawNamed<RawContext>>();
  let currentContext: string | undefined;
  const fileErrors: MergedKubeconfig['fileErrors'] = [];
  for (const f of files) {
    if (f.error) fileErrors.push({ source: f.source, error: f.error });
    for (const c of f.clusters) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of f.users) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of f.contexts) if (!contexts.has(c.name)) contexts.set(c.name, c);
    currentContext ??= f.currentContext;
  }
  const dc = opts.datacenterOf ?? ((clusterName: string) => clusterName);
  const check = opts.checkFiles ?? true;

  const entries: ClusterEntry[] = [];
  for (const ctx of contexts.values()) {
    const clusterName = ctx.value.cluster ?? '';
    const userName = ctx.value.user ?? '';
    const cluster = clusters.get(clusterName);
    const user = userName ? users.get(userName) : { name: '', source: ctx.source, value: {} as RawUser };
    const base: ClusterEntry = {
      id: ctx.name,
      contextName: ctx.name,
      clusterName,
      userName,
      server: typeof cluster?.value.server === 'string' ? cluster.value.server : '',
      namespace: ctx.value.namespace || undefined,
      source: ctx.source,
      datacenter: dc(clusterName, ctx.name),
    };
    let error: AppError | undefined;
    if (!clusterName) error = kerr(`Context "${ctx.name}" in ${ctx.source} names no cluster. Set context.cluster in the kubeconfig.`);
    else if (!cluster)
      error = kerr(
        `Context "${ctx.name}" names cluster "${clusterName}", which no kubeconfig file defines. Add the cluster or fix the context in ${ctx.source}.`,
      );
    else if (!user)
      error = kerr(
        `Context "${ctx.name}" names user "${userName}", which no kubeconfig file defines. Add the user or fix the context in ${ctx.source}.`,
      );
    else if (!cluster.value.server)
      error = kerr(`Cluster "${clusterName}" in ${cluster.source} has no server URL. Set cluster.server in the kubeconfig.`);
    else {
      try {
        const u = new URL(cluster.value.server);
        if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol');
      } catch {
        error = kerr(
          `Cluster "${clusterName}" in ${cluster.source} has an invalid server URL "${redactUserinfo(String(cluster.value.server))}". Use https://host:port.`,
        );
      }
      // kubectl refuses this pair: a CA that is then not used to verify anything is a mistake, not a choice.
      if (
        !error &&
        cluster.value['insecure-skip-tls-verify'] === true &&
        (cluster.value['certificate-authority'] || cluster.value['certificate-authority-data'])
      ) {
        error = kerr(
          `Cluster "${clusterName}" in ${cluster.source} sets both insecure-skip-tls-verify and a certificate authority, which kubectl refuses. Remove insecure-skip-tls-verify (recommended) or the certificate-authority.`,
        );
      }
    }
    if (!error && check && cluster && user) {
      error =
        checkReadable('certificate-authority file', cluster.value['certificate-authority'], ctx.name) ??
        checkReadable('client-certificate file', user.value['client-certificate'], ctx.name) ??
        checkReadable('client-key file', user.value['client-key'], ctx.name) ??
        checkReadable('token file', user.value.tokenFile, ctx.name);
    }
    if (
      !error &&
      user &&
      (user.value['client-certificate'] || user.value['client-certificate-data']) &&
      !(user.value['client-key'] || user.value['client-key-data'])
    ) {
      error = kerr(
        `Context "${ctx.name}": user "${userName}" has a client certificate but no client key. Add client-key or client-key-data to the kubeconfig.`,
      );
    }
    if (error) entries.push({ ...base, error: { ...error, clusterId: ctx.name } });
    else entries.push({ ...base, config: { cluster: cluster!.value, user: user!.value, context: ctx.value } });
  }
  return { entries, currentContext, fileErrors };
}
