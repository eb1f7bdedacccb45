import { describe, expect, it } from 'vitest';
import { imageId } from './controllers/container-states';
import { imageKey } from './scenario';

describe('the sandbox image keys (through the base image reference)', () => {
  it('keys behaviours by repository basename and tag, registry and project ignored', () => {
    expect(imageKey('harbor-east.example.com/shop/orders:1.4.2')).toBe('orders:1.4.2');
    expect(imageKey('localhost:5000/orders:2@sha256:' + 'a'.repeat(64))).toBe('orders:2');
    expect(imageKey('orders')).toBe('orders:latest');
  });

  it('reports the image ID under the registry host, Docker Hub one-part names in library/', () => {
    expect(imageId('redis:7')).toMatch(/^docker\.io\/library\/redis@sha256:[0-9a-f]{64}$/);
    expect(imageId('shop/orders:1')).toMatch(/^docker\.io\/shop\/orders@sha256:/);
    expect(imageId('harbor.example.com/shop/orders:1')).toMatch(/^harbor\.example\.com\/shop\/orders@sha256:/);
    const digest = 'sha256:' + 'b'.repeat(64);
    expect(imageId(`harbor.example.com/shop/orders:1@${digest}`)).toBe(`harbor.example.com/shop/orders@${digest}`);
    // The same repository and tag give the digest the sandbox Harbors serve, wherever it is pulled from.
    expect(imageId('harbor.example.com/shop/orders:1').split('@')[1]).toBe(imageId('harbor-west.example.com/shop/orders:1').split('@')[1]);
  });
});
