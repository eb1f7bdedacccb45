import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageSyncService } from '../../src-main/images/image-sync-service';
import { pushImage } from '../fixtures/oci/push';
import { skopeo, startRegistry, type RealRegistry } from '../fixtures/oci/registry';

/** Base-image lineage from two real registries: annotations and config history, checked with skopeo. */

let east: RealRegistry;
let west: RealRegistry;
beforeAll(async () => {
  [east, west] = await Promise.all([startRegistry(), startRegistry()]);
});
afterAll(async () => {
  await Promise.all([east?.stop(), west?.stop()]);
});

const jdk = (digest: string) => ({
  'org.opencontainers.image.base.name': 'eclipse-temurin:17-jre',
  'org.opencontainers.image.base.digest': digest,
});
const OLD = `sha256:${'1'.repeat(64)}`;
const NEW = `sha256:${'2'.repeat(64)}`;

describe('base-image lineage', () => {
  it('which apps run on which base image, in every region; history as skopeo reads it', async () => {
    const history = ['ADD rootfs.tar /', 'ENV JAVA_HOME=/opt/java', 'COPY app.jar /app.jar'];
    await Promise.all(
      [east, west].flatMap((r) => [
        pushImage(r.url, { repository: 'shop/orders', tag: '1.4', seed: 'orders-1.4', annotations: jdk(OLD), history }),
        pushImage(r.url, { repository: 'shop/cart', tag: '2.0', seed: 'cart-2.0', annotations: jdk(NEW), history }),
      ]),
    );
    await pushImage(east.url, { repository: 'shop/legacy', tag: '0.9', seed: 'legacy-0.9' });
    const svc = new ImageSyncService({ secrets: { get: () => undefined, put: () => undefined } });
    await svc.init();
    await svc.addRegistry({ name: 'east', kind: 'oci', url: east.url, region: 'east' });
    await svc.addRegistry({ name: 'west', kind: 'oci', url: west.url, region: 'west' });
    // What the clusters run (the default subject of the report).
    svc.setContextImages([`${east.host}/shop/orders:1.4`, `${west.host}/shop/cart:2.0`, 'shop/legacy:0.9'], []);
    const r = await svc.lineage();
    if (!r.ok) throw new Error(r.error.message);
    // Grouped by base name, then by base digest: the app still on the old JDK build stands out.
    expect(r.value.bases.map((b) => [b.baseName, b.baseDigest, b.images.map((i) => `${i.repository}:${i.tag}@${i.region}`)])).toEqual([
      ['eclipse-temurin:17-jre', OLD, ['shop/orders:1.4@east', 'shop/orders:1.4@west']],
      ['eclipse-temurin:17-jre', NEW, ['shop/cart:2.0@east', 'shop/cart:2.0@west']],
    ]);
    expect(r.value.unannotated.map((i) => `${i.repository}:${i.tag}@${i.region}`)).toEqual(['shop/legacy:0.9@east']);
    const config = JSON.parse(await skopeo('inspect', '--config', '--tls-verify=false', `docker://${east.host}/shop/orders:1.4`)) as {
      history: { created_by: string }[];
    };
    expect(r.value.bases.flatMap((b) => b.images).find((i) => i.repository === 'shop/orders')?.history).toEqual(
      config.history.map((h) => h.created_by),
    );
    const digest = (JSON.parse(await skopeo('inspect', '--tls-verify=false', `docker://${west.host}/shop/cart:2.0`)) as { Digest: string })
      .Digest;
    expect(r.value.bases.flatMap((b) => b.images).find((i) => i.repository === 'shop/cart' && i.region === 'west')?.digest).toBe(digest);
    svc.dispose();
  });
});
