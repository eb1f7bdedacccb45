import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAUNCH_FILE, loadBrowserLaunch, saveBrowserLaunch } from './browser-launch';
import { tempDirs } from '../testing/temp-dirs';

const tmp = tempDirs('capstan-launch-');

describe('browser launch file', () => {
  it('keeps the token and port across launches, owner-only', () => {
    const dir = tmp();
    const first = loadBrowserLaunch(dir);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    saveBrowserLaunch(dir, { token: first.token, port: 41234 });
    expect(fs.statSync(path.join(dir, LAUNCH_FILE)).mode & 0o777).toBe(0o600);
    expect(loadBrowserLaunch(dir)).toEqual({ token: first.token, port: 41234 });
  });

  it('--new-token replaces it; a file others can read, or a broken one, is never trusted', () => {
    const dir = tmp();
    saveBrowserLaunch(dir, { token: 'a'.repeat(43), port: 41234 });
    const renewed = loadBrowserLaunch(dir, { renew: true });
    expect(renewed.token).not.toBe('a'.repeat(43));
    expect(renewed.note).toMatch(/new access token/);
    fs.chmodSync(path.join(dir, LAUNCH_FILE), 0o644);
    const exposed = loadBrowserLaunch(dir);
    expect(exposed.token).not.toBe('a'.repeat(43));
    expect(exposed.note).toMatch(/readable by other users/);
    fs.writeFileSync(path.join(dir, LAUNCH_FILE), '{"token": "short"', { mode: 0o600 });
    fs.chmodSync(path.join(dir, LAUNCH_FILE), 0o600);
    expect(loadBrowserLaunch(dir).note).toMatch(/could not be read/);
  });
});
