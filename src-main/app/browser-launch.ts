import fs from 'node:fs';
import path from 'node:path';
import { newToken } from '../bridge/auth';
import { writeFileAtomicSync } from '../base/atomic-write';

/**
 * What browser mode keeps between launches so that a tab left open survives a restart of
 * `npm run serve` / `npm start`: the access token and the port. The tab reconnects on its own
 * (same origin, same token) instead of saying "Reconnecting…" forever.
 *
 * Why this is safe: the file lives in the data folder beside the vault key, owner-only (0600 in a
 * 0700 folder), so only processes that could already read the vault key can read it; the server
 * still binds 127.0.0.1 only and checks Host and Origin. `--new-token` replaces the token (every
 * open tab then needs the newly printed URL); a file readable by others is never trusted.
 */
export interface BrowserLaunch {
  token: string;
  port?: number;
}

export const LAUNCH_FILE = 'browser-launch.json';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

export type LoadedLaunch = BrowserLaunch & { note?: string };

export function loadBrowserLaunch(dataDir: string, opts: { renew?: boolean } = {}): LoadedLaunch {
  const file = path.join(dataDir, LAUNCH_FILE);
  if (opts.renew) return { token: newToken(), note: 'a new access token was made (--new-token): open tabs need the new URL' };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return { token: newToken() };
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    return { token: newToken(), note: `${file} was readable by other users, so its token was not used; a new one was made` };
  }
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<BrowserLaunch>;
    const token = typeof parsed.token === 'string' && TOKEN_PATTERN.test(parsed.token) ? parsed.token : undefined;
    const port = Number.isInteger(parsed.port) && parsed.port! > 0 && parsed.port! <= 65535 ? parsed.port : undefined;
    if (!token) return { token: newToken(), port, note: `${file} held no valid token; a new one was made` };
    return { token, port };
  } catch {
    return { token: newToken(), note: `${file} could not be read; a new access token was made` };
  }
}

export function saveBrowserLaunch(dataDir: string, launch: BrowserLaunch): void {
  writeFileAtomicSync(path.join(dataDir, LAUNCH_FILE), JSON.stringify(launch) + '\n', 0o600);
}
