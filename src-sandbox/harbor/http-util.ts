import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { parseQuery, type QueryTerm } from '../../src-shared/images/registry-api';
import type { SandboxUser } from './state';

/** Fault injection for tests and demos, set with `harbor.setFaults()`. */
export interface HarborFaults {
  /** The next `count` requests whose path matches (default: every /api/ path) answer `status`. */
  failNext?: { count: number; status: number; path?: RegExp };
  /** Delay responses on matching paths (default every /api/ path) by this many ms. */
  delayMs?: number;
  delayPath?: RegExp;
  /** JSON responses on matching paths are cut short (malformed). */
  malformedJson?: RegExp;
  /** Paged lists on matching paths always announce a next page (pagination that never ends). */
  endlessPaging?: RegExp;
  /** The /v2 manifest endpoint ignores Accept and returns a schema1 manifest without a digest header. */
  ignoreAccept?: boolean;
  /** Components reported unhealthy by /health. */
  unhealthy?: string[];
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path segments after decoding the raw path once (a doubly encoded name keeps one level). */
  segments: string[];
  user?: SandboxUser;
  /** An Authorization header was sent and did not match a user. */
  badCredentials: boolean;
  faults: HarborFaults;
}

export function sendJson(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}) {
  let text = JSON.stringify(body);
  if (ctx.faults.malformedJson?.test(ctx.url.pathname)) text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  ctx.res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-Id': randomUUID(), ...headers });
  ctx.res.end(text);
}

export function sendErrors(ctx: Ctx, status: number, code: string, message: string, headers: Record<string, string> = {}) {
  ctx.res.writeHead(status, { 'Content-Type': 'application/json', 'X-Request-Id': randomUUID(), ...headers });
  ctx.res.end(JSON.stringify({ errors: [{ code, message }] }));
}

/** Harbor's paging: `page` (from 1), `page_size` (default 10, max 100), X-Total-Count, Link prev/next. */
export function sendPaged<T>(ctx: Ctx, items: T[], render: (t: T) => unknown) {
  const page = Number(ctx.url.searchParams.get('page') ?? '1');
  const pageSize = Number(ctx.url.searchParams.get('page_size') ?? '10');
  if (!Number.isInteger(page) || page < 1)
    return sendErrors(ctx, 422, 'UNPROCESSABLE_ENTITY', 'page in query should be greater than or equal to 1');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
    return sendErrors(ctx, 422, 'UNPROCESSABLE_ENTITY', 'page_size in query should be less than or equal to 100');
  const endless = ctx.faults.endlessPaging?.test(ctx.url.pathname) ?? false;
  const total = items.length;
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const start = endless ? ((page - 1) % lastPage) * pageSize : (page - 1) * pageSize;
  const slice = items.slice(start, start + pageSize);
  const link = (p: number) => {
    const u = new URL(ctx.url.pathname + ctx.url.search, 'http://x');
    u.searchParams.set('page', String(p));
    u.searchParams.set('page_size', String(pageSize));
    return `<${u.pathname}${u.search}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${link(page - 1)}; rel="prev"`);
  if (endless || page < lastPage) links.push(`${link(page + 1)}; rel="next"`);
  const headers: Record<string, string> = { 'X-Total-Count': String(endless ? total * 1000 : total) };
  if (links.length) headers.Link = links.join(' , ');
  sendJson(ctx, 200, slice.map(render), headers);
}

type Row = Record<string, unknown>;

function termMatches(row: Row, t: QueryTerm): boolean {
  const v = row[t.key];
  // Artifacts: tags=*, tags=nil, tags=~v, tags=v (swagger: listArtifacts description).
  if (t.key === 'tags' && Array.isArray(v)) {
    const names = v.map((x) => String((x as Row).name));
    if (t.op === 'eq') return t.value === '*' ? names.length > 0 : t.value === 'nil' ? names.length === 0 : names.includes(String(t.value));
    if (t.op === 'fuzzy') return names.some((n) => n.includes(t.value));
    return false;
  }
  if (v === undefined) return false;
  const s = String(v);
  const cmp = (a: string, b: string | number) =>
    typeof v === 'number' ? Number(a) - Number(b) : a < String(b) ? -1 : a > String(b) ? 1 : 0;
  switch (t.op) {
    case 'eq':
      return s === String(t.value);
    case 'fuzzy':
      return s.includes(t.value);
    case 'range':
      return (t.min === undefined || cmp(s, t.min) >= 0) && (t.max === undefined || cmp(s, t.max) <= 0);
    case 'union':
      return t.values.some((x) => String(x) === s);
    case 'intersection':
      return t.values.every((x) => String(x) === s);
  }
}

/** Apply `q` and `sort` to rendered rows. Returns undefined (and answers 400) when q is invalid. */
export function queryRows<T extends Row>(ctx: Ctx, rows: T[], defaultSort?: string): T[] | undefined {
  const q = ctx.url.searchParams.get('q');
  let out = rows;
  if (q) {
    const terms = parseQuery(q);
    if (!terms) {
      sendErrors(ctx, 400, 'BAD_REQUEST', `invalid query string: ${q}`);
      return undefined;
    }
    out = out.filter((r) => terms.every((t) => termMatches(r, t)));
  }
  const sort = ctx.url.searchParams.get('sort') ?? defaultSort;
  if (sort) {
    const keys = sort.split(',').map((k) => (k.startsWith('-') ? { key: k.slice(1), dir: -1 } : { key: k, dir: 1 }));
    out = [...out].sort((a, b) => {
      for (const { key, dir } of keys) {
        const x = a[key] as string | number;
        const y = b[key] as string | number;
        if (x < y) return -dir;
        if (x > y) return dir;
      }
      return 0;
    });
  }
  return out;
}

export async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Decode the raw path once and split; a doubly encoded `a%252Fb` becomes the segment `a%2Fb`. */
export function splitPath(rawPath: string): string[] | undefined {
  try {
    return decodeURIComponent(rawPath).split('/').filter(Boolean);
  } catch {
    return undefined;
  }
}
