import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planStart, projectRoot } from './start';

describe('npm start: Electron where it can run, browser mode elsewhere', () => {
  it('runs browser mode, saying why, when the Electron binary was not fetched', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-noelectron-'));
    const plan = planStart(['--sandbox'], { DISPLAY: ':0', ELECTRON_OVERRIDE_DIST_PATH: empty }, 'linux');
    expect(plan.mode).toBe('browser');
    if (plan.mode !== 'browser') return;
    expect(plan.reason).toMatch(/no Electron binary/);
    expect(plan.args.slice(-3)).toEqual([path.join(projectRoot, 'src-main', 'serve.ts'), '--open', '--sandbox']);
  });

  it('runs browser mode on a machine with no display, and Electron with the app and its arguments where both exist', () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-electron-'));
    fs.writeFileSync(path.join(dist, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
    expect(planStart([], { ELECTRON_OVERRIDE_DIST_PATH: dist }, 'linux')).toMatchObject({
      mode: 'browser',
      reason: expect.stringMatching(/display/),
    });
    expect(planStart(['--kubeconfig', 'a.yaml'], { ELECTRON_OVERRIDE_DIST_PATH: dist, WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toEqual({
      mode: 'electron',
      command: path.join(dist, 'electron'),
      args: [projectRoot, '--kubeconfig', 'a.yaml'],
    });
  });
});
