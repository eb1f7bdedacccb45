import { spawn } from 'node:child_process';
import path from 'node:path';
import { writeFileAtomicSync } from '../base/atomic-write';
import { noDisplayReason } from './display';

/**
 * Opens browser mode's URL in the user's default browser, where there is one: `open` on macOS,
 * `start` on Windows, `xdg-open` on Linux/BSD with a graphical session. Returns false (and starts
 * nothing) where no browser can be shown, e.g. a jump host over SSH; the caller printed the URL.
 *
 * The URL carries the access token, and a command line is visible to every local user (`ps`), so
 * the browser is given an owner-only redirect file instead (as Jupyter does).
 */
export function openInBrowser(
  url: string,
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+\/#token=[A-Za-z0-9_-]+$/.test(url)) return false;
  const opener =
    platform === 'darwin'
      ? ['open']
      : platform === 'win32'
        ? ['cmd', '/c', 'start', '""']
        : noDisplayReason(env, platform)
          ? undefined
          : ['xdg-open'];
  if (!opener) return false;
  const file = path.join(dataDir, 'open-capstan.html');
  try {
    writeFileAtomicSync(
      file,
      `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${url}"><title>Capstan</title><a href="${url}">Open Capstan</a>\n`,
      0o600,
    );
    const child = spawn(opener[0]!, [...opener.slice(1), file], { stdio: 'ignore', detached: true, windowsHide: true });
    child.on('error', () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}
