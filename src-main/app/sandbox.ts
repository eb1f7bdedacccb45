import { startDatacenter, type Datacenter, type DatacenterOptions } from '../../src-sandbox/datacenter';
import type { Logger } from '../ipc/logger';
import type { SandboxHandle } from './launch';

/**
 * The sandbox datacenter in-process: the embedded default when there is no kubeconfig, and
 * `--sandbox`. Its kubeconfig stays in memory (handed to KubeconfigService as an inline source);
 * its API servers listen on 127.0.0.1 only.
 */
export async function startSandboxDatacenter(log: Logger, opts: DatacenterOptions = {}): Promise<SandboxHandle & { datacenter: Datacenter }> {
  const datacenter = await startDatacenter(opts);
  log.info(`[sandbox] datacenter ready: ${datacenter.clusters.map((c) => `${c.name} ${c.url}`).join(', ')}`);
  return { datacenter, kubeconfigYaml: datacenter.kubeconfigYaml(), stop: () => datacenter.close() };
}
