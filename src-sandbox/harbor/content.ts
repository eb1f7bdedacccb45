import { createHash } from 'node:crypto';

/**
 * Content-addressed OCI objects for the sandbox Harbors. Every image is a real OCI image manifest
 * (config + one layer), so digests are sha256 of the bytes served, as real clients check.
 * One store per process: replication between sandbox Harbors copies references, not bytes.
 */

export const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface StoredManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
  /** Sum of config and layer sizes plus the manifest (Harbor's artifact size). */
  size: number;
}

const blobs = new Map<string, Buffer>();
const manifests = new Map<string, StoredManifest>();

export const getBlob = (digest: string) => blobs.get(digest);
export const getManifest = (digest: string) => manifests.get(digest);

function putBlob(b: Buffer): string {
  const d = sha256(b);
  blobs.set(d, b);
  return d;
}

/**
 * A tiny image whose content depends only on `seed` (same seed → same digest in every region).
 * The layer is a gzip-free tar-like payload: registries never unpack it.
 */
export function makeImage(seed: string): StoredManifest {
  const layer = Buffer.from(`capstan sandbox layer\nseed=${seed}\n`.padEnd(512, '.'));
  const layerDigest = putBlob(layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'capstan.sandbox.seed': seed } },
      rootfs: { type: 'layers', diff_ids: [layerDigest] },
      history: [{ created_by: 'capstan sandbox' }],
    }),
  );
  const configDigest = putBlob(config);
  const body = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
    }),
  );
  const m: StoredManifest = {
    digest: sha256(body),
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    body,
    size: body.length + config.length + layer.length,
  };
  manifests.set(m.digest, m);
  return m;
}

/** What a registry that ignores Accept might send instead: a schema1 manifest. */
export function schema1For(name: string, tag: string): { body: Buffer; mediaType: string; digest: string } {
  const body = Buffer.from(
    JSON.stringify({ schemaVersion: 1, name, tag, architecture: 'amd64', fsLayers: [], history: [], signatures: [] }, null, 3),
  );
  return { body, mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws', digest: sha256(body) };
}
