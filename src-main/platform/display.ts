/**
 * Whether a window can be shown here. macOS and Windows always have their desktop; other systems
 * (Linux, the BSDs) need an X11 or Wayland session, which a jump host over SSH has not. Used by
 * `npm start` (Electron or browser mode) and by browser mode's `--open` (xdg-open or not).
 */
export function noDisplayReason(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'darwin' || platform === 'win32') return undefined;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? undefined : 'there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)';
}
