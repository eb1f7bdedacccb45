import crypto from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX } from '../../src-shared/contract/wire';

/**
 * Who may use browser mode. The server binds 127.0.0.1 only, but any web page the user visits
 * can still reach loopback, so:
 * - Host must name our loopback listener (`127.0.0.1:PORT` or `localhost:PORT`): a page on
 *   evil.example rebinding its DNS name to 127.0.0.1 sends `Host: evil.example`.
 * - Origin (sent by browsers on every WebSocket handshake) must be our own page's origin.
 * - The per-launch token must come with the WebSocket handshake. It travels as a
 *   Sec-WebSocket-Protocol value (`capstan.token.<token>`), not in the URL, so it is never in a
 *   request line, a proxy log or browser history; the server answers with `capstan.v1` only.
 *   The page gets it from the URL fragment printed at launch, which browsers never send.
 */
export const newToken = (): string => crypto.randomBytes(32).toString('base64url');

export const allowedHosts = (port: number): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
export const allowedOrigins = (port: number): string[] => [`http://127.0.0.1:${port}`, `http://localhost:${port}`];

export type Verdict = { ok: true } | { ok: false; reason: string };

const single = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? undefined : v);

export function checkHost(headers: IncomingHttpHeaders, port: number): Verdict {
  const host = single(headers.host)?.toLowerCase();
  if (!host) return { ok: false, reason: 'missing Host header' };
  if (!allowedHosts(port).includes(host))
    return { ok: false, reason: `Host ${JSON.stringify(host.slice(0, 100))} is not this server (DNS rebinding?)` };
  return { ok: true };
}

export function checkOrigin(headers: IncomingHttpHeaders, port: number): Verdict {
  const origin = single(headers.origin)?.toLowerCase();
  if (!origin) return { ok: false, reason: 'missing Origin header' };
  if (!allowedOrigins(port).includes(origin))
    return { ok: false, reason: `Origin ${JSON.stringify(origin.slice(0, 100))} is not this server` };
  return { ok: true };
}

/** Constant-time comparison: hash both sides so lengths match and timing says nothing. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b) && given.length === expected.length;
}

export function offeredProtocols(headers: IncomingHttpHeaders): string[] {
  const raw = single(headers['sec-websocket-protocol']);
  return raw
    ? raw
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
    : [];
}

export function checkToken(headers: IncomingHttpHeaders, token: string): Verdict {
  const protocols = offeredProtocols(headers);
  if (!protocols.includes(WS_PROTOCOL)) return { ok: false, reason: `subprotocol ${WS_PROTOCOL} not offered` };
  const offered = protocols.filter((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
  if (offered.length !== 1) return { ok: false, reason: offered.length === 0 ? 'no token' : 'more than one token' };
  if (!tokensEqual(offered[0]!.slice(WS_TOKEN_PROTOCOL_PREFIX.length), token)) return { ok: false, reason: 'wrong token' };
  return { ok: true };
}

export function checkUpgrade(headers: IncomingHttpHeaders, port: number, token: string): Verdict {
  for (const verdict of [checkHost(headers, port), checkOrigin(headers, port), checkToken(headers, token)]) if (!verdict.ok) return verdict;
  return { ok: true };
}
