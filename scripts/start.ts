/**
 * `npm start [-- args]`: builds the app, then opens the Electron window where Electron can run,
 * and browser mode (the same services and renderer, served on 127.0.0.1) where it cannot: the
 * Electron binary could not be fetched at install (offline mirror, locked-down network), or there
 * is no graphical display (a jump host over SSH). Either way the defaults are the same: the
 * sandbox datacenter when no kubeconfig is found.
 *
 * `npm start` builds first (`electron-vite build`), then runs this. Honours
 * ELECTRON_OVERRIDE_DIST_PATH (Electron's own variable: use the binary in that folder).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { noDisplayReason } from '../src-main/platform/display';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(projectRoot, 'package.json'));

const defaultExecutable = (platform: NodeJS.Platform): string =>
  platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : platform === 'win32' ? 'electron.exe' : 'electron';

export type ElectronLookup = { ok: true; executable: string } | { ok: false; reason: string };

/** Where the Electron binary is, as Electron's own index.js finds it, or why there is none. */
export function findElectron(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): ElectronLookup {
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed (run `npm install`)' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const recorded = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const executable = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, recorded || defaultExecutable(platform));
    return existsSync(executable)
      ? { ok: true, executable }
      : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary (${executable})` };
  }
  if (!recorded)
    return {
      ok: false,
      reason: 'the Electron binary was not fetched at install (see the line `npm install` printed; `npm run install-electron` retries)',
    };
  const executable = path.join(packageDir, 'dist', recorded);
  return existsSync(executable)
    ? { ok: true, executable }
    : { ok: false, reason: `the Electron binary is missing (${executable}); \`npm run install-electron\` fetches it again` };
}

export type StartPlan =
  { mode: 'electron'; command: string; args: string[] } | { mode: 'browser'; reason: string; command: string; args: string[] };

/** What `npm start` runs, with the user's arguments passed on unchanged. */
export function planStart(
  userArgs: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): StartPlan {
  const electron = findElectron(env, platform);
  const display = noDisplayReason(env, platform);
  if (electron.ok && !display) return { mode: 'electron', command: electron.executable, args: [projectRoot, ...userArgs] };
  const reason = electron.ok ? display! : electron.reason;
  const serve = path.join(projectRoot, 'src-main', 'serve.ts');
  // Electron's main process has a 32 MB semi-space; browser mode's Node gets the same.
  return {
    mode: 'browser',
    reason,
    command: process.execPath,
    args: [require.resolve('tsx/cli'), '--max-semi-space-size=32', serve, '--open', ...userArgs],
  };
}

function forwardSignals(child: ChildProcess): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
}

function main(): void {
  const userArgs = process.argv.slice(2);
  const plan = planStart(userArgs);
  if (plan.mode === 'browser')
    console.log(`capstan: ${plan.reason}, so Capstan starts in browser mode: the same app, served to your browser on 127.0.0.1.`);
  const child = spawn(plan.command, plan.args, { cwd: projectRoot, stdio: 'inherit' });
  forwardSignals(child);
  child.on('error', (error) => {
    console.error(`capstan: could not start ${plan.command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
