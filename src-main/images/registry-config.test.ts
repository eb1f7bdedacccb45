import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonFileRegistryConfigStore } from './registry-config';
import { tempDirs } from '../testing/temp-dirs';

const tmp = tempDirs('capstan-regcfg-');

describe('JsonFileRegistryConfigStore', () => {
  it('saves atomically (0600) and loads back; no secret is written', async () => {
    const dir = tmp();
    const path = join(dir, 'sub', 'registries.json');
    const store = new JsonFileRegistryConfigStore(path);
    expect(await store.load()).toEqual([]);
    const cfg = [
      {
        id: 'h',
        name: 'h',
        kind: 'harbor' as const,
        url: 'https://h',
        region: 'east',
        username: 'robot$x',
        secretKey: 'images.registry.h.secret',
        pinnedFingerprint: 'AA:BB',
      },
    ];
    await store.save(cfg);
    expect(await store.load()).toEqual(cfg);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toMatch(/password|"secret"/);
  });

  it('a torn or corrupt file is moved aside and reported, never silently read as an empty list', async () => {
    const dir = tmp();
    const path = join(dir, 'registries.json');
    const cfg = [{ id: 'h', name: 'h', kind: 'harbor' as const, url: 'https://h', region: 'east' }];
    const torn = JSON.stringify(cfg).slice(0, 30); // a write cut off half-way
    writeFileSync(path, torn);
    const logged: string[] = [];
    const store = new JsonFileRegistryConfigStore(path, (l) => logged.push(l));
    expect(await store.load()).toEqual([]);
    const aside = readdirSync(dir).filter((f) => f.startsWith('registries.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe(torn);
    expect(store.problem).toMatch(/registries\.json could not be read \(not valid JSON.*moved to .*registries\.json\.corrupt-/);
    expect(logged.join('\n')).toContain(aside[0]);
    // The next save writes a fresh file and leaves the user's old one where it was moved.
    await store.save(cfg);
    expect(await new JsonFileRegistryConfigStore(path).load()).toEqual(cfg);
    expect(readdirSync(dir).filter((f) => f.startsWith('registries.json.corrupt-'))).toHaveLength(1);

    writeFileSync(path, JSON.stringify([{ id: 1 }])); // JSON, but not a registry list
    const wrongShape = new JsonFileRegistryConfigStore(path);
    expect(await wrongShape.load()).toEqual([]);
    expect(wrongShape.problem).toMatch(/could not be read \(0\.id: .*moved to/);
  });

  it('saves leave no temp file behind, and concurrent saves never share a temp name', async () => {
    const dir = tmp();
    const path = join(dir, 'registries.json');
    const store = new JsonFileRegistryConfigStore(path);
    const lists = Array.from({ length: 8 }, (_, i) => [
      { id: `r${i}`, name: `r${i}`, kind: 'harbor' as const, url: `https://r${i}`, region: 'east' },
    ]);
    await Promise.all(lists.map((l) => store.save(l)));
    expect(readdirSync(dir)).toEqual(['registries.json']);
    expect(lists).toContainEqual(await store.load());
  });
});
