/**
 * The repository stands alone: a user's clone has nothing beside it, so no tracked file may read or
 * link a folder outside the repository (our own machines have a shared folder beside it), the copied API documents must be the ones
 * their sources file names, and comments and documents speak of the code, not of our issue tracker.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((f) => f && !f.endsWith('package-lock.json') && !/\.(png|jpe?g|ico|icns|gz|zip|tgz)$/.test(f));
const text = (f: string): string | undefined => {
  try {
    const s = readFileSync(join(root, f), 'utf8');
    return s.includes('\0') ? undefined : s;
  } catch {
    return undefined; // deleted in the working tree
  }
};
// Built from parts so that this file does not match itself.
const outside = ['..', 'shared'].join('/');

describe('the repository stands alone', () => {
  it(`no tracked file names ${outside}`, () => {
    const offenders = tracked.filter((f) => text(f)?.includes(outside));
    expect(offenders).toEqual([]);
  });

  it('no comment or document refers to an issue of ours by number', () => {
    const pattern = new RegExp(['\\bissues?', ' #?\\d+'].join(''), 'i');
    const offenders = tracked
      .filter((f) => !f.endsWith('.json') && pattern.test(text(f) ?? ''))
      .map((f) => `${f}: ${pattern.exec(text(f)!)![0]}`);
    expect(offenders).toEqual([]);
  });

  it('the copied API documents are the ones their README names, byte for byte', () => {
    const readme = readFileSync(join(root, 'src-sandbox/openapi/README.md'), 'utf8');
    const sums = [...readme.matchAll(/^\s+([0-9a-f]{64})\s+(\S+)$/gm)];
    expect(sums.length).toBeGreaterThanOrEqual(3);
    for (const [, sum, file] of sums) {
      const actual = crypto
        .createHash('sha256')
        .update(readFileSync(join(root, 'src-sandbox/openapi', file!)))
        .digest('hex');
      expect(actual, file).toBe(sum);
    }
  });
});
