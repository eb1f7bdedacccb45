/**
 * The HTTP clients of each configured registry (an OciClient, and a HarborClient for a Harbor),
 * made on first use with the registry's settings and dropped when the registry changes. The
 * secret is read from the vault per request, never kept here.
 */
import { HarborClient } from './harbor-client';
import { readSecret, type RegistryError, type SecretStore } from './http';
import { OciClient } from './oci-client';
import type { RegistryConfig } from './registry-config';
import type { AppError } from '../../src-shared/result';

export interface Clients {
  harbor?: HarborClient;
  oci: OciClient;
}

export interface RegistryClientOptions {
  secrets: SecretStore;
  /** Requests in flight per registry (default 8). */
  concurrency?: number;
  timeoutMs?: number;
  retries?: number;
  retryBaseMs?: number;
}

/** A registry error as the renderer may see it: code, message and status only. */
export const strip = (e: RegistryError): AppError => ({
  code: e.code,
  message: e.message,
  ...(e.status !== undefined ? { status: e.status } : {}),
});

export class RegistryClients {
  private readonly clients = new Map<string, Clients>();

  constructor(private readonly opts: RegistryClientOptions) {}

  for(r: RegistryConfig): Clients {
    let c = this.clients.get(r.id);
    if (!c) {
      const common = {
        registryName: r.name,
        url: r.url,
        username: r.username,
        secret: r.secretKey ? () => readSecret(this.opts.secrets, r.secretKey!) : undefined,
        pinnedFingerprint: r.pinnedFingerprint,
        concurrency: this.opts.concurrency ?? 8,
        timeoutMs: this.opts.timeoutMs,
        retries: this.opts.retries,
        retryBaseMs: this.opts.retryBaseMs,
      };
      c = { oci: new OciClient(common), ...(r.kind === 'harbor' ? { harbor: new HarborClient(common) } : {}) };
      this.clients.set(r.id, c);
    }
    return c;
  }

  has(id: string): boolean {
    return this.clients.has(id);
  }

  drop(id: string): void {
    const c = this.clients.get(id);
    c?.harbor?.close();
    c?.oci.close();
    this.clients.delete(id);
  }

  /** Round trips made so far per registry by its current clients (benchmarks). */
  requestsMade(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, c] of this.clients) out[id] = (c.harbor?.requests ?? 0) + c.oci.requests;
    return out;
  }

  /** Most requests seen in flight at once per registry (bounded by `concurrency`). */
  maxInFlight(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [id, c] of this.clients) out[id] = Math.max(c.harbor?.http.maxInFlight ?? 0, c.oci.http.maxInFlight);
    return out;
  }

  dispose(): void {
    for (const id of [...this.clients.keys()]) this.drop(id);
  }
}
