import type { DriftReport, PlanCheck } from '../../../src-shared/releases/contract';
import { formatDurationSpec } from '../../../src-shared/base/duration';
import { PlanImagesView } from './PlanImages';
import { PlanPermissionsView } from './PlanPermissions';

/** Validation issues and the preview (stages, groups, exact batch split with the fort first). */
export function PlanCheckView({ check }: { check: PlanCheck | null }) {
  if (!check) return null;
  return (
    <div className="rel-check" data-testid="plan-check">
      <div className="rel-check__head">
        <span className={`badge badge--${check.ok ? 'ok' : 'bad'}`} data-testid="plan-check-status">
          {check.ok ? 'valid' : 'invalid'}
        </span>
        <span className="muted" data-testid="plan-snapshot-date">
          checked against the snapshot of {check.snapshotTakenAt ? new Date(check.snapshotTakenAt).toLocaleString() : 'no cluster yet'}
        </span>
        {check.planSnapshotDate ? (
          <span className="muted" data-testid="plan-own-snapshot-date">
            · plan made against {new Date(check.planSnapshotDate).toLocaleString()}
          </span>
        ) : null}
        {check.summary ? <span>{check.summary}</span> : null}
      </div>
      {check.issues.length ? (
        <ul className="rel-issues" data-testid="plan-issues">
          {check.issues.map((i, n) => (
            <li key={n} className={i.severity === 'error' ? 'text-bad' : 'text-warn'}>
              <b>{i.severity}</b> {i.line !== undefined ? `line ${i.line}: ` : ''}
              {i.path ? <code>{i.path}</code> : null} {i.message}
            </li>
          ))}
        </ul>
      ) : null}
      {check.images ? <PlanImagesView images={check.images} /> : null}
      {check.permissions ? <PlanPermissionsView permissions={check.permissions} /> : null}
      {check.steps?.length ? (
        <details className="rel-steps" data-testid="plan-steps">
          <summary>What each step changes ({check.steps.length} steps)</summary>
          <ol>
            {check.steps.map((st, i) => (
              <li key={i} className="mono">
                {st.description}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      <table className="rel-preview" data-testid="plan-preview">
        <thead>
          <tr>
            <th>Stage</th>
            <th>Group</th>
            <th>From → to</th>
            <th>Batches</th>
          </tr>
        </thead>
        <tbody>
          {check.stages.flatMap((s, si) =>
            s.groups.map((g, gi) => (
              <tr key={`${si}/${g.key}`}>
                {gi === 0 ? (
                  <td rowSpan={s.groups.length}>
                    {si + 1}. {s.name}
                    {s.approvalBefore ? <div className="muted">approval first</div> : null}
                    <div className="muted">≈ {formatDurationSpec(s.durationSec)}</div>
                  </td>
                ) : null}
                <td className="mono">{g.key}</td>
                <td className="mono">
                  {(g.fromImage ?? '?').split(':').pop()} → {g.toImage.split(':').pop()}
                </td>
                <td>
                  {g.batches.map((b, i) => (
                    <span key={i} className={`rel-batch${b.fort ? ' rel-batch--fort' : ''}`} title={b.label}>
                      {b.fort ? 'fort ' : ''}
                      {b.size}
                    </span>
                  ))}
                  <span className="muted"> of {g.replicas}</span>
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

export function DriftView({ drift, signed, onSign }: { drift: DriftReport; signed: boolean; onSign: (v: boolean) => void }) {
  return (
    <div className="rel-drift" data-testid="drift-report">
      <div className="field__label">Drift since the plan's snapshot: {drift.items.length} difference(s)</div>
      {drift.unreachable.length ? (
        <p className="text-bad">Not live: {drift.unreachable.join(', ')}; a release starts only against live state.</p>
      ) : null}
      <ul>
        {drift.items.map((d, i) => (
          <li key={i} className="mono">
            {d.message}
          </li>
        ))}
      </ul>
      <p className="muted" data-testid="drift-explained">
        The plan was written against a snapshot; the clusters may have moved since (someone scaled, released or rolled back). Look at the
        differences above: the release will start from the clusters as they are now, not as the snapshot says. Ticking the box records that
        you did; if the clusters change again before you press Start, Start refuses and asks for a new check.
      </p>
      <label>
        <input type="checkbox" checked={signed} onChange={(e) => onSign(e.target.checked)} data-testid="drift-signoff" /> I have reviewed{' '}
        {drift.items.length ? 'these differences' : 'the drift check (none)'}; start against live state
      </label>
    </div>
  );
}
