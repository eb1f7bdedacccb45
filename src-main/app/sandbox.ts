import { startDatacenter, type Datacenter, type DatacenterOptions } from '../../src-sandbox/datacenter';
import { startScenarioHarbors, type ScenarioHarborOptions, type ScenarioHarbors } from '../../src-sandbox/harbor';
import type { Logger } from '../ipc/logger';
import type { SandboxHandle } from './launch';

export interface SandboxOptions extends DatacenterOptions {
  /** The sandbox Harbors (one per region of the scenario); `false`: none. Clock speed follows the datacenter's. */
  harbors?: ScenarioHarborOptions | false;
}

/**
 * The sandbox datacenter in-process: the embedded default when there is no kubeconfig, and
 * `--sandbox`. Its kubeconfig stays in memory (handed to KubeconfigService as an inline source);
 * its API servers and Harbors listen on 127.0.0.1 only.
 */
export async function startSandboxDatacenter(
  log: Logger,
  opts: SandboxOptions = {},
): Promise<SandboxHandle & { datacenter: Datacenter; harbors?: ScenarioHarbors }> {
  const { harbors: harborOpts, ...dcOpts } = opts;
  const datacenter = await startDatacenter(dcOpts);
  log.info(`[sandbox] datacenter ready: ${datacenter.clusters.map((c) => `${c.name} ${c.url}`).join(', ')}`);
  let harbors: ScenarioHarbors | undefined;
  if (harborOpts !== false) {
    const clockSpeed = harborOpts?.clockSpeed ?? dcOpts.clockSpeed ?? 1;
    try {
      harbors = await startScenarioHarbors(datacenter.scenario, { clockSpeed, ...harborOpts });
      for (const line of harbors.describe()) log.info(`[sandbox] ${line}`);
    } catch (e) {
      await datacenter.close();
      throw e;
    }
  }
  const clockSpeed = dcOpts.clockSpeed ?? 1;
  return {
    datacenter,
    harbors,
    kubeconfigYaml: datacenter.kubeconfigYaml(),
    ...(harbors
      ? {
          images: {
            registries: harbors.registries,
            sourceRegion: harbors.source.region,
            // Sandbox replication takes seconds: flag an execution stuck after 2 simulated minutes.
            stuckThresholdMs: Math.max(5_000, Math.round(120_000 / clockSpeed)),
          },
        }
      : {}),
    stop: async () => {
      await harbors?.close();
      await datacenter.close();
    },
  };
}
