/**
 * Capstan's services in browser mode, in their own process, for the launch measurement: as the
 * shipped app, the process that holds the services is not the one that drives the page (in the
 * benchmark the playwright client shares its event loop with whatever runs beside it, so services
 * in the bench's process delayed the bench's own clicks). Run as an esbuild bundle with
 * Electron's main-process V8 flags. argv: kubeconfig, userDataDir, rendererDir.
 * Prints `listening <url> <ms since the process started>`; `quit` saves the release snapshot,
 * closes and exits.
 */
import { createInterface } from 'node:readline';
import { startServer } from '../src-main/app/server';

const [kubeconfig, userDataDir, rendererDir] = process.argv.slice(2) as [string, string, string];
const server = await startServer({
  kubeconfigPaths: [kubeconfig],
  port: 0,
  userDataDir,
  homeDir: userDataDir,
  rendererDir,
  env: {},
  validateResponses: false,
  logger: { info() {}, warn() {}, error() {} },
});
console.log(`listening ${server.url} ${Math.round(performance.now())}`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'quit') return;
  void (async () => {
    await server.services.releases.snapshots.refresh();
    await server.close();
    process.exit(0);
  })();
});
