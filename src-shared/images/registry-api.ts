/**
 * Pure helpers for the Harbor API v2.0 and the OCI distribution API, shared by the main-process
 * clients and the sandbox Harbor (so both sides agree on the wire format, and tests check it).
 */

/** One term of Harbor's `q=` query. */
export type QueryTerm =
  | { key: string; op: 'eq'; value: string | number }
  | { key: string; op: 'fuzzy'; value: string }
  | { key: string; op: 'range'; min?: string | number; max?: string | number }
  | { key: string; op: 'union'; values: (string | number)[] }
  | { key: string; op: 'intersection'; values: (string | number)[] };

const keyPattern = /^[A-Za-z0-9_.]+$/;

/** A value may not contain the characters that delimit terms; quote strings that hold spaces. */
function queryValue(v: string | number): string {
  if (typeof v === 'number') return String(v);
  if (/[,{}[\]()~=]/.test(v)) throw new Error(`q= value ${JSON.stringify(v)} contains a reserved character`);
  return /\s/.test(v) ? `"${v.replace(/"/g, '')}"` : v;
}

/**
 * Build Harbor's `q` parameter: `k=v,k=~v,k=[a~b],k={a b},k=(a b)` (swagger: parameters.query).
 * The caller URL-encodes the result once, as any query parameter.
 */
export function buildQuery(terms: QueryTerm[]): string {
  return terms
    .map((t) => {
      if (!keyPattern.test(t.key)) throw new Error(`q= key ${JSON.stringify(t.key)} is not valid`);
      switch (t.op) {
        case 'eq':
          return `${t.key}=${queryValue(t.value)}`;
        case 'fuzzy':
          return `${t.key}=~${queryValue(t.value)}`;
        case 'range':
          return `${t.key}=[${t.min === undefined ? '' : queryValue(t.min)}~${t.max === undefined ? '' : queryValue(t.max)}]`;
        case 'union':
          return `${t.key}={${t.values.map(queryValue).join(' ')}}`;
        case 'intersection':
          return `${t.key}=(${t.values.map(queryValue).join(' ')})`;
      }
    })
    .join(',');
}

const unquote = (s: string) => s.replace(/^["'](.*)["']$/, '$1');

/** Parse a `q` parameter back into terms (used by the sandbox Harbor). Returns undefined when invalid. */
export function parseQuery(q: string): QueryTerm[] | undefined {
  const terms: QueryTerm[] = [];
  // Split on commas that are not inside brackets.
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of q) {
    if ('[{('.includes(ch)) depth++;
    if (']})'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur) parts.push(cur);
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const key = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    if (!keyPattern.test(key)) return undefined;
    if (raw.startsWith('~')) terms.push({ key, op: 'fuzzy', value: unquote(raw.slice(1)) });
    else if (raw.startsWith('[') && raw.endsWith(']')) {
      const [min, max] = raw.slice(1, -1).split('~');
      if (max === undefined) return undefined;
      terms.push({ key, op: 'range', min: min ? unquote(min) : undefined, max: max ? unquote(max) : undefined });
    } else if (raw.startsWith('{') && raw.endsWith('}')) {
      terms.push({ key, op: 'union', values: raw.slice(1, -1).split(/\s+/).filter(Boolean).map(unquote) });
    } else if (raw.startsWith('(') && raw.endsWith(')')) {
      terms.push({ key, op: 'intersection', values: raw.slice(1, -1).split(/\s+/).filter(Boolean).map(unquote) });
    } else terms.push({ key, op: 'eq', value: unquote(raw) });
  }
  return terms;
}

/**
 * Harbor wants a repository name (without its project) URL-encoded twice when it holds a slash:
 * `a/b` → `a%2Fb` → `a%252Fb` (swagger: parameters.repositoryName).
 */
export const encodeRepositoryName = (name: string): string => encodeURIComponent(encodeURIComponent(name));

/** Split Harbor's full repository name `project/a/b` into project and the rest. */
export function splitRepository(full: string): { project: string; repository: string } {
  const i = full.indexOf('/');
  if (i <= 0) return { project: 'library', repository: full };
  return { project: full.slice(0, i), repository: full.slice(i + 1) };
}

/** Parse an RFC 8288 `Link` header into rel → URL (relative URLs are returned as given). */
export function parseLinkHeader(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const m of header.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]+)*)/g)) {
    const url = m[1] ?? '';
    const rel = /rel="?([^";,]+)"?/.exec(m[2] ?? '')?.[1];
    if (rel) for (const r of rel.split(/\s+/)) out[r] = url;
  }
  return out;
}

/** Accept list for manifest requests: OCI index, Docker manifest list, OCI manifest, Docker manifest v2. */
export const manifestMediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerV2: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;
export const manifestAccept = Object.values(manifestMediaTypes).join(', ');
export const supportedManifestTypes: readonly string[] = Object.values(manifestMediaTypes);

export const digestPattern = /^sha256:[a-f0-9]{64}$/;

/** The image reference lives in the base layer; re-exported for the sandbox Harbor's seeding. */
export { parseImageRef } from '../base/image-ref';
