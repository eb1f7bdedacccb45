import { describe, expect, it } from 'vitest';
import { checkSender, originOf } from './sender';

const policy = { windowIds: new Set([7]), allowedOrigins: ['capstan://app'] };
const top = (url: string) => ({ url, parent: null });

describe('checkSender', () => {
  it('accepts the top frame of our window on our origin', () => {
    expect(checkSender(top('capstan://app/index.html#/workloads'), 7, policy)).toEqual({ ok: true });
  });
  it('rejects a null frame', () => {
    expect(checkSender(null, 7, policy).ok).toBe(false);
  });
  it('rejects a foreign URL', () => {
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'capstan://evil/index.html',
      'capstan://app.evil/x',
      'http://localhost:5173/',
      'about:blank',
      'data:text/html,x',
      'not a url',
    ])
      expect(checkSender(top(url), 7, policy).ok, url).toBe(false);
  });
  it('rejects a subframe even on our origin', () => {
    expect(checkSender({ url: 'capstan://app/index.html', parent: {} }, 7, policy).ok).toBe(false);
  });
  it('rejects a webContents that is not our window', () => {
    expect(checkSender(top('capstan://app/index.html'), 8, policy).ok).toBe(false);
  });
  it('accepts the dev server origin only when listed', () => {
    const dev = { ...policy, allowedOrigins: ['capstan://app', 'http://localhost:5173'] };
    expect(checkSender(top('http://localhost:5173/'), 7, dev).ok).toBe(true);
    expect(checkSender(top('http://localhost:5174/'), 7, dev).ok).toBe(false);
  });
  it('computes origins for custom schemes', () => {
    expect(originOf('capstan://app/a/b?c#d')).toBe('capstan://app');
    expect(originOf('about:blank')).toBeUndefined();
  });
});
