/**
 * Static audit of the Electron shell's security settings (the Electron binary is not available
 * where tests run, so the shell's source is read as text, and its option objects are imported as
 * data). A later change that weakens a setting fails here, not in a review.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { contentSecurityPolicy } from '../base/csp';
import { secureWebPreferences } from './web-preferences';

const here = import.meta.dirname;
const root = path.resolve(here, '../..');
const source = (f: string) => fs.readFileSync(path.join(here, f), 'utf8');
const code = (f: string) => source(f).replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, '$1'); // comments removed
const shellFiles = fs.readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
const allMainCode = () => {
  const out: [string, string][] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push([path.relative(root, p), fs.readFileSync(p, 'utf8')]);
    }
  };
  walk(path.join(root, 'src-main'));
  walk(path.join(root, 'src-preload'));
  return out;
};

describe('Electron security settings', () => {
  it('the window: sandboxed, context-isolated, no Node, web security on, no webviews', () => {
    const on = ['contextIsolation', 'sandbox', 'webSecurity'];
    const off = [
      'nodeIntegration',
      'nodeIntegrationInWorker',
      'nodeIntegrationInSubFrames',
      'allowRunningInsecureContent',
      'experimentalFeatures',
      'webviewTag',
      'navigateOnDragDrop',
    ];
    for (const key of on) expect(secureWebPreferences, key).toHaveProperty(key, true);
    for (const key of off) expect(secureWebPreferences, key).toHaveProperty(key, false);
    // Nothing else may be set (a new preference is reviewed and added to one of the lists).
    expect(Object.keys(secureWebPreferences).sort()).toEqual([...on, ...off, 'spellcheck'].sort());
    const win = code('window.ts');
    // The window uses exactly these preferences plus the preload; nothing overrides them after the spread.
    expect(win).toMatch(/webPreferences:\s*\{\s*\.\.\.secureWebPreferences,\s*preload:\s*path\.resolve\(opts\.preload\)\s*\}/);
    expect(win.match(/new BrowserWindow\(/g)).toHaveLength(1);
  });

  it('no code in main or preload weakens a preference, enables blink features or opens URLs unchecked', () => {
    const banned: [RegExp, string][] = [
      [/nodeIntegration\w*\s*:\s*true/, 'Node integration'],
      [/contextIsolation\s*:\s*false/, 'context isolation off'],
      [/sandbox\s*:\s*false(?!\s*,\s*kubeconfig)/, 'sandbox off'], // (the launch flag `sandbox` is the simulated datacenter, not Chromium's sandbox)
      [/webSecurity\s*:\s*false/, 'web security off'],
      [/allowRunningInsecureContent\s*:\s*true/, 'insecure content'],
      [/webviewTag\s*:\s*true/, 'webview tag'],
      [/enableBlinkFeatures|experimentalFeatures\s*:\s*true/, 'experimental features'],
      [/shell\.openExternal|shell\.openPath/, 'opening URLs or files from the shell'],
      [/bypassCSP\s*:\s*true/, 'a scheme that bypasses the CSP'],
      [/ipcRenderer\.(send|invoke|on)\(\s*[^i]/, 'raw ipcRenderer use outside the generated bridge'],
      [/rejectUnauthorized\s*:\s*false/, 'TLS verification turned off'],
    ];
    /** Reviewed exceptions: file → what, why. */
    const reviewed: Record<string, string> = {
      // Registry TLS: the handshake completes, then the client checks the chain or the pinned fingerprint itself before sending anything.
      'src-main/images/http.ts': 'TLS',
      // Only when the kubeconfig sets insecure-skip-tls-verify (without a CA, as kubectl); the cluster then shows an insecure badge.
      'src-main/clusters/cluster-connection.ts': 'TLS',
    };
    const hits: string[] = [];
    for (const [file, text] of allMainCode()) {
      const stripped = text.replace(/\/\*[\s\S]*?\*\/|(^|[^:])\/\/.*$/gm, '$1');
      for (const [re, what] of banned)
        if (re.test(stripped) && !(reviewed[file] && what.startsWith(reviewed[file]!))) hits.push(`${file}: ${what}`);
    }
    expect(hits).toEqual([]);
  });

  it('every webContents: no navigation, no redirects, no new windows, no webviews', () => {
    const win = code('window.ts');
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      expect(win, event).toMatch(new RegExp(`contents\\.on\\('${event}',\\s*\\(event\\)\\s*=>\\s*event\\.preventDefault\\(\\)\\)`));
    }
    expect(win).toMatch(/setWindowOpenHandler\(\(\)\s*=>\s*\(\{\s*action:\s*'deny'\s*\}\)\)/);
    expect(code('main.ts')).toMatch(/app\.on\('web-contents-created',\s*\(_event,\s*contents\)\s*=>\s*hardenWebContents\(contents\)\)/);
  });

  it('the session: sandbox for all renderers, every permission denied, downloads through main', () => {
    const main = code('main.ts');
    expect(main).toContain('app.enableSandbox()');
    expect(main).toMatch(/setPermissionRequestHandler\(\(_wc, _permission, callback\)\s*=>\s*callback\(false\)\)/);
    expect(main).toMatch(/setPermissionCheckHandler\(\(\)\s*=>\s*false\)/);
    expect(main).toMatch(/setDevicePermissionHandler\(\(\)\s*=>\s*false\)/);
    expect(main).toMatch(/handleDownloads\(ses,/);
    expect(main).toMatch(/wireIpc\(ipcMain, backend\.router, \{ windowIds, allowedOrigins \}/);
    expect(main).toContain('kubeconfigPicker: dialogKubeconfigPicker()');
    const dialogs = code('dialogs.ts');
    expect(dialogs).toMatch(/if \(!isAppBlobUrl\(url, appOrigins\)\) \{[\s\S]*?event\.preventDefault\(\)/);
  });

  it('the app protocol: standard and secure, no CSP bypass; the CSP allows only our own scripts', () => {
    const protocol = code('protocol.ts');
    expect(protocol).toMatch(/privileges:\s*\{\s*standard:\s*true,\s*secure:\s*true/);
    expect(protocol).not.toMatch(/file:\/\//);
    const csp = contentSecurityPolicy();
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'none'"]) expect(csp).toContain(d);
  });

  it('every ipcMain entry point checks its sender before routing', () => {
    const ipc = code('ipc.ts');
    const entries = ipc.match(/ipcMain\.(handle|on)\(/g) ?? [];
    expect(entries.length).toBeGreaterThan(0);
    expect((ipc.match(/\ballowed\(event,/g) ?? []).length).toBe(entries.length);
    expect(shellFiles.filter((f) => /ipcMain\.(handle|on)\(/.test(code(f)))).toEqual(['ipc.ts']);
  });

  it('packaging fuses are set', () => {
    const builder = parse(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as {
      electronFuses: Record<string, boolean>;
      asar: boolean;
    };
    expect(builder.asar).toBe(true);
    expect(builder.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
