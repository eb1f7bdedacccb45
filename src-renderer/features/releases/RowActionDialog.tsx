import { useEffect, useState } from 'react';
import type { RevisionInfo, RowAction, RowActionPlan } from '../../../src-shared/releases/contract';
import { useClient } from '../../components/ClientContext';
import { useAction } from '../../components/useAction';
import { useLatest } from '../../components/useLatest';
import { loaded, useRequest } from '../../components/useRequest';
import type { CellLine } from './board-model';

type Kind = RowAction['kind'];
const labels: Record<Kind, string> = { restart: 'Restart', scale: 'Scale', pause: 'Pause', resume: 'Resume', undo: 'Roll back' };

type Target = { clusterId: string; namespace: string; name: string };
const rowAction = (kind: Kind, ref: Target, replicas: number, toRevision: string): RowAction =>
  kind === 'scale' ? { kind, ...ref, replicas } : kind === 'undo' ? { kind, ...ref, toRevision: toRevision || '0' } : { kind, ...ref };

/**
 * One row action on one Deployment: choose it, see exactly what it will change (a dry run in
 * main), confirm. Confirming sends the generation the preview was made from, so a Deployment
 * whose spec changed meanwhile is refused rather than changed blind.
 */
export function RowActionDialog({ line, onClose }: { line: CellLine; onClose: () => void }) {
  const client = useClient();
  const [kind, setKind] = useState<Kind>('restart');
  const [replicas, setReplicas] = useState(line.total);
  const [revisions, setRevisions] = useState<RevisionInfo[]>([]);
  const [toRevision, setToRevision] = useState('');
  const { clusterId, namespace, name } = line;
  const ref = { clusterId, namespace, name };
  const action = () => rowAction(kind, ref, replicas, toRevision);

  // The revisions fill the form's choice: asked when the row changes, with this render's client.
  const latest = useLatest({ client, ref });
  useEffect(() => {
    const { client, ref } = latest.current;
    void client['releases.row.revisions'](ref).then((r) => {
      if (!r.ok) return;
      setRevisions(r.value);
      setToRevision(r.value.find((x) => !x.current)?.revision ?? '');
    });
  }, [line.key, latest]);
  // What the chosen action would change, asked again whenever it changes (the last plan hidden meanwhile).
  const preview = useRequest(
    () =>
      kind === 'undo' && !toRevision
        ? undefined
        : client['releases.row.preview']({ action: rowAction(kind, { clusterId, namespace, name }, replicas, toRevision) }),
    [client, kind, clusterId, namespace, name, replicas, toRevision],
  );
  const shown = loaded(preview, 'hide');
  const plan: RowActionPlan | null = shown.status === 'ok' ? shown.value : null;
  const apply = useAction((p: RowActionPlan) => client['releases.row.apply']({ action: action(), generation: p.generation }));
  // An apply's error belongs to the action it was for: choosing another one clears it.
  const { setError: clearApplyError } = apply;
  useEffect(() => clearApplyError(undefined), [kind, replicas, toRevision, clearApplyError]);
  const message = apply.error?.message ?? (shown.status === 'error' ? shown.error.message : null);

  const confirm = async () => {
    if (!plan) return;
    if ((await apply.run(plan)).ok) onClose();
  };

  return (
    <div className="rel-dialog__overlay" onKeyDown={(e) => e.key === 'Escape' && onClose()} role="presentation">
      <div className="dialog rel-dialog" role="dialog" aria-modal="true" aria-label={`Act on ${line.key}`} data-testid="row-action-dialog">
        <h3 className="rel-dialog__title">
          {line.name}{' '}
          <span className="muted">
            {line.clusterId}/{line.namespace}
          </span>
        </h3>
        <div className="segmented" role="tablist" aria-label="Action">
          {(Object.keys(labels) as Kind[]).map((k) => (
            <button
              key={k}
              type="button"
              className={k === kind ? 'is-active' : ''}
              onClick={() => setKind(k)}
              data-testid={`row-action-${k}`}
              aria-pressed={k === kind}
            >
              {labels[k]}
            </button>
          ))}
        </div>
        {kind === 'scale' ? (
          <label className="field">
            <span className="field__label">Replicas</span>
            <input
              type="number"
              min={0}
              value={replicas}
              onChange={(e) => setReplicas(Math.max(0, Number(e.target.value)))}
              data-testid="row-action-replicas"
            />
          </label>
        ) : null}
        {kind === 'undo' ? (
          <label className="field">
            <span className="field__label">To revision</span>
            <select value={toRevision} onChange={(e) => setToRevision(e.target.value)} data-testid="row-action-revision">
              {revisions.map((r) => (
                <option key={r.revision} value={r.revision} disabled={r.current}>
                  {r.revision} · {r.images.join(', ')}
                  {r.current ? ' (current)' : ''}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <div className="rel-dialog__changes" data-testid="row-action-preview">
          <div className="field__label">What will change</div>
          {plan?.refused ? <p className="text-bad">{plan.refused}</p> : null}
          {plan && !plan.refused ? (
            <ul>
              {plan.changes.map((c) => (
                <li key={c} className="mono">
                  {c}
                </li>
              ))}
            </ul>
          ) : null}
          {message ? <p className="text-bad">{message}</p> : null}
        </div>
        <div className="rel-dialog__actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn--primary"
            disabled={!plan || !!plan.refused}
            onClick={() => void confirm()}
            data-testid="row-action-confirm"
            autoFocus
          >
            {labels[kind]}
          </button>
        </div>
      </div>
    </div>
  );
}
