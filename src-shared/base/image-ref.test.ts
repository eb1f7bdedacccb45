import { describe, expect, it } from 'vitest';
import {
  canonicalRepository,
  imageName,
  imageRefKey,
  imageTag,
  isDigest,
  isDockerHub,
  NAME_RE,
  parseImageRef,
  splitRegistry,
  TAG_RE,
} from './image-ref';

const d = `sha256:${'a'.repeat(64)}`;

describe('parseImageRef', () => {
  it('gives Docker Hub one-part names their library/ namespace, with or without the hub host', () => {
    expect(parseImageRef('redis')).toEqual({ repository: 'library/redis' });
    expect(parseImageRef('redis:7')).toEqual({ repository: 'library/redis', tag: '7' });
    expect(parseImageRef('docker.io/redis:7')).toEqual({ registry: 'docker.io', repository: 'library/redis', tag: '7' });
    expect(parseImageRef('index.docker.io/redis')).toEqual({ registry: 'index.docker.io', repository: 'library/redis' });
    expect(parseImageRef('library/redis:7')).toEqual({ repository: 'library/redis', tag: '7' });
    expect(parseImageRef('bitnami/redis')).toEqual({ repository: 'bitnami/redis' });
    expect(parseImageRef('docker.io/bitnami/redis')).toEqual({ registry: 'docker.io', repository: 'bitnami/redis' });
  });

  it('takes other registries’ paths as written', () => {
    expect(parseImageRef('localhost/app')).toEqual({ registry: 'localhost', repository: 'app' });
    expect(parseImageRef('localhost:5000/app:1')).toEqual({ registry: 'localhost:5000', repository: 'app', tag: '1' });
    expect(parseImageRef('harbor.example.com:8443/library/app:1.0')).toEqual({
      registry: 'harbor.example.com:8443',
      repository: 'library/app',
      tag: '1.0',
    });
    expect(parseImageRef('harbor-east.sandbox.local/shop/orders:1.4.2')).toMatchObject({ repository: 'shop/orders', tag: '1.4.2' });
    expect(parseImageRef('10.0.0.1:5000/team/a/b')).toMatchObject({ registry: '10.0.0.1:5000', repository: 'team/a/b' });
    expect(parseImageRef('[::1]:5000/app')).toMatchObject({ registry: '[::1]:5000', repository: 'app' });
    // An upper-case first part can only be a host (paths are lower-case).
    expect(parseImageRef('Registry/app')).toMatchObject({ registry: 'Registry', repository: 'app' });
  });

  it('reads tags and digests, alone or together', () => {
    expect(parseImageRef(`library/app@${d}`)).toEqual({ repository: 'library/app', digest: d });
    expect(parseImageRef(`host:5000/a/b:2@${d}`)).toEqual({ registry: 'host:5000', repository: 'a/b', tag: '2', digest: d });
    expect(parseImageRef('app:v1.2_rc-3')).toMatchObject({ tag: 'v1.2_rc-3' });
    expect(parseImageRef(`app@sha512:${'b'.repeat(128)}`)).toMatchObject({ digest: `sha512:${'b'.repeat(128)}` });
    // A host with a port and no path is a one-part name with a tag, as the grammar reads it.
    expect(parseImageRef('host:5000')).toEqual({ repository: 'library/host', tag: '5000' });
    expect(parseImageRef('  app:1 ')).toEqual({ repository: 'library/app', tag: '1' });
  });

  it('accepts the separators of the grammar and nothing else', () => {
    for (const ok of ['a.b/c_d', 'a__b', 'a---b', 'x/a-b.c_d/e']) expect(parseImageRef(ok), ok).toBeDefined();
    for (const bad of ['Bad/Name', 'app/Bad', 'a..b', 'a___b', '-a', 'a-', 'a//b', '/a', 'a/', '.a', 'a_.b'])
      expect(parseImageRef(bad), bad).toBeUndefined();
  });

  it('refuses broken tags, digests, hosts and lengths', () => {
    for (const bad of [
      '',
      '   ',
      'app:',
      'app:.x',
      `app:${'t'.repeat(129)}`,
      'app@',
      'app@sha256:short',
      `app@sha256:${'a'.repeat(63)}`,
      `app@sha256:${'A'.repeat(64)}`,
      'app@md5',
      'app:1@',
      'bad_host.com/app',
      'host-.com/app',
      `${'a'.repeat(256)}`,
    ]) {
      expect(parseImageRef(bad), bad).toBeUndefined();
    }
    expect(parseImageRef(`app:${'t'.repeat(128)}`)).toBeDefined();
    // Unregistered algorithms keep the grammar's minimum of 32 hex digits.
    expect(parseImageRef(`app@foo+bar:${'c'.repeat(32)}`)).toBeDefined();
  });
});

describe('name parts', () => {
  it('splitRegistry applies the host rule without tags', () => {
    expect(splitRegistry('harbor.example.com/shop/orders')).toEqual({ registry: 'harbor.example.com', path: 'shop/orders' });
    expect(splitRegistry('localhost/app')).toEqual({ registry: 'localhost', path: 'app' });
    expect(splitRegistry('shop/orders')).toEqual({ path: 'shop/orders' });
    expect(splitRegistry('orders')).toEqual({ path: 'orders' });
  });

  it('imageName drops tag and digest, never a port', () => {
    expect(imageName(`localhost:5000/shop/orders:1.2.3@${d}`)).toBe('localhost:5000/shop/orders');
    expect(imageName('localhost:5000/shop/orders')).toBe('localhost:5000/shop/orders');
    expect(imageName('orders:1')).toBe('orders');
  });

  it('imageTag defaults to latest', () => {
    expect(imageTag('localhost:5000/shop/orders:1.2.3@sha256:abc')).toBe('1.2.3');
    expect(imageTag('localhost:5000/shop/orders')).toBe('latest');
    expect(imageTag(`orders@${d}`)).toBe('latest');
  });

  it('library/ is Docker Hub’s alone', () => {
    expect(isDockerHub(undefined)).toBe(true);
    expect(isDockerHub('Docker.IO')).toBe(true);
    expect(isDockerHub('harbor.example.com')).toBe(false);
    expect(canonicalRepository(undefined, 'redis')).toBe('library/redis');
    expect(canonicalRepository('harbor.example.com', 'redis')).toBe('redis');
    expect(canonicalRepository(undefined, 'team/redis')).toBe('team/redis');
  });

  it('imageRefKey is the matrix key', () => {
    expect(imageRefKey(parseImageRef('redis:7')!)).toBe('library/redis:7');
    expect(imageRefKey(parseImageRef('harbor.example.com/team/svc')!)).toBe('team/svc');
  });
});

describe('form patterns', () => {
  it('NAME_RE is the grammar for a name without tag or digest', () => {
    for (const ok of ['orders', 'shop/orders', 'harbor.example.com:8443/shop/orders', 'localhost/a', 'Registry/app', '[::1]:5000/app'])
      expect(NAME_RE.test(ok), ok).toBe(true);
    for (const bad of ['shop/Orders', 'orders:1', `orders@${d}`, 'a..b', '/a', 'host:5000']) expect(NAME_RE.test(bad), bad).toBe(false);
  });

  it('isDigest holds registered algorithms to their length', () => {
    expect(isDigest(d)).toBe(true);
    expect(isDigest(`sha256:${'a'.repeat(40)}`)).toBe(false);
    expect(isDigest(`sha256:${'A'.repeat(64)}`)).toBe(false);
    expect(isDigest(`sha512:${'b'.repeat(128)}`)).toBe(true);
    expect(isDigest(`blake3:${'c'.repeat(32)}`)).toBe(true);
    expect(isDigest('sha256')).toBe(false);
    expect(TAG_RE.test('1.2.3')).toBe(true);
  });
});
