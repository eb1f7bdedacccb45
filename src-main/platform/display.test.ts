import { describe, expect, it } from 'vitest';
import { noDisplayReason } from './display';

describe('noDisplayReason', () => {
  it('needs X11 or Wayland outside macOS and Windows', () => {
    expect(noDisplayReason({}, 'linux')).toMatch(/no graphical display/);
    expect(noDisplayReason({}, 'freebsd')).toMatch(/no graphical display/);
    expect(noDisplayReason({ DISPLAY: ':0' }, 'linux')).toBeUndefined();
    expect(noDisplayReason({ WAYLAND_DISPLAY: 'wayland-0' }, 'openbsd')).toBeUndefined();
  });
  it('always finds the desktop on macOS and Windows', () => {
    expect(noDisplayReason({}, 'darwin')).toBeUndefined();
    expect(noDisplayReason({}, 'win32')).toBeUndefined();
  });
});
