import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cycles, folderGraph, folderOf } from './folder-cycles';

/**
 * Folders may not import each other around a ring. The sandbox's root files and its subfolders
 * still do (the simulated datacenter is one tangle, to be split); that is the one cycle allowed,
 * and it may only shrink.
 */
const ALLOWED = [
  [
    'src-sandbox',
    'src-sandbox/controllers',
    'src-sandbox/exec',
    'src-sandbox/harbor',
    'src-sandbox/kube',
    'src-sandbox/logs',
    'src-sandbox/metrics',
    'src-sandbox/portforward',
    'src-sandbox/server',
  ],
];

const root = path.resolve(import.meta.dirname, '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-cycles-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('folder cycles', () => {
  it('the tree has none but the allowed one', () => {
    const found = cycles(folderGraph(root));
    for (const group of found)
      expect(
        ALLOWED.some((a) => group.every((f) => a.includes(f))),
        `new folder cycle: ${group.join(' <-> ')}`,
      ).toBe(true);
  });

  it('finds a ring through folder indexes, ignores tests', () => {
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
      fs.writeFileSync(path.join(scratch, file), text);
    };
    write('src-main/a/x.ts', "import { y } from '../b';\n");
    write('src-main/b/index.ts', "export { z } from '../c/z';\n");
    write('src-main/c/z.ts', "import type { x } from '../a/x';\n");
    write('src-main/d/d.test.ts', "import { x } from '../a/x';\n");
    write('src-main/a/uses-d.test.ts', "import { d } from '../d/d';\n");
    expect(cycles(folderGraph(scratch))).toEqual([['src-main/a', 'src-main/b', 'src-main/c']]);
  });

  it('names folders by layer and feature', () => {
    expect(folderOf('src-main/serve.ts')).toBe('src-main');
    expect(folderOf('src-main/images/http.ts')).toBe('src-main/images');
    expect(folderOf('src-renderer/features/images/X.tsx')).toBe('src-renderer/features/images');
    expect(folderOf('src-renderer/store/index.ts')).toBe('src-renderer/store');
    expect(folderOf('test/e2e/x.ts')).toBeUndefined();
  });
});
