/**
 * The packaged main bundle carries what the embedded sandbox reads: a real electron-vite build
 * (into a temporary folder under out/), then the bundled sandbox is started from that build with
 * its default scenario and asked for /openapi/v3 and a document, byte for byte the shipped copy.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as SandboxModuleNs from '../src-main/app/sandbox';
import { sandboxAssets } from './bundle-assets';

type SandboxModule = typeof SandboxModuleNs;

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));

function get(url: string, token: string, ca: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
      })
      .on('error', reject);
  });
}

describe('the main bundle and the sandbox data it reads', () => {
  let outDir: string;
  let sandboxChunk: string;

  beforeAll(() => {
    fs.mkdirSync(path.join(root, 'out'), { recursive: true });
    outDir = fs.mkdtempSync(path.join(root, 'out', '.bundle-test-'));
    execFileSync(
      process.execPath,
      [
        path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js'),
        'build',
        '--outDir',
        outDir,
        '--logLevel',
        'warn',
      ],
      { cwd: root, stdio: 'pipe' },
    );
    const chunks = fs.readdirSync(path.join(outDir, 'main'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    sandboxChunk = path.join(
      outDir,
      'main',
      chunks.find((f) => fs.readFileSync(path.join(outDir, 'main', f), 'utf8').includes('export { startSandboxDatacenter }'))!,
    );
  }, 240_000);

  afterAll(() => {
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('holds every data file at the path its reader resolves from the chunk it landed in', () => {
    const code = fs.readFileSync(sandboxChunk, 'utf8');
    for (const { module, files } of sandboxAssets) {
      expect(code, `${module} is in the sandbox chunk`).toContain(`// ${module}`);
      for (const f of files) {
        const beside = path.join(path.dirname(sandboxChunk), path.relative(path.dirname(path.join(root, module)), path.join(root, f)));
        expect(fs.existsSync(beside), `${f} at ${path.relative(outDir, beside)}`).toBe(true);
      }
    }
  });

  it('starts the bundled sandbox with its default scenario and serves /openapi/v3 from the bundle', async () => {
    const { startSandboxDatacenter } = (await import(pathToFileURL(sandboxChunk).href)) as SandboxModule;
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    const sandbox = await startSandboxDatacenter(quiet, { harbors: false });
    try {
      const [cluster] = sandbox.datacenter.clusters;
      const { token, caPem, url } = cluster!;
      const discovery = await get(`${url}/openapi/v3`, token, caPem);
      expect(discovery.status).toBe(200);
      const paths = (JSON.parse(discovery.body.toString()) as { paths: Record<string, { serverRelativeURL: string }> }).paths;
      expect(Object.keys(paths)).toContain('apis/apps/v1');
      const apps = await get(`${url}${paths['apis/apps/v1']!.serverRelativeURL}`, token, caPem);
      expect(apps.status).toBe(200);
      expect(apps.body.equals(fs.readFileSync(path.join(root, 'src-sandbox/openapi/apis__apps__v1_openapi.json')))).toBe(true);
    } finally {
      await sandbox.stop();
    }
  });
});
