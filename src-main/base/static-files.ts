import path from 'node:path';

/**
 * Maps a request path to a file under the renderer build (out/renderer), for Electron's
 * `capstan://app/...` protocol and browser mode's HTTP server alike. Refuses anything that could
 * leave the root: `..` segments (raw or percent-encoded), backslashes, NUL bytes, absolute or drive
 * paths. Symlinks inside out/renderer are not expected (it is our own build output).
 */
export type StaticResolution = { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 403 | 404 };

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export const contentTypeOf = (file: string): string => MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/** `pathname` is the URL's raw (still percent-encoded) path, e.g. `new URL(req.url).pathname`. */
export function resolveStaticPath(root: string, pathname: string): StaticResolution {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400 };
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.' || /^[A-Za-z]:$/.test(s))) return { ok: false, status: 403 };
  const relative = decoded === '/' ? 'index.html' : decoded.slice(1);
  const rootAbs = path.resolve(root);
  const file = path.resolve(rootAbs, relative);
  if (file !== rootAbs && !file.startsWith(rootAbs + path.sep)) return { ok: false, status: 403 };
  if (segments.some((s) => s.startsWith('.') && s.length > 1)) return { ok: false, status: 404 }; // dotfiles
  return { ok: true, file, contentType: contentTypeOf(file) };
}

/** For `capstan://app/...` URLs: only host `app` is ours. */
export function resolveAppUrl(root: string, url: string, scheme = 'capstan', host = 'app'): StaticResolution {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400 };
  }
  if (u.protocol !== `${scheme}:` || u.host !== host) return { ok: false, status: 404 };
  return resolveStaticPath(root, u.pathname);
}
