import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonFileRegistryConfigStore } from './registry-config';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('JsonFileRegistryConfigStore', () => {
  it('saves atomically (0600) and loads back; no secret is written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-regcfg-'));
    dirs.push(dir);
    const path = join(dir, 'sub', 'registries.json');
    const store = new JsonFileRegistryConfigStore(path);
    expect(await store.load()).toEqual([]);
    const cfg = [{ id: 'h', name: 'h', kind: 'harbor' as const, url: 'https://h', region: 'east', username: 'robot$x', secretKey: 'images.registry.h.secret', pinnedFingerprint: 'AA:BB' }];
    await store.save(cfg);
    expect(await store.load()).toEqual(cfg);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toMatch(/password|"secret"/);
  });

  it('a corrupt file loads as empty instead of failing the app', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-regcfg-'));
    dirs.push(dir);
    const path = join(dir, 'registries.json');
    writeFileSync(path, '{not json');
    expect(await new JsonFileRegistryConfigStore(path).load()).toEqual([]);
    writeFileSync(path, JSON.stringify([{ id: 1 }]));
    expect(await new JsonFileRegistryConfigStore(path).load()).toEqual([]);
  });
});
