import path from 'node:path';
import { startBridgeServer } from '../bridge/http-server';
import type { Logger } from '../ipc/logger';
import { consoleLogger } from '../ipc/logger';
import { FileKeyCipher } from '../vault/cipher';
import { startBackend, type Backend, type StartSandbox } from './launch';
import { defaultServeDataDir } from './paths';
import type { SandboxOptions } from './sandbox';
import type { CreateServicesOptions } from './composition';

export interface StartServerOptions {
  sandbox?: boolean;
  /** 0 / undefined: a free port. */
  port?: number;
  kubeconfigPaths?: string[];
  /** Settings, vault and its key file. Default: ~/.config/capstan/browser-mode (per platform). */
  userDataDir?: string;
  /** The renderer build. Default: out/renderer of this checkout. */
  rendererDir?: string;
  logger?: Logger;
  startSandbox?: StartSandbox;
  /** Options for the in-process sandbox datacenter (scenario, scale, clockSpeed, ports, harbors...). */
  sandboxOptions?: SandboxOptions;
  token?: string;
  version?: string;
  /** Check every response and event against the contract (default: on unless NODE_ENV=production). Benchmarks turn it off. */
  validateResponses?: boolean;
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  services?: Pick<CreateServicesOptions, 'clusters' | 'workloads' | 'releases'>;
}

export interface RunningServer {
  /** http://127.0.0.1:PORT/#token=... */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  token: string;
  port: number;
  /** The composed services (KubeconfigService, ClusterService, WorkloadService, VaultService, settings). */
  services: Backend['services'];
  backend: Backend;
  close(): Promise<void>;
}

export const defaultRendererDir = (): string => path.resolve(import.meta.dirname, '../../out/renderer');

/**
 * Browser mode, programmatically (used by `npm run serve`, end-to-end tests and benchmarks):
 * the same backend as Electron behind the loopback HTTP + WebSocket bridge.
 */
export async function startServer(opts: StartServerOptions = {}): Promise<RunningServer> {
  const log = opts.logger ?? consoleLogger;
  const userDataDir = opts.userDataDir ?? defaultServeDataDir();
  const backend = await startBackend({
    args: { sandbox: opts.sandbox ?? false, kubeconfig: opts.kubeconfigPaths ?? [] },
    userDataDir,
    cipher: new FileKeyCipher(path.join(userDataDir, 'vault.key')),
    transport: 'browser',
    version: opts.version,
    logger: log,
    startSandbox: opts.startSandbox,
    sandboxOptions: opts.sandboxOptions,
    validateResponses: opts.validateResponses,
    env: opts.env,
    homeDir: opts.homeDir,
    services: opts.services,
  });
  let bridge;
  try {
    bridge = await startBridgeServer({
      router: backend.router,
      rendererDir: opts.rendererDir ?? defaultRendererDir(),
      port: opts.port,
      token: opts.token,
      logger: log,
    });
  } catch (error) {
    await backend.dispose();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: bridge.url,
    origin: bridge.origin,
    token: bridge.token,
    port: bridge.port,
    services: backend.services,
    backend,
    close() {
      closing ??= (async () => {
        await bridge.close();
        await backend.dispose();
      })();
      return closing;
    },
  };
}
