import { useLayoutEffect, useSyncExternalStore } from 'react';
import type { ThemePreference } from '../store/ui-slice';

const query = '(prefers-color-scheme: dark)';
const subscribe = (cb: () => void) => {
  const mq = window.matchMedia?.(query);
  mq?.addEventListener('change', cb);
  return () => mq?.removeEventListener('change', cb);
};
const systemDark = () => window.matchMedia?.(query).matches ?? false;

/** Applies the theme preference (light / dark / follow the system) to <html data-theme>. */
export function useTheme(preference: ThemePreference): 'light' | 'dark' {
  const dark = useSyncExternalStore(subscribe, systemDark);
  const resolved = preference === 'system' ? (dark ? 'dark' : 'light') : preference;
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = resolved;
    document.documentElement.style.colorScheme = resolved;
  }, [resolved]);
  return resolved;
}
