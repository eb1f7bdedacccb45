/**
 * Request bodies for the endpoints whose answer does not need the body's content (evictions,
 * access reviews): the API server's decoder reads JSON and protobuf (which kubectl's typed clients
 * send); without one, JSON is parsed and anything else is passed on as undefined.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from './status';

export type BodyDecoder = (contentType: string, raw: Buffer) => unknown;

const MAX_BODY = 1024 * 1024;

export function readOptionalBody(req: IncomingMessage, decode?: BodyDecoder): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const type = req.headers['content-type'] ?? '';
      if (raw.length === 0) return resolve(undefined);
      if (decode) {
        try {
          return resolve(decode(type, raw));
        } catch (e) {
          return reject(e);
        }
      }
      if (!/json/.test(type)) return resolve(undefined);
      try {
        resolve(JSON.parse(raw.toString('utf8')));
      } catch {
        reject(new ApiError(400, 'BadRequest', 'the request body is not valid JSON'));
      }
    });
  });
}
