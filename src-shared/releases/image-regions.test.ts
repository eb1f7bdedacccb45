import { describe, expect, it } from 'vitest';
import { imageHost, pullSourceOf, type RegistryRegion } from './image-regions';

const registries: RegistryRegion[] = [
  { id: 'east', name: 'Harbor East', url: 'https://harbor-east.example.com', region: 'dc-east' },
  { id: 'harbor-west', name: 'harbor-west', url: 'http://127.0.0.1:40123', region: 'dc-west' },
  { id: 'south', name: 'Harbor South', url: 'https://10.0.0.9:8443', region: 'pro-south' },
];

describe('which registry a group pulls from', () => {
  it('the image host names the registry by URL host, by name, or by the first label of the host', () => {
    expect(imageHost('harbor-east.example.com/shop/orders:1.5.0@sha256:' + 'a'.repeat(64))).toBe('harbor-east.example.com');
    expect(pullSourceOf('harbor-east.example.com/shop/orders:1.5.0', 'pro-west', registries)).toEqual({
      region: 'dc-east',
      registryId: 'east',
      by: 'image-host',
    });
    expect(pullSourceOf('harbor-west.sandbox.local/shop/orders:1.5.0', 'pro-west', registries)).toEqual({
      region: 'dc-west',
      registryId: 'harbor-west',
      by: 'image-host',
    });
    expect(pullSourceOf('10.0.0.9:8443/shop/orders:1', 'x', registries)).toMatchObject({ region: 'pro-south', by: 'image-host' });
  });

  it("falls back to the registry whose region is the cluster's datacenter, else cannot tell", () => {
    expect(pullSourceOf('shop/orders:1.5.0', 'pro-south', registries)).toEqual({
      region: 'pro-south',
      registryId: 'south',
      by: 'datacenter',
    });
    expect(pullSourceOf('mirror.example.org/shop/orders:1.5.0', 'pro-south', registries)).toMatchObject({ by: 'datacenter' });
    expect(pullSourceOf('mirror.example.org/shop/orders:1.5.0', 'pro-north', registries)).toBeUndefined();
    expect(pullSourceOf('shop/orders:1.5.0', 'pro-north', [])).toBeUndefined();
  });
});
