/** The browser-mode services as the page benches start them: the sandbox's kubeconfig, a fresh data folder, quiet. */
import { join } from 'node:path';
import type { StartServerOptions } from '../src-main/app/server';

export function benchServerOptions(kubeconfig: string, dir: string): StartServerOptions & { userDataDir: string } {
  return {
    kubeconfigPaths: [kubeconfig],
    port: 0,
    userDataDir: join(dir, 'data'),
    homeDir: dir,
    env: {},
    validateResponses: false,
    logger: { info() {}, warn() {}, error() {} },
  };
}
