/**
 * The one image reference, after the distribution reference grammar
 * (github.com/distribution/reference, `reference.go` and `normalize.go`):
 *
 *   reference := name [ ":" tag ] [ "@" digest ]
 *   name      := [ domain "/" ] path
 *   domain    := host [ ":" port ]        path := component ( "/" component )*
 *   component := [a-z0-9]+ ( ( [._] | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag       := [\w][\w.-]{0,127}        digest := algorithm ":" hex
 *
 * The first part of a name is a registry host when it holds a dot or a port, is `localhost`, or has
 * an upper-case letter (paths never do). Docker Hub is the one registry with a default namespace:
 * a reference without a host (or with `docker.io` / `index.docker.io`) and a one-part path means
 * `library/<path>`, as `docker pull redis` pulls `library/redis`. Every other registry's path is
 * taken as written (a Harbor's `app` is not its `library/app`).
 */

export interface ImageRef {
  /** The registry host as written (`harbor.example.com:8443`), undefined when the reference names none. */
  registry?: string;
  /** The repository inside the registry, `library/` added for Docker Hub's one-part names. */
  repository: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const PATH_SRC = `${COMPONENT}(?:/${COMPONENT})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST_SRC = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH = new RegExp(`^${PATH_SRC}$`);
const HOST = new RegExp(`^${HOST_SRC}$`);
/** A tag (also what forms validate with). */
export const TAG_RE = /^[\w][\w.-]{0,127}$/;
/** A name, `[host[:port]/]path`: the grammar's NameRegexp (a first part may read as host or path). */
export const NAME_RE = new RegExp(`^(?:${HOST_SRC}/)?${PATH_SRC}$`);
/** A digest, `algorithm:hex`, algorithm as the OCI image spec writes it (descriptor.md); see isDigest for lengths. */
export const DIGEST_RE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;
/** Registered algorithms have fixed lengths (OCI image spec, descriptor.md). */
const DIGEST_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
const NAME_MAX = 255;

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);

/** Is the first part of a name a registry host? (See the module comment.) */
const isHost = (first: string): boolean =>
  first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();

/** `harbor.example.com/shop/orders` → {registry: 'harbor.example.com', path: 'shop/orders'}; no tag or digest handling. */
export function splitRegistry(name: string): { registry?: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  return first && isHost(first) ? { registry: first, path: name.slice(slash + 1) } : { path: name };
}

/** The reference without its tag and digest: `host/shop/orders:1@sha256:…` → `host/shop/orders`. */
export function imageName(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(0, colon) : noDigest;
}

/** The tag a reference names, `latest` when it names none (as a runtime pulls). */
export function imageTag(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(colon + 1) : 'latest';
}

/** The registry host of an image, lower-case (`harbor-east.example.com` of `harbor-east.example.com/shop/orders:1.0`), if it names one. */
export const imageHost = (image: string): string | undefined => splitRegistry(imageName(image.trim())).registry?.toLowerCase();

/** Is this host Docker Hub? */
export const isDockerHub = (registry: string | undefined): boolean =>
  registry === undefined || DOCKER_HUB_ALIASES.has(registry.toLowerCase());

/** The repository a path means in a registry: Docker Hub's one-part names live in `library/`. */
export const canonicalRepository = (registry: string | undefined, path: string): string =>
  isDockerHub(registry) && !path.includes('/') ? `library/${path}` : path;

/** Parse `[registry/]path[:tag][@digest]`; undefined when it breaks the grammar. */
export function parseImageRef(ref: string): ImageRef | undefined {
  const text = ref.trim();
  if (!text) return undefined;
  const at = text.indexOf('@');
  const digest = at >= 0 ? text.slice(at + 1) : undefined;
  const name = imageName(text);
  const beforeDigest = at >= 0 ? text.slice(0, at) : text;
  const tag = beforeDigest.length > name.length ? beforeDigest.slice(name.length + 1) : undefined;
  if (name.length > NAME_MAX) return undefined;
  const { registry, path } = splitRegistry(name);
  if (registry !== undefined && !HOST.test(registry)) return undefined;
  if (!PATH.test(path)) return undefined;
  if (tag !== undefined && !TAG_RE.test(tag)) return undefined;
  if (digest !== undefined && !isDigest(digest)) return undefined;
  return {
    ...(registry !== undefined ? { registry } : {}),
    repository: canonicalRepository(registry, path),
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** A digest of the grammar, with the exact length of a registered algorithm (sha256: 64 lower-case hex digits). */
export function isDigest(digest: string): boolean {
  if (!DIGEST_RE.test(digest)) return false;
  const [algorithm, hex] = digest.split(':') as [string, string];
  const length = DIGEST_LENGTH[algorithm];
  return length === undefined || (hex.length === length && hex === hex.toLowerCase());
}

/** The key an image has in the sync matrix and its priority set: `repository:tag`, or the repository alone. */
export const imageRefKey = (ref: ImageRef): string => (ref.tag ? `${ref.repository}:${ref.tag}` : ref.repository);
