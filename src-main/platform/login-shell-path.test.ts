import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LoginShellPath, mergePaths } from './login-shell-path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-shell-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const shell = (name: string, body: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return p;
};

describe('LoginShellPath', () => {
  it('takes the last line printed by the login shell (banners first) and appends missing process entries', async () => {
    const p = new LoginShellPath({
      shell: shell('banner', 'echo "Welcome!"; printf "%s" "/opt/tools/bin:/usr/bin"'),
      baseEnv: { PATH: '/usr/bin:/sbin' },
    });
    expect(await p.path()).toBe('/opt/tools/bin:/usr/bin:/sbin');
    expect((await p.env()).PATH).toBe('/opt/tools/bin:/usr/bin:/sbin');
  });
  it('falls back to the process PATH when the shell hangs or fails, without waiting forever', async () => {
    const t0 = Date.now();
    const hang = new LoginShellPath({ shell: shell('hang', 'sleep 5'), timeoutMs: 200, baseEnv: { PATH: '/usr/bin' } });
    expect(await hang.path()).toBe('/usr/bin');
    expect(Date.now() - t0).toBeLessThan(3000);
    const fail = new LoginShellPath({ shell: path.join(dir, 'no-such-shell'), baseEnv: { PATH: '/bin' } });
    expect(await fail.path()).toBe('/bin');
  });
  it('resolves once', async () => {
    const counter = path.join(dir, 'count');
    const p = new LoginShellPath({ shell: shell('counting', `echo x >> ${counter}; printf "%s" /a`), baseEnv: { PATH: '' } });
    await Promise.all([p.path(), p.path(), p.env()]);
    expect(fs.readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(1);
  });
  it('mergePaths de-duplicates', () => expect(mergePaths('/a:/b', '/b:/c')).toBe('/a:/b:/c'));
});
