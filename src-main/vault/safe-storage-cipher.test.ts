import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSafeStorageCipher, type SafeStorageLike } from './safe-storage-cipher';

const fake = (available: boolean, backend?: string): SafeStorageLike => ({
  isEncryptionAvailable: () => available,
  encryptString: (s) => Buffer.from(s.split('').reverse().join('')),
  decryptString: (b) => b.toString().split('').reverse().join(''),
  ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
});

describe('createSafeStorageCipher', () => {
  it('reports the Linux backend and flags basic_text', () => {
    expect(createSafeStorageCipher(fake(true, 'gnome_libsecret'), 'linux', '/x')).toMatchObject({
      backend: 'gnome_libsecret',
      osEncrypted: true,
    });
    expect(createSafeStorageCipher(fake(true, 'basic_text'), 'linux', '/x')).toMatchObject({ backend: 'basic_text', osEncrypted: false });
    expect(createSafeStorageCipher(fake(true), 'darwin', '/x')).toMatchObject({ backend: 'keychain', osEncrypted: true });
    expect(createSafeStorageCipher(fake(true), 'win32', '/x')).toMatchObject({ backend: 'dpapi', osEncrypted: true });
  });
  it('round-trips through safeStorage', () => {
    const c = createSafeStorageCipher(fake(true, 'kwallet5'), 'linux', '/x');
    expect(c.decrypt(c.encrypt('secret'))).toBe('secret');
  });
  it('falls back to a key file when safeStorage is unavailable', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-ss-'));
    try {
      const c = createSafeStorageCipher(fake(false), 'linux', dir);
      expect(c).toMatchObject({ backend: 'file-key', osEncrypted: false });
      expect(c.decrypt(c.encrypt('x'))).toBe('x');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
