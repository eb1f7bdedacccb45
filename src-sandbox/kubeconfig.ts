/**
 * A kubeconfig with one cluster, user and context per sandbox cluster (context name = cluster
 * name), bearer-token auth over HTTPS on loopback (the sandbox CA is embedded).
 */
import { stringify } from 'yaml';

export interface KubeconfigCluster {
  name: string;
  url: string;
  token: string;
  caPem: string;
}

export function kubeconfigYaml(clusters: KubeconfigCluster[]): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': clusters[0]?.name ?? '',
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.url, 'certificate-authority-data': Buffer.from(c.caPem).toString('base64') },
    })),
    users: clusters.map((c) => ({ name: `${c.name}-admin`, user: { token: c.token } })),
    contexts: clusters.map((c) => ({ name: c.name, context: { cluster: c.name, user: `${c.name}-admin`, namespace: 'default' } })),
  });
}
