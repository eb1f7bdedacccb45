import { z } from 'zod';
import { request, stream } from '../base/channels';
import { appErrorSchema } from '../result';

/**
 * Connection state of one cluster, as every view shows it:
 * live (watches healthy), reconnecting (was live, retrying with backoff), stale (showing the last
 * data we had, since `since`), error (cannot connect at all: bad kubeconfig entry, 401, missing
 * exec plugin...), idle (not connected yet: connections are lazy).
 */
export const connectionStates = ['idle', 'connecting', 'live', 'reconnecting', 'stale', 'error'] as const;
export type ConnectionState = (typeof connectionStates)[number];

export const clusterInfoSchema = z.object({
  /** The kubeconfig context name; unique because duplicates resolve first-wins, as kubectl does. */
  id: z.string(),
  contextName: z.string(),
  clusterName: z.string(),
  /** API server URL, userinfo replaced by `***`. Empty when the context names a missing cluster. */
  server: z.string(),
  /**
   * Set when the connection is not protected: `http` (credentials and data in clear) or
   * `skip-tls-verify` (insecure-skip-tls-verify: anyone on the path can pose as the server).
   * Views show it as a badge on the cluster.
   */
  insecure: z.enum(['http', 'skip-tls-verify']).optional(),
  namespace: z.string().optional(),
  /** File the context came from. */
  source: z.string(),
  /** Datacenter, from the cluster name unless configured otherwise. */
  datacenter: z.string(),
  state: z.enum(connectionStates),
  /** Epoch ms when `state` was entered. */
  since: z.number(),
  lastSyncedAt: z.number().optional(),
  error: appErrorSchema.optional(),
  version: z.string().optional(),
  counts: z.object({ nodes: z.number(), pods: z.number(), deployments: z.number(), problems: z.number() }),
});
export type ClusterInfo = z.infer<typeof clusterInfoSchema>;

export const vaultStatusSchema = z.object({
  /** e.g. 'gnome_libsecret', 'kwallet5', 'keychain', 'dpapi', 'basic_text', 'test', 'file-key'. */
  backend: z.string(),
  /** False when secrets would be stored with a key kept beside them (Linux basic_text). */
  osEncrypted: z.boolean(),
  /** True until the user has agreed to store secrets on a backend that is not OS-encrypted. */
  needsConsent: z.boolean(),
});
export type VaultStatus = z.infer<typeof vaultStatusSchema>;

export const appInfoSchema = z.object({
  version: z.string(),
  transport: z.enum(['electron', 'browser']),
  sandbox: z.boolean(),
  kubeconfigSources: z.array(
    z.object({
      path: z.string(),
      exists: z.boolean(),
      error: z.string().optional(),
      /** Added by the user (removable from the UI). */ added: z.boolean().optional(),
    }),
  ),
  vault: vaultStatusSchema,
});
export type AppInfo = z.infer<typeof appInfoSchema>;

const empty = z.object({}).strict();
const clusterRef = z.object({ clusterId: z.string().min(1).max(256) }).strict();

export const clustersContract = {
  'app.info': request(empty, appInfoSchema),
  'clusters.list': request(empty, z.array(clusterInfoSchema)),
  /** Full list on every change (it is small); rate-bounded by main. Subscribing connects lazily. */
  'clusters.watch': stream(empty, z.object({ clusters: z.array(clusterInfoSchema) })),
  'clusters.reconnect': request(clusterRef, z.null()),
  /**
   * Let the user choose a kubeconfig file to add (watched from then on). Main asks through its own
   * open dialog: the renderer never names a path main would read (a kubeconfig can run commands).
   * `path` is absent when the user cancelled.
   */
  'kubeconfig.choose': request(empty, z.object({ path: z.string().optional(), contexts: z.number() })),
  /** Forget one of the added paths (only paths already in the list; nothing is read). */
  'kubeconfig.removePath': request(z.object({ path: z.string().min(1).max(4096) }).strict(), z.null()),
  /** Clusters the user hid (a setting): not connected, watched or shown until shown again. */
  'clusters.hidden': request(
    empty,
    z.object({ hidden: z.array(z.object({ id: z.string().max(256), source: z.string().max(4096) })).max(1000) }),
  ),
  'clusters.setHidden': request(z.object({ clusterId: z.string().min(1).max(256), hidden: z.boolean() }).strict(), z.null()),
  'vault.consent': request(z.object({ allow: z.boolean() }).strict(), vaultStatusSchema),
};
