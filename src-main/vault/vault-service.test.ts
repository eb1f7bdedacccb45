import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileKeyCipher, TestCipher } from './cipher';
import { VaultService } from './vault-service';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-vault-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('VaultService', () => {
  it('stores secrets encrypted at rest in a 0600 file and reads them back after a restart', () => {
    const file = path.join(dir, 'sub', 'vault.json');
    const v = new VaultService({ file, cipher: new TestCipher(true) });
    expect(v.status()).toEqual({ backend: 'test', osEncrypted: true, needsConsent: false });
    expect(v.put('harbor:east', 'robot$ci:s3cr3t-password')).toEqual({ ok: true, value: null });
    expect(v.put('kubeconfig:imported', 'apiVersion: v1\nusers: [{name: u, user: {token: abc}}]')).toEqual({ ok: true, value: null });
    const raw = fs.readFileSync(file, 'utf8');
    expect(raw).not.toContain('s3cr3t');
    expect(raw).not.toContain('token: abc');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['vault.json']); // no temp files left
    const again = new VaultService({ file, cipher: new TestCipher(true) });
    expect(again.get('harbor:east')).toEqual({ ok: true, value: 'robot$ci:s3cr3t-password' });
    expect(again.keys()).toEqual(['harbor:east', 'kubeconfig:imported']);
    expect(again.delete('harbor:east').ok).toBe(true);
    expect(new VaultService({ file, cipher: new TestCipher(true) }).get('harbor:east')).toEqual({ ok: true, value: undefined });
  });

  it('on a backend that is not OS-encrypted (basic_text) refuses writes until consent', () => {
    const file = path.join(dir, 'vault.json');
    const v = new VaultService({ file, cipher: new TestCipher(false, 'basic_text') });
    expect(v.status()).toEqual({ backend: 'basic_text', osEncrypted: false, needsConsent: true });
    const r = v.put('harbor:east', 'pw');
    expect(!r.ok && r.error.code).toBe('consent-required');
    expect(!r.ok && r.error.message).toContain('basic_text');
    // The message names the control that exists (the vault banner's button), not a Settings view.
    expect(!r.ok && r.error.message).toContain('"Allow unencrypted storage"');
    expect(fs.readFileSync(path.join(__dirname, '../../src-renderer/features/clusters/VaultBanner.tsx'), 'utf8')).toContain(
      'Allow unencrypted storage',
    );
    expect(!r.ok && r.error.message).not.toContain('Settings');
    expect(fs.existsSync(file)).toBe(false);
    expect(v.consent(true).needsConsent).toBe(false);
    expect(v.put('harbor:east', 'pw').ok).toBe(true);
    // Consent persists across restarts; withdrawing it refuses writes again.
    const again = new VaultService({ file, cipher: new TestCipher(false, 'basic_text') });
    expect(again.status().needsConsent).toBe(false);
    again.consent(false);
    expect(again.put('x', 'y').ok).toBe(false);
  });

  it('FileKeyCipher keeps a 0600 key and round-trips; a different key cannot decrypt', () => {
    const keyPath = path.join(dir, 'keys', 'vault.key');
    const c = new FileKeyCipher(keyPath);
    expect(c.osEncrypted).toBe(false);
    expect(fs.statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(new FileKeyCipher(keyPath).decrypt(c.encrypt('hello'))).toBe('hello');
    const file = path.join(dir, 'v.json');
    const v = new VaultService({ file, cipher: c });
    v.consent(true);
    v.put('k', 'secret');
    const other = new VaultService({ file, cipher: new FileKeyCipher(path.join(dir, 'other.key')) });
    const r = other.get('k');
    expect(!r.ok && r.error.message).toMatch(/cannot be decrypted/);
    expect(!r.ok && r.error.message).not.toContain('secret"');
  });

  it('moves a corrupt vault file aside and starts empty', () => {
    const file = path.join(dir, 'vault.json');
    fs.writeFileSync(file, '{not json');
    const v = new VaultService({ file, cipher: new TestCipher(true) });
    expect(v.keys()).toEqual([]);
    expect(v.corruptMovedTo).toMatch(/vault\.json\.corrupt-/);
    expect(v.put('a', 'b').ok).toBe(true);
  });
});
