#!/usr/bin/env node
/**
 * Runs after `npm install` (and as `npm run install-electron`): fetches the Electron binary with
 * Electron's own installer (node_modules/electron/install.js, which honours ELECTRON_MIRROR,
 * ELECTRON_CUSTOM_DIR, electron_config_cache and electron_use_remote_checksums).
 *
 * Electron's package downloads its binary from the network, which offline mirrors, jump hosts and
 * locked-down machines cannot reach. A failed download must not fail `npm install`: Capstan then
 * runs in browser mode (`npm start` says so). So this prints one line saying what happened, keeps
 * the installer's full output in node_modules/.cache/capstan/electron-install.log, and exits 0.
 *
 * Options (for tests): --electron-dir DIR installs into another copy of the electron package.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--electron-dir');
const electronDir =
  flag > 0 && process.argv[flag + 1]
    ? path.resolve(process.argv[flag + 1])
    : path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json'));
const version = JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version;
const say = (text) => console.log(`capstan: ${text}`);

function installed() {
  try {
    const exe = readFileSync(path.join(electronDir, 'path.txt'), 'utf8');
    return existsSync(path.join(electronDir, 'dist', exe));
  } catch {
    return false;
  }
}

/** The installer's own words for what went wrong, on one short line. */
function reasonOf(output) {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line =
    lines.find((l) => /error|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|status|checksum/i.test(l) && !l.startsWith('at ')) ??
    lines[0] ??
    'no output';
  const reason = line.replace(/^(\w*Error|Error):\s*/, '').slice(0, 160);
  return reason === 'fetch failed' ? 'fetch failed: the download site (or ELECTRON_MIRROR) could not be reached' : reason;
}

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  say('ELECTRON_SKIP_BINARY_DOWNLOAD is set, so the Electron binary was not fetched; `npm start` will run Capstan in browser mode.');
} else if (installed()) {
  say(`Electron ${version} is installed; \`npm start\` opens the app window.`);
} else {
  const run = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    cwd: electronDir,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_GET_NO_PROGRESS: '1' },
    timeout: 15 * 60_000,
  });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`;
  if (run.status === 0 && installed()) {
    say(`Electron ${version} is installed; \`npm start\` opens the app window.`);
  } else {
    const logDir = path.join(root, 'node_modules', '.cache', 'capstan');
    let logNote = '';
    try {
      mkdirSync(logDir, { recursive: true });
      writeFileSync(path.join(logDir, 'electron-install.log'), output);
      logNote = ` (details: ${path.relative(process.cwd(), path.join(logDir, 'electron-install.log'))})`;
    } catch {
      // No log file then; the one line below is still true.
    }
    say(
      `could not fetch the Electron ${version} binary (${reasonOf(output)}); \`npm start\` will run Capstan in browser mode. ` +
        `To get the window later: \`npm run install-electron\` with network access, or set ELECTRON_MIRROR${logNote}.`,
    );
  }
}
