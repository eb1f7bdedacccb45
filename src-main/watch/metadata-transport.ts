import type { ReflectorTransport } from './reflector';

/**
 * Metadata only where the server can (every real one), plain JSON elsewhere: lists as
 * PartialObjectMetadataList, watch events as PartialObjectMetadata (as client-go's metadata
 * informer asks; the server refuses the list form for single objects).
 */
const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json';
const METADATA_ONE = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1, application/json';
export const metadataTransport = (conn: ReflectorTransport): ReflectorTransport => ({
  getJson: (path, o) => conn.getJson(path, { ...o, accept: o?.verb === 'watch' ? METADATA_ONE : METADATA_LIST }),
  openStream: (path, o) => conn.openStream(path, { ...o, accept: o?.verb === 'watch' ? METADATA_ONE : METADATA_LIST }),
});
