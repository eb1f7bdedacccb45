/**
 * Cipher: how the vault encrypts. The Electron shell supplies a safeStorage-backed one
 * (src-main/electron); browser mode uses FileKeyCipher (AES-256-GCM, key file 0600,
 * osEncrypted false); tests use TestCipher.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface Cipher {
  /** e.g. 'gnome_libsecret', 'keychain', 'dpapi', 'basic_text', 'file-key', 'test'. */
  backend: string;
  /** False when the key lives beside the data (Linux basic_text, key file). */
  osEncrypted: boolean;
  encrypt(plain: string): Buffer;
  decrypt(buf: Buffer): string;
}

/** AES-256-GCM with a random IV per message: iv(12) | tag(16) | ciphertext. */
export class AesGcmCipher implements Cipher {
  constructor(
    private readonly key: Buffer,
    readonly backend: string,
    readonly osEncrypted: boolean,
  ) {
    if (key.length !== 32) throw new Error('AesGcmCipher needs a 32-byte key');
  }
  encrypt(plain: string): Buffer {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }
  decrypt(buf: Buffer): string {
    const d = crypto.createDecipheriv('aes-256-gcm', this.key, buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(12, 28));
    return Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8');
  }
}

/** Browser mode: a random key in `keyPath` (created 0600 if missing). */
export class FileKeyCipher extends AesGcmCipher {
  constructor(keyPath: string) {
    super(FileKeyCipher.loadKey(keyPath), 'file-key', false);
  }
  private static loadKey(keyPath: string): Buffer {
    try {
      const k = fs.readFileSync(keyPath);
      if (k.length === 32) return k;
    } catch {
      /* create below */
    }
    fs.mkdirSync(path.dirname(keyPath), { recursive: true, mode: 0o700 });
    const key = crypto.randomBytes(32);
    fs.writeFileSync(keyPath, key, { mode: 0o600 });
    fs.chmodSync(keyPath, 0o600);
    return key;
  }
}

/** Tests: a fixed key; `osEncrypted` chosen by the test. */
export class TestCipher extends AesGcmCipher {
  constructor(osEncrypted = true, backend = 'test') {
    super(Buffer.alloc(32, 7), backend, osEncrypted);
  }
}
