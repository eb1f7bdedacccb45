import type { Datacenter } from '../../src-sandbox/datacenter';
import type { ScenarioHarbors } from '../../src-sandbox/harbor';
import type { AppInfo } from '../../src-shared/clusters/contract';
import { contract } from '../../src-shared/contract';
import type { Logger } from '../ipc/logger';
import { consoleLogger } from '../ipc/logger';
import { createRouter, type Router } from '../ipc/router';
import type { Cipher } from '../vault/cipher';
import type { LaunchArgs } from './args';
import { createServices, type CreateServicesOptions, type Services } from './composition';
import type { SandboxOptions } from './sandbox';
import { chooseKubeconfig, type KubeconfigChoice } from './kubeconfig-choice';
import { SettingsStore } from './settings';

/** A running sandbox datacenter, as the app needs it. */
export interface SandboxHandle {
  kubeconfigYaml: string;
  stop(): Promise<void>;
  /** The simulated datacenter (tests and benchmarks drive it: stop a cluster, inject faults). */
  datacenter?: Datacenter;
  /** The sandbox Harbors to register in ImageSyncService. */
  images?: CreateServicesOptions['sandboxImages'];
  /** The sandbox Harbors themselves (tests drive them: push, script replication outcomes). */
  harbors?: ScenarioHarbors;
}
export type StartSandbox = (log: Logger) => Promise<SandboxHandle>;

export interface BackendOptions {
  args: Pick<LaunchArgs, 'sandbox' | 'kubeconfig'>;
  userDataDir: string;
  cipher: Cipher;
  transport: AppInfo['transport'];
  version?: string;
  logger?: Logger;
  /** How to start the sandbox datacenter in-process (default: src-sandbox's startDatacenter). */
  startSandbox?: StartSandbox;
  /** Options for the default sandbox (scenario file, scale, clock speed...). */
  sandboxOptions?: SandboxOptions;
  /** Check responses and events against the contract (default: on unless NODE_ENV=production). */
  validateResponses?: boolean;
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  services?: Pick<CreateServicesOptions, 'clusters' | 'workloads' | 'releases'>;
  /** Electron: main's open dialog. Default: refuse (browser mode has no trusted file chooser). */
  kubeconfigPicker?: CreateServicesOptions['kubeconfigPicker'];
}

export interface Backend {
  services: Services;
  router: Router;
  choice: KubeconfigChoice;
  sandbox?: SandboxHandle;
  dispose(): Promise<void>;
}

/**
 * Everything behind a transport, for Electron and browser mode alike: decide sandbox or real
 * kubeconfigs, start the sandbox in-process if needed, compose the services, build the router.
 */
export async function startBackend(opts: BackendOptions): Promise<Backend> {
  const log = opts.logger ?? consoleLogger;
  const settings = new SettingsStore(opts.userDataDir, log);
  const choice = chooseKubeconfig({
    sandboxFlag: opts.args.sandbox,
    explicitPaths: opts.args.kubeconfig,
    addedPaths: settings.get().kubeconfigPaths,
    env: opts.env,
    homeDir: opts.homeDir,
  });

  let sandbox: SandboxHandle | undefined;
  if (choice.mode === 'sandbox') {
    log.info(
      choice.reason === 'flag'
        ? '[capstan] --sandbox: starting the sandbox datacenter'
        : '[capstan] no kubeconfig found (KUBECONFIG, ~/.kube/config): starting the built-in sandbox datacenter',
    );
    if (opts.startSandbox) {
      sandbox = await opts.startSandbox(log);
    } else {
      const { startSandboxDatacenter } = await import('./sandbox');
      sandbox = await startSandboxDatacenter(log, opts.sandboxOptions);
    }
  }

  let services: Services;
  try {
    services = createServices({
      ...opts.services,
      settings,
      userDataDir: opts.userDataDir,
      cipher: opts.cipher,
      transport: opts.transport,
      version: opts.version,
      logger: log,
      sandbox: choice.mode === 'sandbox',
      env: opts.env,
      homeDir: opts.homeDir,
      kubeconfigPicker: opts.kubeconfigPicker,
      ...(sandbox ? { kubeconfigYaml: sandbox.kubeconfigYaml, sandboxImages: sandbox.images } : {}),
      ...(choice.mode === 'explicit' ? { kubeconfigPaths: choice.paths } : {}),
    });
  } catch (error) {
    await sandbox?.stop();
    throw error;
  }
  const router = createRouter({ contract, handlers: services.handlers, logger: log, validateResponses: opts.validateResponses });

  let disposed: Promise<void> | undefined;
  return {
    services,
    router,
    choice,
    sandbox,
    dispose() {
      disposed ??= (async () => {
        router.dispose();
        services.dispose();
        await sandbox?.stop();
      })();
      return disposed;
    },
  };
}
