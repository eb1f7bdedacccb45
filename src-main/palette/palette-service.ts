/**
 * PaletteService: fills a NameIndex from every cluster once (discovery, then one metadata-only
 * paged list per type), on the first search; after that a type is listed again only when its
 * names are older than `refreshMs` and someone searches (incremental: one type at a time in the
 * background, the search answers from what is there).
 */
import type { PaletteHit } from '../../src-shared/palette/contract';
import type { ResourceType } from '../../src-shared/resources/contract';
import type { ClusterService } from '../clusters/cluster-service';
import type { DiscoveredKind } from '../resources/discovery';
import { collectionPath, typeKey } from '../resources/type-watch';
import type { ReflectorTransport } from '../watch/reflector';
import { NameIndex } from './name-index';

/** Metadata only where the server can (every real one); a plain list elsewhere. */
const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1, application/json';
/** Kinds whose names nobody looks up, and which are the most numerous. */
const SKIP = new Set(['events', 'endpoints', 'endpointslices', 'leases', 'replicasets', 'controllerrevisions']);

export interface PaletteServiceOptions {
  refreshMs?: number;
  now?: () => number;
}

export class PaletteService {
  readonly index = new NameIndex();
  private readonly listedAt = new Map<string, number>();
  private readonly running = new Set<string>();
  private pendingClusters = 0;

  constructor(
    private readonly clusters: Pick<ClusterService, 'ids' | 'connection' | 'acquire'>,
    private readonly discover: (clusterId: string) => Promise<DiscoveredKind[] | string>,
    private readonly opts: PaletteServiceOptions = {},
  ) {}

  search(query: string, limit = 50): { hits: PaletteHit[]; indexed: number; pending: number; tookMs: number } {
    this.refresh();
    const t0 = performance.now();
    const hits = this.index.search(query, limit);
    return { hits, indexed: this.index.size, pending: this.pendingClusters, tookMs: performance.now() - t0 };
  }

  /** Start (or continue) indexing the clusters whose names are missing or old. */
  refresh(): void {
    const now = (this.opts.now ?? Date.now)();
    for (const id of this.clusters.ids()) {
      if (this.running.has(id)) continue;
      const at = this.listedAt.get(id);
      if (at !== undefined && now - at < (this.opts.refreshMs ?? 60_000)) continue;
      this.running.add(id);
      this.pendingClusters++;
      void this.indexCluster(id).finally(() => {
        this.running.delete(id);
        this.pendingClusters--;
        this.listedAt.set(id, (this.opts.now ?? Date.now)());
      });
    }
  }

  private async indexCluster(clusterId: string): Promise<void> {
    const release = this.clusters.acquire(clusterId);
    try {
      const conn = this.clusters.connection(clusterId);
      const kinds = await this.discover(clusterId);
      if (!conn || typeof kinds === 'string') return;
      for (const k of kinds) {
        if (SKIP.has(k.resource)) continue;
        const names = await listNames(conn, k);
        if (names) this.index.replace(clusterId, { group: k.group, version: k.version, resource: k.resource }, k.kind, names);
      }
    } finally {
      release();
    }
  }
}

async function listNames(conn: ReflectorTransport, type: ResourceType): Promise<{ namespace: string; name: string }[] | undefined> {
  const out: { namespace: string; name: string }[] = [];
  let cont: string | undefined;
  do {
    const r = await conn.getJson<{ metadata?: { continue?: string }; items?: { metadata?: { name?: string; namespace?: string } }[] }>(
      `${collectionPath(type)}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
      { verb: 'list', resource: typeKey(type), accept: METADATA_ACCEPT },
    );
    if (!r.ok) return out.length ? out : undefined;
    for (const it of r.value.items ?? []) if (it.metadata?.name) out.push({ namespace: it.metadata.namespace ?? '', name: it.metadata.name });
    cont = r.value.metadata?.continue || undefined;
  } while (cont);
  return out;
}
