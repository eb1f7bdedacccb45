import type { RegistryHealth, RegistryInfo } from '../../../src-shared/images/contract';
import { EmptyState } from '../../components/EmptyState';
import { Spinner } from '../../components/Spinner';

function healthBadge(h: RegistryHealth | undefined) {
  if (!h) return <span className="badge badge--muted">not checked</span>;
  if (!h.reachable) return <span className="badge badge--bad">unreachable</span>;
  if (h.error) return <span className="badge badge--warn">{h.error.code}</span>;
  return <span className={`badge badge--${h.status === 'healthy' ? 'ok' : 'warn'}`}>{h.status ?? 'reachable'}</span>;
}

function credentialsBadge(h: RegistryHealth | undefined, r: RegistryInfo) {
  if (!r.username) return <span className="muted">anonymous</span>;
  if (h?.authState) return <span className="badge badge--warn">{h.authState}</span>;
  if (h?.credentialsOk === true) return <span className="badge badge--ok">credentials OK</span>;
  if (h?.credentialsOk === false) return <span className="badge badge--bad">credentials refused</span>;
  return <span className="muted">{r.hasSecret ? 'secret stored' : 'no secret'}</span>;
}

export interface RegistryTableProps {
  registries: RegistryInfo[] | null;
  health: Record<string, RegistryHealth>;
  testing: Record<string, boolean>;
  onCheck: (registry: RegistryInfo) => void;
  onUntrust: (registry: RegistryInfo) => void;
  onEdit: (registry: RegistryInfo) => void;
  onCredentials: (registry: RegistryInfo) => void;
  onRemove: (registry: RegistryInfo) => void;
}

/** The configured registries with their health, credentials state and actions. */
export function RegistryTable({ registries, health, testing, onCheck, onUntrust, onEdit, onCredentials, onRemove }: RegistryTableProps) {
  return registries === null ? (
    <Spinner size="sm" label="Reading the registry list…" />
  ) : registries.length === 0 ? (
    <EmptyState title="No registry configured" testId="images-registries-empty">
      Add the Harbor of each region (or any OCI registry) below to see whether every region has the images your workloads run.
    </EmptyState>
  ) : (
    <table className="img-reg-table" aria-label="Registries">
      <thead>
        <tr>
          <th>Name</th>
          <th>Region</th>
          <th>URL</th>
          <th>Account</th>
          <th>Health</th>
          <th>Credentials</th>
          <th>Version</th>
          <th aria-label="Actions" />
        </tr>
      </thead>
      <tbody>
        {registries.map((r) => {
          const h = health[r.id];
          return (
            <tr
              key={r.id}
              data-testid="images-registry"
              data-registry={r.id}
              data-health={h ? (h.reachable && !h.error ? 'ok' : 'bad') : 'unknown'}
            >
              <td>
                <b>{r.name}</b> <span className="muted">{r.kind === 'harbor' ? 'Harbor' : 'OCI'}</span>
                {r.warnings?.map((w) => (
                  <span key={w} className="badge badge--warn" data-testid="images-registry-warning" title={w}>
                    plain http
                  </span>
                ))}
              </td>
              <td>
                {r.region}
                {r.source ? <span className="muted"> (source)</span> : null}
              </td>
              <td className="mono img-small">{r.url}</td>
              <td className="mono img-small">{r.username ?? '—'}</td>
              <td>
                {testing[r.id] ? <Spinner size="xs" label="Checking…" /> : healthBadge(h)}
                {h?.components
                  .filter((c) => c.status !== 'healthy')
                  .map((c) => (
                    <span key={c.name} className="badge badge--warn" title={c.error}>
                      {c.name}: {c.status}
                    </span>
                  ))}
              </td>
              <td>{credentialsBadge(h, r)}</td>
              <td className="img-small">{h?.version ?? ''}</td>
              <td className="img-reg-table__actions">
                <button type="button" className="btn btn--ghost" onClick={() => onCheck(r)}>
                  Check
                </button>
                {r.pinnedFingerprint ? (
                  <button
                    type="button"
                    className="btn btn--ghost"
                    title={`Trusted certificate ${r.pinnedFingerprint}`}
                    onClick={() => onUntrust(r)}
                  >
                    Forget certificate
                  </button>
                ) : null}
                <button type="button" className="btn btn--ghost" onClick={() => onEdit(r)} data-testid="images-registry-edit-open">
                  Edit…
                </button>
                <button type="button" className="btn btn--ghost" onClick={() => onCredentials(r)} data-testid="images-registry-credentials">
                  Credentials…
                </button>
                <button type="button" className="btn btn--ghost" onClick={() => onRemove(r)}>
                  Remove…
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
