import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSandboxCert } from './tls-cert';

describe('createSandboxCert', () => {
  it('makes valid self-signed certificates for 127.0.0.1 and localhost, every time', () => {
    for (let i = 0; i < 200; i++) {
      const { certPem, keyPem } = createSandboxCert();
      const cert = new X509Certificate(certPem);
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
      expect(cert.checkHost('localhost')).toBe('localhost');
      expect(cert.ca).toBe(true);
      expect(cert.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    }
  });
});
