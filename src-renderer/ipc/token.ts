/**
 * Browser mode's per-launch access token. `npm run serve` prints `http://127.0.0.1:PORT/#token=...`:
 * a URL fragment is never sent to a server, so the token stays out of request lines, proxies and
 * logs. We read it once, keep it in sessionStorage (same tab, survives reload; same-origin scripts
 * only, which could read it from the page anyway) and remove it from the address bar.
 */
export interface TokenEnv {
  location: { hash: string; pathname: string; search: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
}

const STORAGE_KEY = 'capstan.token';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function readLaunchToken(env: TokenEnv): string | undefined {
  const fromHash = new URLSearchParams(env.location.hash.replace(/^#/, '')).get('token');
  if (fromHash && TOKEN_PATTERN.test(fromHash)) {
    try {
      env.sessionStorage.setItem(STORAGE_KEY, fromHash);
    } catch {
      // Storage disabled: the token then lives only in this page's memory; a reload needs the URL again.
    }
    env.history.replaceState(null, '', env.location.pathname + env.location.search);
    return fromHash;
  }
  try {
    const stored = env.sessionStorage.getItem(STORAGE_KEY);
    return stored && TOKEN_PATTERN.test(stored) ? stored : undefined;
  } catch {
    return undefined;
  }
}
