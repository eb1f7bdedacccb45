import type { PermissionCheck } from '../../../src-shared/releases/contract';

/**
 * The user's permissions in every cluster the plan touches, asked of the clusters before Start:
 * each missing one by cluster, namespace, verb and resource, with a Role and RoleBinding that
 * grants exactly what is missing (to hand to whoever administers that cluster).
 */
export function PlanPermissionsView({ permissions }: { permissions: PermissionCheck }) {
  const fine = !permissions.missing.length && !permissions.unknown.length && !permissions.pending;
  return (
    <div
      className="rel-permissions"
      data-testid="plan-permissions"
      data-pending={permissions.pending}
      data-missing={permissions.missing.length}
    >
      <div className="field__label">
        Your permissions in the clusters{' '}
        <span className="muted">
          {permissions.pending
            ? '· asking the clusters…'
            : permissions.checkedAt
              ? `· asked at ${new Date(permissions.checkedAt).toLocaleTimeString()}`
              : ''}
        </span>
      </div>
      {fine ? (
        <div className="text-ok" data-testid="plan-permissions-ok">
          Allowed: everything this release does, in every cluster it touches.
        </div>
      ) : null}
      {permissions.missing.length ? (
        <table className="rel-preview">
          <thead>
            <tr>
              <th>Cluster</th>
              <th>Namespace</th>
              <th>Missing</th>
              <th>Needed because Capstan…</th>
            </tr>
          </thead>
          <tbody>
            {permissions.missing.map((m) => (
              <tr key={`${m.clusterId}/${m.namespace}/${m.group}/${m.resource}/${m.verb}`} data-testid="plan-permission-missing">
                <td className="mono">{m.clusterId}</td>
                <td className="mono">{m.namespace}</td>
                <td className="mono">
                  <span className="badge badge--bad">{m.verb}</span> {m.group ? `${m.resource}.${m.group}` : m.resource}
                </td>
                <td>{m.why}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {permissions.snippets.map((s) => (
        <details key={`${s.clusterId}/${s.namespace}`} className="rel-permissions__snippet" data-testid="plan-permission-snippet" open>
          <summary>
            Role to ask for in {s.clusterId} / {s.namespace}
          </summary>
          <pre className="mono">{s.yaml}</pre>
        </details>
      ))}
    </div>
  );
}
