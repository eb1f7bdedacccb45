/**
 * TLS material and request credentials of one kubeconfig context, the way kubectl and client-node
 * apply them, without loading @kubernetes/client-node (about 90 MB of RSS once imported):
 *
 *   certificate-authority(-data), client-certificate(-data), client-key(-data) → agent ca/cert/key
 *   insecure-skip-tls-verify → rejectUnauthorized false; tls-server-name → servername (SNI)
 *   token, else tokenFile → Authorization: Bearer; username/password → basic auth
 *   as, as-uid, as-groups, as-user-extra → Impersonate-User/-Uid/-Group/-Extra-<key> headers
 *
 * Only a user with an `auth-provider` (oidc, legacy gcp/azure) needs client-node's authenticators:
 * that module is imported lazily for such users alone. Exec plugins are ours (ExecCredentialRunner).
 */
import fs from 'node:fs';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { ClusterEntry, RawCluster, RawUser } from './kubeconfig-types';

export interface Credentials {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** Set only when verification is off (undefined keeps Node's default: verify). */
  rejectUnauthorized?: false;
  servername?: string;
  /** Single-valued headers: Authorization, Impersonate-User, Impersonate-Uid. */
  headers: Record<string, string>;
  /** Repeated headers: Impersonate-Group, Impersonate-Extra-<key>. */
  multiHeaders: Record<string, string[]>;
  /** Basic auth `user:password` for node:http's `auth` option. */
  auth?: string;
}

const fileOrData = (file: string | undefined, data: string | undefined): Buffer | undefined => {
  if (file) return fs.readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return undefined;
};

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];

/** Impersonation headers as kubectl sends them (extra keys are percent-encoded in the header name). */
/** A user's `tokenFile`, read at every connect (kubectl reads it again too, so rotated tokens work). */
function readTokenFile(entry: ClusterEntry, path: string): Result<string> {
  try {
    return ok(fs.readFileSync(path, 'utf8').trim());
  } catch (e) {
    return err(
      'kubeconfig-invalid',
      `Token file ${path} cannot be read (${(e as NodeJS.ErrnoException).code}). Fix the path or permissions.`,
      {
        clusterId: entry.id,
      },
    );
  }
}

function impersonation(user: RawUser, c: Credentials): void {
  if (typeof user.as === 'string' && user.as) c.headers['Impersonate-User'] = user.as;
  if (typeof user['as-uid'] === 'string' && user['as-uid']) c.headers['Impersonate-Uid'] = user['as-uid'];
  const groups = strings(user['as-groups']);
  if (groups.length) c.multiHeaders['Impersonate-Group'] = groups;
  const extra = user['as-user-extra'];
  if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
    for (const [k, v] of Object.entries(extra as Record<string, unknown>)) {
      const values = strings(v);
      if (values.length) c.multiHeaders[`Impersonate-Extra-${encodeURIComponent(k)}`] = values;
    }
  }
}

const unreadable = (entry: ClusterEntry, e: unknown): Result<never> => {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
    return err(
      'kubeconfig-invalid',
      `A certificate or key file named in the kubeconfig for context "${entry.contextName}" cannot be read (${code}). Fix the path or permissions.`,
      { clusterId: entry.id },
    );
  }
  return err(
    'kubeconfig-invalid',
    `Cannot use the credentials of context "${entry.contextName}" (${code ?? 'invalid configuration'}). Check the user entry in the kubeconfig.`,
    { clusterId: entry.id },
  );
};

/** Credentials of a context whose user has no auth-provider (the common case), without client-node. */
export function nativeCredentials(entry: ClusterEntry, cluster: RawCluster, user: RawUser): Result<Credentials> {
  const c: Credentials = { headers: {}, multiHeaders: {} };
  try {
    c.ca = fileOrData(cluster['certificate-authority'], cluster['certificate-authority-data']);
    c.cert = fileOrData(user['client-certificate'], user['client-certificate-data']);
    c.key = fileOrData(user['client-key'], user['client-key-data']);
  } catch (e) {
    return unreadable(entry, e);
  }
  if (cluster['insecure-skip-tls-verify'] === true) c.rejectUnauthorized = false;
  if (cluster['tls-server-name']) c.servername = cluster['tls-server-name'];
  if (user.token) c.headers.Authorization = `Bearer ${user.token}`;
  else if (user.tokenFile) {
    const token = readTokenFile(entry, user.tokenFile);
    if (!token.ok) return token;
    c.headers.Authorization = `Bearer ${token.value}`;
  }
  if (user.username) c.auth = `${user.username}:${user.password ?? ''}`;
  impersonation(user, c);
  return ok(c);
}

/**
 * A user with an `auth-provider`: client-node's authenticators (OIDC refresh, legacy gcp/azure)
 * through KubeConfig.applyToHTTPSOptions, with client-node imported on first use only.
 */
export async function authProviderCredentials(entry: ClusterEntry, cluster: RawCluster, user: RawUser): Promise<Result<Credentials>> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const userName = entry.userName || 'anonymous';
  const isHttp = entry.server.startsWith('http:');
  kc.loadFromOptions({
    clusters: [
      {
        name: entry.clusterName,
        server: entry.server.replace(/\/$/, ''),
        caFile: cluster['certificate-authority'],
        caData: cluster['certificate-authority-data'],
        // Plain http has no TLS to verify; client-node refuses http unless this is set.
        skipTLSVerify: cluster['insecure-skip-tls-verify'] === true || isHttp,
        tlsServerName: cluster['tls-server-name'],
      },
    ],
    users: [
      {
        name: userName,
        token: user.token,
        certFile: user['client-certificate'],
        certData: user['client-certificate-data'],
        keyFile: user['client-key'],
        keyData: user['client-key-data'],
        username: user.username,
        password: user.password,
        authProvider: user['auth-provider'],
        // exec is ours (ExecCredentialRunner), never client-node's; impersonation is added below.
      },
    ],
    contexts: [{ name: entry.contextName, cluster: entry.clusterName, user: userName, namespace: entry.config?.context.namespace }],
    currentContext: entry.contextName,
  });
  const o: {
    headers?: Record<string, unknown>;
    ca?: unknown;
    cert?: unknown;
    key?: unknown;
    rejectUnauthorized?: boolean;
    servername?: string;
    auth?: unknown;
  } = { headers: {} };
  try {
    await kc.applyToHTTPSOptions(o as never);
  } catch (e) {
    return unreadable(entry, e);
  }
  const c: Credentials = { headers: {}, multiHeaders: {} };
  for (const [k, v] of Object.entries(o.headers ?? {})) if (v !== undefined) c.headers[k] = String(v);
  const buf = (v: unknown) => (v === undefined || v === null ? undefined : Buffer.isBuffer(v) ? v : Buffer.from(String(v)));
  c.ca = buf(o.ca);
  c.cert = buf(o.cert);
  c.key = buf(o.key);
  if (cluster['insecure-skip-tls-verify'] === true) c.rejectUnauthorized = false;
  if (o.servername) c.servername = o.servername;
  if (typeof o.auth === 'string') c.auth = o.auth;
  if (!c.headers.Authorization && user.tokenFile) {
    const token = readTokenFile(entry, user.tokenFile);
    if (!token.ok) return token;
    c.headers.Authorization = `Bearer ${token.value}`;
  }
  impersonation(user, c);
  return ok(c);
}

/** Credentials for a context: native unless its user has an auth-provider. */
export function resolveCredentials(entry: ClusterEntry, cluster: RawCluster, user: RawUser): Promise<Result<Credentials>> {
  return user['auth-provider'] ? authProviderCredentials(entry, cluster, user) : Promise.resolve(nativeCredentials(entry, cluster, user));
}
