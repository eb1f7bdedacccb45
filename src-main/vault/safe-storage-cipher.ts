import path from 'node:path';
import type { Cipher } from './cipher';
import { FileKeyCipher } from './cipher';

/** The parts of Electron's safeStorage we use (the electron shell passes the real one). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(data: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

/**
 * The vault's cipher in Electron. macOS Keychain and Windows DPAPI are OS-encrypted; on Linux it
 * depends on the selected backend: `basic_text` (no keyring found) means a key compiled into
 * Chromium, so we report osEncrypted: false and the vault asks for consent. When safeStorage is
 * unavailable altogether we fall back to a key file in userData (also not OS-encrypted).
 */
export function createSafeStorageCipher(safeStorage: SafeStorageLike, platform: NodeJS.Platform, userDataDir: string): Cipher {
  if (!safeStorage.isEncryptionAvailable()) return new FileKeyCipher(path.join(userDataDir, 'vault.key'));
  const backend =
    platform === 'linux'
      ? (safeStorage.getSelectedStorageBackend?.() ?? 'unknown')
      : platform === 'darwin'
        ? 'keychain'
        : platform === 'win32'
          ? 'dpapi'
          : 'unknown';
  return {
    backend,
    osEncrypted: backend !== 'basic_text' && backend !== 'unknown',
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}
