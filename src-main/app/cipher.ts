import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from './atomic-write';

/**
 * Encryption at rest for the vault. Electron: safeStorage (src-main/electron/safe-storage.ts).
 * Browser mode: AES-256-GCM with a random key kept in a 0600 file beside the data — which protects
 * against casual disclosure (backups, copied folders without the key) but not against someone
 * with the user's account, hence `osEncrypted: false`.
 */
export interface Cipher {
  /** 'gnome_libsecret', 'kwallet5', 'basic_text', 'keychain', 'dpapi', 'file-key', 'test'... */
  readonly backend: string;
  readonly osEncrypted: boolean;
  encrypt(plain: string): Promise<Buffer>;
  decrypt(data: Buffer): Promise<string>;
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function loadOrCreateKey(file: string): Buffer {
  try {
    const key = fs.readFileSync(file);
    if (key.length === 32) {
      if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
      return key;
    }
    throw new Error(`${file} does not hold a 256-bit key; move it aside to create a new one (existing secrets will be lost)`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = crypto.randomBytes(32);
  writeFileAtomicSync(file, key, 0o600);
  return key;
}

export function createFileKeyCipher(userDataDir: string): Cipher {
  const key = loadOrCreateKey(path.join(userDataDir, 'vault.key'));
  return {
    backend: 'file-key',
    osEncrypted: false,
    async encrypt(plain) {
      const iv = crypto.randomBytes(IV_BYTES);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, c.getAuthTag(), body]);
    },
    async decrypt(data) {
      if (data.length < 1 + IV_BYTES + TAG_BYTES || data[0] !== VERSION) throw new Error('vault data is not in the file-key format');
      const iv = data.subarray(1, 1 + IV_BYTES);
      const tag = data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const d = crypto.createDecipheriv('aes-256-gcm', key, iv);
      d.setAuthTag(tag);
      return Buffer.concat([d.update(data.subarray(1 + IV_BYTES + TAG_BYTES)), d.final()]).toString('utf8');
    },
  };
}
