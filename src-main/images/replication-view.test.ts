import { describe, expect, it } from 'vitest';
import { policySchema } from './harbor-types';
import type { RegistryConfig } from './registry-config';
import { emptySnapshot } from './registry-snapshot';
import { destRegion, regionOfEndpoint, sourceRegionFromPolicies } from './replication-view';

const regs: RegistryConfig[] = [
  { id: 'harbor-east', name: 'harbor-east', kind: 'harbor', url: 'https://harbor-east.example.com', region: 'east' },
  { id: 'harbor-west', name: 'Harbor West', kind: 'harbor', url: 'https://harbor-west.example.com/', region: 'west' },
];

describe('replication endpoints → regions', () => {
  it('matches by URL, then host, then name', () => {
    expect(regionOfEndpoint(regs, 'https://HARBOR-WEST.example.com')).toBe('west');
    expect(regionOfEndpoint(regs, 'http://harbor-west.example.com:8080')).toBe('west');
    expect(regionOfEndpoint(regs, 'https://10.0.0.7', 'Harbor West')).toBe('west');
    expect(regionOfEndpoint(regs, 'https://10.0.0.7', 'harbor-east')).toBe('east');
    expect(regionOfEndpoint(regs, 'https://unknown.example.com')).toBeUndefined();
  });
  it('push policies copy to the destination, pull policies into the owner', () => {
    const east = regs[0]!;
    expect(
      destRegion(
        regs,
        east,
        policySchema.parse({ id: 1, name: 'p', dest_registry: { id: 3, name: 'x', url: 'https://harbor-west.example.com' } }),
      ),
    ).toBe('west');
    expect(
      destRegion(
        regs,
        east,
        policySchema.parse({
          id: 2,
          name: 'q',
          src_registry: { id: 4, name: 'hub', url: 'https://hub.example.com' },
          dest_registry: { id: 0, name: 'Local', url: '' },
        }),
      ),
    ).toBe('east');
  });
  it('the source region defaults to where enabled policies copy out of: push from the owner, pull from the source endpoint', () => {
    const snap = (id: string, region: string, policies: unknown[]) => ({
      ...emptySnapshot(id, region, 0, { mode: 'harbor' }, {}),
      policies: policies.map((p) => policySchema.parse(p)),
    });
    const push = { id: 1, name: 'to-west', dest_registry: { id: 3, name: 'x', url: 'https://harbor-west.example.com' }, enabled: true };
    const pull = {
      id: 2,
      name: 'from-east',
      src_registry: { id: 4, name: 'e', url: 'https://harbor-east.example.com' },
      dest_registry: { id: 0, name: 'Local', url: '' },
      enabled: true,
    };
    expect(sourceRegionFromPolicies({ registries: regs, snapshots: new Map([['harbor-east', snap('harbor-east', 'east', [push])]]) })).toBe(
      'east',
    );
    expect(sourceRegionFromPolicies({ registries: regs, snapshots: new Map([['harbor-west', snap('harbor-west', 'west', [pull])]]) })).toBe(
      'east',
    );
    // A disabled policy says nothing; two source regions are no default.
    expect(
      sourceRegionFromPolicies({
        registries: regs,
        snapshots: new Map([['harbor-east', snap('harbor-east', 'east', [{ ...push, enabled: false }])]]),
      }),
    ).toBeUndefined();
    const back = { id: 5, name: 'to-east', dest_registry: { id: 6, name: 'y', url: 'https://harbor-east.example.com' }, enabled: true };
    expect(
      sourceRegionFromPolicies({
        registries: regs,
        snapshots: new Map([
          ['harbor-east', snap('harbor-east', 'east', [push])],
          ['harbor-west', snap('harbor-west', 'west', [back])],
        ]),
      }),
    ).toBeUndefined();
  });
});
