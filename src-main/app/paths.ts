import os from 'node:os';
import path from 'node:path';

/**
 * Browser mode's default data folder. Separate from the Electron app's userData because the vault
 * cipher differs (file key vs safeStorage); settings could be shared but are kept apart for clarity.
 */
export function defaultServeDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = os.homedir()): string {
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Capstan', 'browser-mode');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Capstan', 'browser-mode');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'capstan', 'browser-mode');
}
