import { describe, expect, it } from 'vitest';
import { NameIndex } from './name-index';

const svc = { group: '', version: 'v1', resource: 'services' };
const cm = { group: '', version: 'v1', resource: 'configmaps' };

describe('NameIndex', () => {
  it('ranks exact, prefix, word start, then anywhere; shorter first; all words must match', () => {
    const idx = new NameIndex();
    idx.replace('fat', svc, 'Service', [
      { namespace: 'shop', name: 'my-catalog' },
      { namespace: 'shop', name: 'catalog' },
      { namespace: 'shop', name: 'catalog-fat-long' },
      { namespace: 'shop', name: 'xcatalogx' },
    ]);
    idx.replace('uat', cm, 'ConfigMap', [{ namespace: 'shop', name: 'catalog-conf' }]);
    expect(idx.search('catalog', 10).map((h) => `${h.clusterId}:${h.name}`)).toEqual([
      'fat:catalog',
      'uat:catalog-conf',
      'fat:catalog-fat-long',
      'fat:my-catalog',
      'fat:xcatalogx',
    ]);
    expect(idx.search('catalog configmap', 10).map((h) => h.name)).toEqual(['catalog-conf']);
    expect(idx.search('CAT fat', 10).map((h) => h.name)).toEqual(['catalog-fat-long']);
    expect(idx.size).toBe(5);
    idx.dropCluster('uat');
    expect(idx.size).toBe(4);
    expect(idx.search('  ', 10)).toEqual([]);
  });

  it('finds names with capitals (some kinds allow them) case-insensitively and shows them as they are', () => {
    const idx = new NameIndex();
    const roles = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' };
    idx.replace('fat', roles, 'ClusterRole', [
      { namespace: '', name: 'system:Deployer' },
      { namespace: '', name: 'view' },
    ]);
    expect(idx.search('deployer', 10).map((h) => h.name)).toEqual(['system:Deployer']);
    expect(idx.search('VIEW', 10).map((h) => h.name)).toEqual(['view']);
  });
});
