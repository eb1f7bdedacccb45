import { useState } from 'react';
import type { Dependent } from '../../../src-shared/edit/contract';
import type { ResourceRef } from '../../../src-shared/resources/contract';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { useAction } from '../../components/useAction';
import { useRequest } from '../../components/useRequest';

const countBy = (ds: Dependent[]) =>
  Object.entries(ds.reduce<Record<string, number>>((m, d) => ((m[d.kind] = (m[d.kind] ?? 0) + 1), m), {})).map(
    ([k, n]) => `${n} ${k}${n === 1 ? '' : 's'}`,
  );

/** Delete with a confirmation that says what the cascade removes (or keeps, with Orphan). */
export function DeleteDialog({ target, onDone, onCancel }: { target: ResourceRef; onDone: () => void; onCancel: () => void }) {
  const client = useClient();
  const [propagation, setPropagation] = useState<'Background' | 'Foreground' | 'Orphan'>('Background');
  const asked = useRequest(() => client['edit.deletePreview'](target), [client, target]);
  const deletion = useAction(() => client['edit.delete']({ ...target, propagation, confirmed: true }));
  const del = async () => {
    if ((await deletion.run()).ok) onDone();
  };
  const preview = asked.data;
  const error = asked.error ?? deletion.error;
  if (error) return <ErrorBanner error={error} title="Could not delete." />;
  if (!preview) return <Spinner label="Finding what depends on it…" />;
  const n = preview.dependents.length;
  return (
    <section
      className="delete-dialog"
      role="alertdialog"
      aria-label={`Delete ${target.name}?`}
      data-testid="delete-dialog"
      data-dependents={n}
    >
      <p>
        Delete {preview.kind} <strong>{target.name}</strong> in {target.clusterId}
        {target.namespace ? ` / ${target.namespace}` : ''}?{' '}
        {n === 0
          ? 'Nothing else depends on it.'
          : propagation === 'Orphan'
            ? `Its ${countBy(preview.dependents).join(', ')} stay (orphaned).`
            : `This also removes ${countBy(preview.dependents).join(', ')}:`}
      </p>
      {n > 0 && propagation !== 'Orphan' ? (
        <ul className="delete-dialog__list" data-testid="delete-dependents">
          {preview.dependents.slice(0, 50).map((d) => (
            <li key={`${d.kind}/${d.name}`} style={{ paddingLeft: (d.depth - 1) * 14 }}>
              {d.kind} {d.name}
            </li>
          ))}
          {n > 50 ? <li className="muted">…and {n - 50} more</li> : null}
        </ul>
      ) : null}
      <label className="field field--inline">
        Cascade
        <select value={propagation} onChange={(e) => setPropagation(e.target.value as typeof propagation)} data-testid="delete-propagation">
          <option value="Background">Background (default: dependents removed after it)</option>
          <option value="Foreground">Foreground (dependents removed first)</option>
          <option value="Orphan">Orphan (dependents stay)</option>
        </select>
      </label>
      <div className="delete-dialog__actions">
        <button type="button" className="btn btn--danger" onClick={() => void del()} disabled={deletion.busy} data-testid="delete-confirm">
          Delete {target.name}
          {n > 0 && propagation !== 'Orphan' ? ` and ${n} dependent${n === 1 ? '' : 's'}` : ''}
        </button>
        <button type="button" className="btn btn--ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}
