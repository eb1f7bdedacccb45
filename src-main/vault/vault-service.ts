/**
 * VaultService: Harbor credentials and imported kubeconfigs, encrypted at rest. Secrets never
 * leave main.
 *
 *   const vault = new VaultService({ file: '<userData>/vault.json', cipher });
 *   vault.status(): VaultStatus          // needsConsent on a backend that is not OS-encrypted
 *   vault.consent(allow): VaultStatus
 *   vault.put(key, secret): Result<null> // refused (needs consent) until consent(true) on basic_text
 *   vault.get(key): Result<string | undefined>
 *   vault.delete(key): Result<null>
 *   vault.keys(): string[]
 *
 * File: JSON `{version, consent, entries: {key: base64(cipher.encrypt(secret))}}`, written
 * atomically (temp + fsync + rename), mode 0600.
 */
import { readStoredSync, writeFileAtomicSync } from '../base/atomic-write';
import type { VaultStatus } from '../../src-shared/clusters/contract';
import type { Result } from '../../src-shared/result';
import { err, ok } from '../../src-shared/result';
import type { Cipher } from './cipher';

export interface VaultServiceOptions {
  file: string;
  cipher: Cipher;
}

interface VaultFile {
  version: 1;
  backend: string;
  consent: boolean;
  entries: Record<string, string>;
}

export class VaultService {
  private data: VaultFile;
  private loadError: string | undefined;
  /** Set when a corrupt vault file was moved aside at load (tell the user once). */
  corruptMovedTo: string | undefined;

  constructor(private readonly opts: VaultServiceOptions) {
    this.data = this.load();
  }

  status(): VaultStatus {
    const { cipher } = this.opts;
    return { backend: cipher.backend, osEncrypted: cipher.osEncrypted, needsConsent: !cipher.osEncrypted && !this.data.consent };
  }

  consent(allow: boolean): VaultStatus {
    if (this.data.consent !== allow) {
      this.data.consent = allow;
      this.save();
    }
    return this.status();
  }

  keys(): string[] {
    return Object.keys(this.data.entries).sort();
  }

  put(key: string, secret: string): Result<null> {
    const refused = this.refusal();
    if (refused) return refused;
    if (!key || key.length > 512) return err('invalid-payload', 'A vault key must be 1–512 characters.');
    let enc: Buffer;
    try {
      enc = this.opts.cipher.encrypt(secret);
    } catch {
      return err(
        'unavailable',
        `Encrypting with the ${this.opts.cipher.backend} backend failed. Check that the system keyring is unlocked, then try again.`,
      );
    }
    this.data.entries[key] = enc.toString('base64');
    return this.trySave();
  }

  get(key: string): Result<string | undefined> {
    if (this.loadError) return err('unavailable', this.loadError);
    const b64 = this.data.entries[key];
    if (b64 === undefined) return ok(undefined);
    try {
      return ok(this.opts.cipher.decrypt(Buffer.from(b64, 'base64')));
    } catch {
      return err(
        'unavailable',
        `The stored secret "${key}" cannot be decrypted with the ${this.opts.cipher.backend} backend (the keyring or key changed). Enter the credential again.`,
      );
    }
  }

  delete(key: string): Result<null> {
    if (!(key in this.data.entries)) return ok(null);
    delete this.data.entries[key];
    return this.trySave();
  }

  private refusal(): Result<never> | undefined {
    if (this.loadError) return err('unavailable', this.loadError);
    if (this.status().needsConsent) {
      return err(
        'consent-required',
        `Secrets would be stored with the ${this.opts.cipher.backend} backend, which is not protected by the operating system's keyring. Choose "Allow unencrypted storage" in the warning banner above (on the Registries tab and the Overview), or set up a keyring such as GNOME Keyring or KWallet and restart, then save the credentials again.`,
      );
    }
    return undefined;
  }

  private load(): VaultFile {
    const fresh: VaultFile = { version: 1, backend: this.opts.cipher.backend, consent: false, entries: {} };
    // A bad file is kept aside for inspection and the vault starts empty, so the user can enter credentials again.
    const read = readStoredSync(this.opts.file, (text): VaultFile => {
      const parsed = JSON.parse(text) as Partial<VaultFile>;
      if (parsed.version !== 1 || typeof parsed.entries !== 'object' || parsed.entries === null) throw new Error('not a vault file');
      const entries: Record<string, string> = {};
      for (const [k, v] of Object.entries(parsed.entries)) if (typeof v === 'string') entries[k] = v;
      return { version: 1, backend: this.opts.cipher.backend, consent: parsed.consent === true, entries };
    });
    if (read.value) return read.value;
    if (read.movedTo) this.corruptMovedTo = read.movedTo;
    else if (read.problem) this.loadError = `The vault file could not be used: ${read.problem} Check its permissions, then restart.`;
    return fresh;
  }

  private trySave(): Result<null> {
    try {
      this.save();
      return ok(null);
    } catch (e) {
      return err(
        'unavailable',
        `The vault file ${this.opts.file} cannot be written (${(e as NodeJS.ErrnoException).code ?? 'error'}). Check disk space and permissions.`,
      );
    }
  }

  private save(): void {
    writeFileAtomicSync(this.opts.file, JSON.stringify(this.data));
  }
}
