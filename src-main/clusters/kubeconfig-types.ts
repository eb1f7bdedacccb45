/** Raw kubeconfig shapes (as in the YAML file) and the resolved per-context entry. */
import type { AppError } from '../../src-shared/result';

export interface RawNamed<T> {
  name: string;
  /** Which file this item came from (relative paths inside it are resolved against its folder). */
  source: string;
  value: T;
}

export interface RawCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
  [k: string]: unknown;
}

export interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
  interactiveMode?: string;
  provideClusterInfo?: boolean;
  installHint?: string;
}

export interface RawUser {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  'auth-provider'?: unknown;
  as?: string;
  [k: string]: unknown;
}

export interface RawContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

/**
 * One kubeconfig context, resolved against the merged files. Holds credentials: it never leaves
 * main. `error` is set when this context cannot be used (the others still can).
 */
export interface ClusterEntry {
  /** = context name (unique: duplicates resolve first-wins). For a broken file: `file:<path>`. */
  id: string;
  contextName: string;
  clusterName: string;
  userName: string;
  server: string;
  namespace?: string;
  /** File the context came from (or the inline source name). */
  source: string;
  datacenter: string;
  error?: AppError;
  /** Present when there is no error: this context's cluster and user, file paths made absolute. */
  config?: { cluster: RawCluster; user: RawUser; context: RawContext };
}

export interface SourceStatus {
  path: string;
  exists: boolean;
  error?: string;
}
