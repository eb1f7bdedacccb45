import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppUrl, resolveStaticPath } from './static-files';

const root = path.resolve('/srv/out/renderer');

describe('resolveStaticPath', () => {
  it('maps / to index.html and files under the root', () => {
    expect(resolveStaticPath(root, '/')).toMatchObject({
      ok: true,
      file: path.join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveStaticPath(root, '/assets/index-abc.js')).toMatchObject({
      ok: true,
      file: path.join(root, 'assets', 'index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveStaticPath(root, '/assets/a%20b.css')).toMatchObject({ ok: true, file: path.join(root, 'assets', 'a b.css') });
  });

  it.each([
    '/../etc/passwd',
    '/assets/../../etc/passwd',
    '/%2e%2e/etc/passwd',
    '/%2E%2E%2Fetc%2Fpasswd',
    '/assets/%2e%2e/%2e%2e/secret',
    '/..%5c..%5cwindows',
    '/a\\..\\b',
    '/C:/Windows/win.ini',
    '/x%00.js',
    '/%E0%A4%A',
    '/./index.html',
  ])('refuses %s', (p) => {
    const r = resolveStaticPath(root, p);
    expect(r.ok).toBe(false);
  });

  it('hides dotfiles', () => {
    expect(resolveStaticPath(root, '/.env')).toEqual({ ok: false, status: 404 });
  });
});

describe('resolveAppUrl', () => {
  it('serves only capstan://app', () => {
    expect(resolveAppUrl(root, 'capstan://app/index.html')).toMatchObject({ ok: true, file: path.join(root, 'index.html') });
    expect(resolveAppUrl(root, 'capstan://app/')).toMatchObject({ ok: true, file: path.join(root, 'index.html') });
    expect(resolveAppUrl(root, 'capstan://other/index.html').ok).toBe(false);
    // The URL parser already folds dot segments; whatever it leaves must stay under the root.
    for (const url of [
      'capstan://app/%2e%2e/%2e%2e/etc/passwd',
      'capstan://app/../../etc/passwd',
      'capstan://app/..%2f..%2fetc/passwd',
      'capstan://app/%2e%2e%5c%2e%2e%5cetc',
    ]) {
      const r = resolveAppUrl(root, url);
      if (r.ok) expect(r.file.startsWith(root + path.sep), url).toBe(true);
    }
    expect(resolveAppUrl(root, 'capstan://app/..%2f..%2fetc/passwd').ok).toBe(false);
    expect(resolveAppUrl(root, 'file:///etc/passwd').ok).toBe(false);
  });
});
