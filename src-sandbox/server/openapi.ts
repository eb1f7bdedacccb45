/**
 * /openapi/v3 discovery and documents, served from the official 1.35 documents shipped in
 * src-sandbox/openapi/. Loaded on first request (2.9 MB) and kept.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { OPENAPI_DOCUMENTS as DOCS, readOpenApiDocument } from '../openapi/documents';
import { sendJson, sendStatus } from './status';

const cache = new Map<string, { body: string; hash: string }>();

function load(path: string): { body: string; hash: string } | undefined {
  const file = DOCS[path];
  if (!file) return undefined;
  let doc = cache.get(path);
  if (!doc) {
    const body = readOpenApiDocument(file);
    doc = { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() };
    cache.set(path, doc);
  }
  return doc;
}

/** Handles /openapi/v3 and /openapi/v3/<group-version>; false when the path is not ours. */
export function handleOpenApi(res: ServerResponse, pathname: string): boolean {
  if (pathname === '/openapi/v3') {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const p of Object.keys(DOCS)) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${load(p)!.hash}` };
    sendJson(res, 200, { paths });
    return true;
  }
  if (!pathname.startsWith('/openapi/')) return false;
  const doc = pathname.startsWith('/openapi/v3/') ? load(pathname.slice('/openapi/v3/'.length)) : undefined;
  if (!doc) {
    sendStatus(res, 404, 'NotFound', 'the server could not find the requested resource');
    return true;
  }
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(doc.body),
    'Cache-Control': 'public, immutable',
    Etag: `"${doc.hash}"`,
  });
  res.end(doc.body);
  return true;
}
