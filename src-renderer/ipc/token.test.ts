import { describe, expect, it, vi } from 'vitest';
import { readLaunchToken } from './token';

const TOKEN = 'abcDEF0123456789_-abcDEF0123456789_-abcDEF0';
function env(hash: string, stored: string | null = null) {
  const store = new Map<string, string>(stored ? [['capstan.token', stored]] : []);
  return {
    location: { hash, pathname: '/', search: '' },
    history: { replaceState: vi.fn() },
    sessionStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    store,
  };
}

describe('readLaunchToken', () => {
  it('reads the fragment, stores it for reloads, scrubs the address bar', () => {
    const e = env(`#token=${TOKEN}`);
    expect(readLaunchToken(e)).toBe(TOKEN);
    expect(e.store.get('capstan.token')).toBe(TOKEN);
    expect(e.history.replaceState).toHaveBeenCalledWith(null, '', '/');
  });
  it('falls back to the stored token after a reload', () => {
    expect(readLaunchToken(env('', TOKEN))).toBe(TOKEN);
  });
  it('ignores junk', () => {
    expect(readLaunchToken(env('#token=<script>'))).toBeUndefined();
    expect(readLaunchToken(env(''))).toBeUndefined();
  });
});
