/**
 * Browser mode: `npm run serve -- [--sandbox] [--port N] [--kubeconfig FILE] [--user-data-dir DIR] [--open] [--new-token]`.
 * Serves the renderer build and the IPC bridge on 127.0.0.1 only and prints the URL to open; the
 * URL's fragment carries the access token (fragments never reach a server or its logs). The token
 * and port are kept in the data folder (app/browser-launch.ts), so a tab left open reconnects by
 * itself after a restart; `--new-token` replaces the token.
 */
import { readFileSync } from 'node:fs';
import { parseLaunchArgs } from './app/args';
import { loadBrowserLaunch, saveBrowserLaunch } from './app/browser-launch';
import { defaultServeDataDir } from './app/paths';
import { startServer, type RunningServer } from './app/server';
import { openInBrowser } from './platform/open-browser';

const parsed = parseLaunchArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(`capstan serve: ${parsed.message}`);
  process.exit(2);
}
const { args } = parsed;
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const userDataDir = args.userDataDir ?? defaultServeDataDir();
const launch = loadBrowserLaunch(userDataDir, { renew: args.newToken });
if (launch.note) console.log(`capstan serve: ${launch.note}`);

const start = (port: number | undefined) =>
  startServer({ sandbox: args.sandbox, port, kubeconfigPaths: args.kubeconfig, userDataDir, version, token: launch.token });

let server: RunningServer;
try {
  try {
    server = await start(args.port ?? launch.port);
  } catch (error) {
    // The remembered port is taken now: any free one (open tabs then need the new URL).
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || args.port !== undefined || launch.port === undefined) throw error;
    console.log(`capstan serve: port ${launch.port} (used last time) is taken; using a free one, so open tabs need the new URL`);
    server = await start(undefined);
  }
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE')
    console.error(`capstan serve: port ${args.port} is in use; choose another with --port N (or omit it for a free one).`);
  else console.error('capstan serve: could not start:', e.message);
  process.exit(1);
}
try {
  saveBrowserLaunch(userDataDir, { token: server.token, port: server.port });
} catch (error) {
  console.warn(`capstan serve: could not remember the token and port (${(error as Error).message}); after a restart, open the new URL`);
}
const mode = server.backend.sandbox
  ? 'sandbox datacenter'
  : server.backend.choice.mode === 'explicit'
    ? 'the given kubeconfig files'
    : 'your kubeconfig';
console.log(`Capstan is serving at ${server.url}`);
console.log(`Clusters: ${mode}. Open that URL in a browser on this machine (it holds the access token). Ctrl+C stops.`);
if (args.open)
  console.log(
    openInBrowser(server.url, userDataDir)
      ? 'Opening it in your default browser.'
      : 'No browser can be opened from here: open the URL yourself.',
  );
let stopping = false;
const stop = (signal: string) => {
  if (stopping) process.exit(130);
  stopping = true;
  console.log(`capstan serve: ${signal}, shutting down`);
  const force = setTimeout(() => process.exit(1), 5000);
  force.unref();
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
