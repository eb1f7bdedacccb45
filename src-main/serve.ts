/**
 * Browser mode: `npm run serve -- [--sandbox] [--port N] [--kubeconfig FILE] [--user-data-dir DIR]`.
 * Serves the renderer build and the IPC bridge on 127.0.0.1 only and prints the URL to open; the
 * URL's fragment carries the per-launch token (fragments never reach a server or its logs).
 */
import { readFileSync } from 'node:fs';
import { parseLaunchArgs } from './app/args';
import { startServer } from './app/server';

const parsed = parseLaunchArgs(process.argv.slice(2));
if (!parsed.ok) {
  console.error(`capstan serve: ${parsed.message}`);
  process.exit(2);
}
const { args } = parsed;
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

try {
  const server = await startServer({ sandbox: args.sandbox, port: args.port, kubeconfigPaths: args.kubeconfig, userDataDir: args.userDataDir, version });
  const mode = server.backend.sandbox ? 'sandbox datacenter' : server.backend.choice.mode === 'explicit' ? 'the given kubeconfig files' : 'your kubeconfig';
  console.log(`Capstan is serving at ${server.url}`);
  console.log(`Clusters: ${mode}. Open that URL in a browser on this machine (it holds this launch's access token). Ctrl+C stops.`);
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
} catch (error) {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') console.error(`capstan serve: port ${args.port} is in use; choose another with --port N (or omit it for a free one).`);
  else console.error('capstan serve: could not start:', e.message);
  process.exit(1);
}
