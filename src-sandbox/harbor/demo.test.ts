import { describe, expect, it } from 'vitest';
import { harborRegistryInputs, projectsFromImages } from './demo';
import { startHarborRegions } from './server';

describe('sandbox Harbor demo helpers', () => {
  it('projectsFromImages groups scenario images by project and repository', () => {
    expect(
      projectsFromImages([
        'harbor-east.sandbox.local/shop/orders:1.4.2',
        'harbor-west.sandbox.local/shop/orders:1.4.2',
        'shop/orders:1.5.0',
        'shop/team/cart:2',
        'busybox',
      ]),
    ).toEqual([
      { name: 'shop', repositories: { orders: ['1.4.2', '1.5.0'], 'team/cart': ['2'] } },
      { name: 'library', repositories: { busybox: ['latest'] } },
    ]);
  });

  it('startHarborRegions seeds every region alike and harborRegistryInputs describes them', async () => {
    const { harbors, source, close } = await startHarborRegions({
      regions: ['east', 'west'],
      seedEverywhere: true,
      projects: projectsFromImages(['shop/orders:1.4.2']),
    });
    try {
      const [east, west] = harbors;
      expect(source).toBe(east);
      expect(east!.state.resolve('shop/orders', '1.4.2')?.manifest.digest).toBe(
        west!.state.resolve('shop/orders', '1.4.2')?.manifest.digest,
      );
      expect(harborRegistryInputs(harbors)).toEqual([
        {
          id: 'harbor-east',
          name: 'harbor-east',
          kind: 'harbor',
          url: east!.url,
          region: 'east',
          username: 'robot$capstan',
          secret: 'capstan-robot-secret',
        },
        {
          id: 'harbor-west',
          name: 'harbor-west',
          kind: 'harbor',
          url: west!.url,
          region: 'west',
          username: 'robot$capstan',
          secret: 'capstan-robot-secret',
        },
      ]);
      expect(east!.replication.policies.map((p) => p.dest.url)).toEqual([west!.url]);
    } finally {
      await close();
    }
  });
});
