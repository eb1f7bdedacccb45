import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEBUG_IMAGE } from '../../src-shared/exec/contract';
import { SettingsStore } from '../app/settings';
import { DebugImages, MAX_CLUSTERS } from './debug-images';

const quiet = { info() {}, warn() {}, error() {} };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** DebugImages over a real settings file, as composition.ts wires it. */
function open(dir: string) {
  const settings = new SettingsStore(dir, quiet);
  const images = new DebugImages({
    read: () => settings.get().prefs.debugImages,
    write: (v) => void settings.update((s) => void (s.prefs.debugImages = v)),
  });
  return { settings, images };
}

describe('DebugImages', () => {
  it('remembers the last image per cluster in the settings file, across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-debug-images-'));
    dirs.push(dir);
    const a = open(dir);
    expect(a.images.get('fat')).toBe(DEFAULT_DEBUG_IMAGE);
    a.images.remember('fat', 'nicolaka/netshoot:v0.13');
    a.images.remember('uat', 'busybox:1.37');
    a.images.remember('fat', 'busybox:1.37');
    const b = open(dir);
    expect(b.images.get('fat')).toBe('busybox:1.37');
    expect(b.images.get('uat')).toBe('busybox:1.37');
    expect(b.images.get('pro-east')).toBe(DEFAULT_DEBUG_IMAGE);
    expect(JSON.parse(readFileSync(b.settings.file, 'utf8')).prefs.debugImages).toEqual({ uat: 'busybox:1.37', fat: 'busybox:1.37' });
  });

  it('reads a hand-edited value that is not an image as none, and keeps at most MAX_CLUSTERS', () => {
    let stored: unknown = { fat: 'not an image!', uat: 42 };
    const images = new DebugImages({ read: () => stored, write: (v) => (stored = v) });
    expect(images.get('fat')).toBe(DEFAULT_DEBUG_IMAGE);
    expect(images.get('uat')).toBe(DEFAULT_DEBUG_IMAGE);
    for (let i = 0; i <= MAX_CLUSTERS; i++) images.remember(`c${i}`, 'busybox:1.36');
    const kept = Object.keys(stored as object);
    expect(kept).toHaveLength(MAX_CLUSTERS);
    expect(kept).not.toContain('c0');
    expect(kept).toContain(`c${MAX_CLUSTERS}`);
  });
});
