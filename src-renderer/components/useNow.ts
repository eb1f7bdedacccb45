import { useSyncExternalStore } from 'react';

/**
 * One shared clock for every "since 2m" label: a single timer, ticking only while someone listens.
 * Components get the current epoch ms, refreshed every `tickMs` (all listeners share the fastest tick).
 */
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
let current = Date.now();
const tickMs = 5000;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    current = Date.now();
    timer = setInterval(() => {
      current = Date.now();
      for (const l of listeners) l();
    }, tickMs);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

export const useNow = (): number => useSyncExternalStore(subscribe, () => current);
