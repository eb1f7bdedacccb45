import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { handleApi } from './api';
import { sendErrors, splitPath, type Ctx, type HarborFaults } from './http-util';
import { RegistryV2 } from './registry-v2';
import { ReplicationEngine, type PolicyRec, type ReplicationPeer, type TaskOutcome } from './replication';
import { HarborState, type SandboxUser } from './state';

/**
 * A sandbox Harbor on 127.0.0.1: Harbor API v2.0 subset, OCI /v2/ with the token service, and a
 * replication engine to peer sandbox Harbors.
 *
 *   const east = await startHarbor({ name: 'harbor-east', region: 'east', clockSpeed: 60, users, seed });
 *   east.push('library/app', '1.0');   // → digest; replicates event-based to peers
 *   await east.close();
 */

export interface SeedProject {
  name: string;
  public?: boolean;
  /** repository name without the project → tags (each tag its own image unless `content` given). */
  repositories?: Record<string, string[]>;
}

export interface HarborOptions {
  name: string;
  region: string;
  /** 0 or absent: a free port. */
  port?: number;
  users?: SandboxUser[];
  /** 1 = real time. Replication delays are divided by it. */
  clockSpeed?: number;
  /** PRNG seed of the replication engine (deterministic outcomes). */
  seed?: number;
  failRate?: number;
  stuckRate?: number;
  /** Real-time copy duration range before scaling. */
  replicationDelayMs?: [number, number];
  projects?: SeedProject[];
  /** Peers to replicate to (event-based policy `replicate-to-<peer>`). More with `addPeer()`. */
  peers?: SandboxHarbor[];
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  version?: string;
}

export const defaultUsers: SandboxUser[] = [
  { name: 'admin', password: 'Harbor12345', admin: true },
  { name: 'robot$capstan', password: 'capstan-robot-secret', admin: true },
  { name: 'dev', password: 'dev-password', projects: ['library'] },
];

export interface SandboxHarbor extends ReplicationPeer {
  readonly name: string;
  readonly region: string;
  readonly url: string;
  readonly port: number;
  readonly state: HarborState;
  readonly replication: ReplicationEngine;
  readonly users: SandboxUser[];
  /** Push `repository:tag` (repository includes its project). Returns the digest. */
  push(repository: string, tag: string, content?: string): string;
  addPeer(peer: SandboxHarbor, opts?: { trigger?: PolicyRec['trigger']; nameFilter?: string; policyName?: string }): PolicyRec;
  /** Force the outcomes of the next replication tasks. */
  scriptReplication(...outcomes: TaskOutcome[]): void;
  /** Hold every copy in progress (true) until released (false). */
  pauseReplication(paused: boolean): void;
  setFaults(faults: HarborFaults): void;
  /** Requests served (all paths). */
  readonly stats: { requests: number; apiRequests: number; v2Requests: number; inFlight: number; maxInFlight: number };
  close(): Promise<void>;
}

function basicUser(state: HarborState, req: IncomingMessage): { user?: SandboxUser; bad: boolean } {
  const h = req.headers.authorization;
  if (!h) return { bad: false };
  if (!h.startsWith('Basic ')) return { bad: false };
  const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  const user = i > 0 ? state.user(decoded.slice(0, i), decoded.slice(i + 1)) : undefined;
  return user ? { user, bad: false } : { bad: true };
}

export async function startHarbor(opts: HarborOptions): Promise<SandboxHarbor> {
  const users = opts.users ?? defaultUsers;
  const state = new HarborState(users);
  let faults: HarborFaults = {};
  const stats = { requests: 0, apiRequests: 0, v2Requests: 0, inFlight: 0, maxInFlight: 0 };
  let url = '';
  const env = {
    name: opts.name,
    version: opts.version ?? 'v2.11.1-sandbox',
    state,
    replication: undefined as unknown as ReplicationEngine,
    get url() {
      return url;
    },
  };
  const registry = new RegistryV2(() => url, state);

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.once('close', () => stats.inFlight--);
    const raw = req.url ?? '/';
    const rawPath = raw.split('?')[0] ?? '/';
    const segments = splitPath(rawPath);
    const { user, bad } = basicUser(state, req);
    const ctx: Ctx = { req, res, url: new URL(raw, 'http://sandbox'), segments: segments ?? [], user, badCredentials: bad, faults };
    const isApi = rawPath.startsWith('/api/v2.0/');
    const fail = faults.failNext;
    const serve = async () => {
      if (fail && fail.count > 0 && (fail.path ? fail.path.test(rawPath) : isApi)) {
        fail.count--;
        return sendErrors(ctx, fail.status, 'INTERNAL_SERVER_ERROR', 'injected failure');
      }
      if (!segments) return sendErrors(ctx, 400, 'BAD_REQUEST', 'invalid path encoding');
      if (isApi) {
        stats.apiRequests++;
        return handleApi(ctx, env, segments.slice(2));
      }
      if (rawPath === '/v2' || rawPath.startsWith('/v2/')) {
        stats.v2Requests++;
        return registry.handle(ctx, rawPath === '/v2' ? '/v2/' : rawPath);
      }
      if (rawPath === '/service/token') return registry.token(ctx);
      return sendErrors(ctx, 404, 'NOT_FOUND', 'not found');
    };
    const delayed = faults.delayMs && (faults.delayPath ? faults.delayPath.test(rawPath) : isApi) ? faults.delayMs : 0;
    const run = () =>
      serve().catch((e: unknown) => {
        if (!res.headersSent) sendErrors(ctx, 500, 'INTERNAL_SERVER_ERROR', e instanceof Error ? e.message : 'error');
        else res.destroy();
      });
    if (delayed) {
      const t = setTimeout(run, delayed);
      res.on('close', () => clearTimeout(t));
    } else void run();
  };

  const server: Server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : createHttpServer(handler);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const replication = new ReplicationEngine(state, {
    clockSpeed: opts.clockSpeed ?? 1,
    seed: opts.seed ?? 42,
    failRate: opts.failRate,
    stuckRate: opts.stuckRate,
    delayMs: opts.replicationDelayMs,
  });
  env.replication = replication;

  const harbor: SandboxHarbor = {
    name: opts.name,
    region: opts.region,
    url,
    port,
    state,
    replication,
    users,
    stats,
    push(repository, tag, content) {
      const art = state.push(repository, tag, content);
      replication.onPush(repository, tag, art.manifest.digest);
      return art.manifest.digest;
    },
    receive(repository, tag, digest) {
      // A replicated copy does not trigger this Harbor's own event-based policies (no loops).
      state.push(repository, tag, digest);
    },
    addPeer: (peer, o) => replication.addPeer(peer, o),
    scriptReplication: (...outcomes) => replication.script(...outcomes),
    pauseReplication: (paused) => {
      replication.paused = paused;
    },
    setFaults(f) {
      faults = f;
    },
    close: async () => {
      replication.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  for (const p of opts.projects ?? []) {
    state.ensureProject(p.name, p.public ?? false);
    for (const [repo, tags] of Object.entries(p.repositories ?? {})) for (const tag of tags) state.push(`${p.name}/${repo}`, tag);
  }
  for (const peer of opts.peers ?? []) harbor.addPeer(peer);
  return harbor;
}

export interface RegionsOptions extends Omit<HarborOptions, 'name' | 'region' | 'peers' | 'port'> {
  /** Region names; Harbors are named `harbor-<region>`. Default east, west. */
  regions?: string[];
  /** The region where CI pushes; it replicates event-based to every other region. Default: the first. */
  source?: string;
  /** Seed the source only (default) or every region with the same images (already in sync). */
  seedEverywhere?: boolean;
}

/**
 * One Harbor per region, the source replicating to the others (what `startDatacenter()` calls).
 * Seeded projects go to the source; with `seedEverywhere`, to every region (in sync at start).
 */
export async function startHarborRegions(
  opts: RegionsOptions = {},
): Promise<{ harbors: SandboxHarbor[]; source: SandboxHarbor; close(): Promise<void> }> {
  const regions = opts.regions ?? ['east', 'west'];
  const sourceRegion = opts.source ?? regions[0]!;
  const harbors: SandboxHarbor[] = [];
  for (const [i, region] of regions.entries()) {
    const seeded = opts.seedEverywhere || region === sourceRegion;
    harbors.push(
      await startHarbor({
        ...opts,
        name: `harbor-${region}`,
        region,
        seed: (opts.seed ?? 42) + i,
        projects: seeded ? opts.projects : opts.projects?.map((p) => ({ name: p.name, public: p.public })),
      }),
    );
  }
  const source = harbors.find((h) => h.region === sourceRegion)!;
  for (const h of harbors) if (h !== source) source.addPeer(h);
  return { harbors, source, close: async () => void (await Promise.all(harbors.map((h) => h.close()))) };
}
