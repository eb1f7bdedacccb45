/**
 * The Electron path of `npm install` + `npm start`, proven without the internet: a local HTTP
 * mirror (ELECTRON_MIRROR, Electron's documented variable) serves a small stand-in archive and its
 * SHASUMS256.txt; our postinstall runs Electron's own installer against it, which must verify the
 * checksum and put the binary in place; `scripts/start.ts` must then launch that binary with the
 * app and the user's arguments. A mirror that cannot serve the archive must leave `npm install`
 * green with one line that says what happened.
 */
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const realElectron = path.join(root, 'node_modules', 'electron');
const version = (JSON.parse(fs.readFileSync(path.join(realElectron, 'package.json'), 'utf8')) as { version: string }).version;
const platform = process.platform === 'win32' ? 'win32' : process.platform;
const zipName = `electron-v${version}-${platform}-${process.arch}.zip`;

let work: string;
let server: http.Server;
let mirror: string;
let served: string[];
let archive: Buffer;

/** The stand-in binary records how it was launched, then exits. */
const standIn = `#!/bin/sh\nprintf '%s\\n' "$@" > "$CAPSTAN_STANDIN_ARGS"\n`;

function makeZip(dir: string): Buffer {
  const script = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1], "w")',
    'i = zipfile.ZipInfo("electron"); i.external_attr = 0o100755 << 16',
    'z.writestr(i, sys.argv[2])',
    'z.writestr("version", sys.argv[3])',
    'z.close()',
  ].join('\n');
  const out = path.join(dir, zipName);
  execFileSync('python3', ['-c', script, out, standIn, version]);
  return fs.readFileSync(out);
}

/** A copy of the electron package with no binary, resolving its dependencies from ours. */
function freshElectronPackage(name: string): string {
  const dir = path.join(work, name, 'node_modules', 'electron');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'install.js', 'index.js', 'checksums.json'])
    fs.copyFileSync(path.join(realElectron, f), path.join(dir, f));
  return dir;
}

function runPostinstall(electronDir: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'postinstall.mjs'), '--electron-dir', electronDir], {
      cwd: root,
      env: {
        ...process.env,
        ELECTRON_SKIP_BINARY_DOWNLOAD: '',
        NODE_PATH: path.join(root, 'node_modules'),
        NO_PROXY: '127.0.0.1',
        no_proxy: '127.0.0.1',
        ...env,
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-electron-mirror-'));
  archive = makeZip(work);
  const sum = crypto.createHash('sha256').update(archive).digest('hex');
  served = [];
  server = http.createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url === `/good/v${version}/${zipName}`) res.end(archive);
    else if (req.url === `/good/v${version}/SHASUMS256.txt`) res.end(`${sum} *${zipName}\n`);
    else res.writeHead(404).end('not here');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  fs.rmSync(work, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('Electron install and launch through a local mirror', () => {
  it('install verifies the checksum and puts the binary in place; npm start launches it with the app and its arguments', async () => {
    const dir = freshElectronPackage('good');
    const install = await runPostinstall(dir, {
      ELECTRON_MIRROR: `${mirror}/good/`,
      electron_use_remote_checksums: '1',
      electron_config_cache: path.join(work, 'cache'),
    });
    expect(install.code).toBe(0);
    expect(install.out).toContain(`Electron ${version} is installed`);
    expect(served).toContain(`/good/v${version}/SHASUMS256.txt`);
    expect(fs.readFileSync(path.join(dir, 'path.txt'), 'utf8')).toBe('electron');
    expect(fs.statSync(path.join(dir, 'dist', 'electron')).mode & 0o111).not.toBe(0);

    const argsFile = path.join(work, 'args.txt');
    const started = await new Promise<number | null>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
          path.join(root, 'scripts', 'start.ts'),
          '--sandbox',
          '--user-data-dir',
          '/tmp/x',
        ],
        {
          cwd: root,
          env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: path.join(dir, 'dist'), DISPLAY: ':99', CAPSTAN_STANDIN_ARGS: argsFile },
          stdio: 'ignore',
        },
      );
      child.on('close', resolve);
    });
    expect(started).toBe(0);
    expect(fs.readFileSync(argsFile, 'utf8').trim().split('\n')).toEqual([root, '--sandbox', '--user-data-dir', '/tmp/x']);
  });

  it('an archive whose checksum does not match is refused and nothing is installed', async () => {
    const dir = freshElectronPackage('tampered');
    const bad = `${'0'.repeat(64)} *${zipName}\n`;
    const tampered = http.createServer((req, res) => (req.url?.endsWith('SHASUMS256.txt') ? res.end(bad) : res.end(archive)));
    await new Promise<void>((r) => tampered.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(tampered.address() as AddressInfo).port}/`;
      const install = await runPostinstall(dir, {
        ELECTRON_MIRROR: url,
        electron_use_remote_checksums: '1',
        electron_config_cache: path.join(work, 'cache-tampered'),
      });
      expect(install.code).toBe(0);
      expect(fs.existsSync(path.join(dir, 'path.txt'))).toBe(false);
      expect(install.out).toMatch(/could not fetch the Electron .* binary .*browser mode/);
    } finally {
      await new Promise((r) => tampered.close(r));
    }
  });

  it('a mirror without the archive leaves npm install green with one line saying so', async () => {
    const dir = freshElectronPackage('missing');
    const install = await runPostinstall(dir, {
      ELECTRON_MIRROR: `${mirror}/nothing/`,
      electron_use_remote_checksums: '1',
      electron_config_cache: path.join(work, 'cache-missing'),
    });
    expect(install.code).toBe(0);
    const lines = install.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^capstan: could not fetch the Electron .* binary \(.*404.*\); `npm start` will run Capstan in browser mode/);
    expect(fs.existsSync(path.join(dir, 'path.txt'))).toBe(false);
  });
});
