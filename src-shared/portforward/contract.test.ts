import { describe, expect, it } from 'vitest';
import { debugRequestSchema } from '../exec/contract';
import { startForwardSchema } from './contract';

const base = { clusterId: 'uat', namespace: 'shop', kind: 'service' as const, name: 'orders', remotePort: 80 };

describe('what the renderer may ask for', () => {
  it('a forward: a local port of 1024 or more, or none (ephemeral); remote ports 1–65535; nothing else', () => {
    expect(startForwardSchema.safeParse(base).success).toBe(true);
    expect(startForwardSchema.safeParse({ ...base, localPort: 0 }).success).toBe(true);
    expect(startForwardSchema.safeParse({ ...base, localPort: 8080 }).success).toBe(true);
    expect(startForwardSchema.safeParse({ ...base, localPort: 80 }).success).toBe(false);
    expect(startForwardSchema.safeParse({ ...base, remotePort: 70000 }).success).toBe(false);
    // No address to bind: it is always 127.0.0.1.
    expect(startForwardSchema.safeParse({ ...base, address: '0.0.0.0' }).success).toBe(false);
    expect(startForwardSchema.safeParse({ ...base, kind: 'deployment' }).success).toBe(false);
  });
  it('a debug container: an image reference, nothing that is not one', () => {
    const req = { clusterId: 'fat', namespace: 'shop', pod: 'p', image: 'busybox:1.36' };
    expect(debugRequestSchema.safeParse(req).success).toBe(true);
    expect(
      debugRequestSchema.safeParse({ ...req, image: 'harbor-east.sandbox.local/tools/netshoot@sha256:' + 'a'.repeat(64) }).success,
    ).toBe(true);
    expect(debugRequestSchema.safeParse({ ...req, image: 'busybox; rm -rf /' }).success).toBe(false);
    expect(debugRequestSchema.safeParse({ ...req, image: ' busybox' }).success).toBe(false);
    expect(debugRequestSchema.safeParse({ ...req, image: 'Busybox' }).success).toBe(false);
  });
});
