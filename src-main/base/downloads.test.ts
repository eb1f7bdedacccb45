import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSavePath, isAppBlobUrl, safeDownloadName } from './downloads';

describe('downloads', () => {
  it('keeps only a bare, harmless file name from what the page proposes', () => {
    expect(safeDownloadName('pod-a.log')).toBe('pod-a.log');
    expect(safeDownloadName('../../.bashrc')).toBe('bashrc');
    expect(safeDownloadName('C:\\Windows\\system32\\x.dll')).toBe('x.dll');
    expect(safeDownloadName('a\u0000b\nc?.csv')).toBe('a_b_c_.csv');
    expect(safeDownloadName('...')).toBe('capstan-export.txt');
    expect(safeDownloadName('x'.repeat(500)).length).toBe(120);
    expect(defaultSavePath('/home/me/Downloads', '/etc/passwd')).toBe(path.join('/home/me/Downloads', 'passwd'));
  });

  it('accepts only Blob URLs of the app origin', () => {
    expect(isAppBlobUrl('blob:app://capstan/1b2c', ['app://capstan'])).toBe(true);
    expect(isAppBlobUrl('blob:app://capstan.evil/1b2c', ['app://capstan'])).toBe(false);
    expect(isAppBlobUrl('https://evil.example/x.exe', ['app://capstan'])).toBe(false);
    expect(isAppBlobUrl('blob:http://localhost:5173/x', ['app://capstan', 'http://localhost:5173'])).toBe(true);
  });
});
