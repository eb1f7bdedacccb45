import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from './args';
import { contentSecurityPolicy } from '../base/csp';
import { chooseKubeconfig } from './kubeconfig-choice';
import { SettingsStore } from './settings';
import { tempDirs } from '../testing/temp-dirs';

const quiet = { info() {}, warn() {}, error() {} };
const tmp = tempDirs('capstan-app-');

describe('contentSecurityPolicy', () => {
  it('is the strict policy', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
    );
    expect(contentSecurityPolicy({ connectSrc: ['ws://127.0.0.1:5000'] })).toContain("connect-src 'self' ws://127.0.0.1:5000;");
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });
});

describe('parseLaunchArgs', () => {
  it('parses flags and ignores Electron/Chromium extras', () => {
    expect(parseLaunchArgs(['--sandbox', '--port', '8080', '--kubeconfig', 'a.yaml', '--no-sandbox-whatever', 'x'])).toEqual({
      ok: true,
      args: { sandbox: true, port: 8080, kubeconfig: ['a.yaml'] },
    });
    expect(parseLaunchArgs([])).toEqual({ ok: true, args: { sandbox: false, kubeconfig: [] } });
  });
  it('rejects a bad port', () => {
    expect(parseLaunchArgs(['--port', 'abc']).ok).toBe(false);
    expect(parseLaunchArgs(['--port', '70000']).ok).toBe(false);
  });
});

describe('chooseKubeconfig', () => {
  const none = () => false;
  /** No flag, no files named or added, an empty environment, home /h, no file exists: each test says what differs. */
  const choose = (over: Partial<Parameters<typeof chooseKubeconfig>[0]>) =>
    chooseKubeconfig({ sandboxFlag: false, explicitPaths: [], addedPaths: [], env: {}, homeDir: '/h', exists: none, ...over });
  it('--sandbox wins', () => {
    expect(chooseKubeconfig({ sandboxFlag: true, explicitPaths: ['a'], addedPaths: [], exists: () => true })).toEqual({
      mode: 'sandbox',
      reason: 'flag',
    });
  });
  it('explicit files are used as given', () => {
    expect(chooseKubeconfig({ sandboxFlag: false, explicitPaths: ['/k/a'], addedPaths: [], exists: none })).toEqual({
      mode: 'explicit',
      paths: ['/k/a'],
    });
  });
  it('no KUBECONFIG file and no ~/.kube/config: sandbox', () => {
    expect(choose({})).toEqual({ mode: 'sandbox', reason: 'no-kubeconfig' });
    expect(choose({ env: { KUBECONFIG: `/x${path.delimiter}/y` } }).mode).toBe('sandbox');
  });
  it('an existing default or added file: real clusters', () => {
    const has = (f: string) => (p: string) => p === f;
    expect(choose({ exists: has(path.join('/h', '.kube', 'config')) })).toEqual({ mode: 'default' });
    expect(choose({ env: { KUBECONFIG: `/x${path.delimiter}/y` }, exists: has('/y') })).toEqual({ mode: 'default' });
    expect(choose({ addedPaths: ['/added'], exists: has('/added') })).toEqual({ mode: 'default' });
  });
});

describe('SettingsStore', () => {
  it('persists atomically and reloads', () => {
    const dir = tmp();
    const s = new SettingsStore(dir, quiet);
    s.kubeconfigPaths().set(['/a', '/b', '/a']);
    expect(new SettingsStore(dir, quiet).get().kubeconfigPaths).toEqual(['/a', '/b']);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    if (process.platform !== 'win32') expect(fs.statSync(path.join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
  });
  it('moves a corrupt file aside and uses defaults', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'settings.json'), '{not json');
    const s = new SettingsStore(dir, quiet);
    expect(s.get()).toEqual({ version: 1, kubeconfigPaths: [], prefs: {} });
    expect(fs.readdirSync(dir).some((f) => f.startsWith('settings.json.corrupt-'))).toBe(true);
  });
});
