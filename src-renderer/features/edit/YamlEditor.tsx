import { useEffect, useMemo, useRef, useState } from 'react';
import { parseDocument } from 'yaml';
import type { ApplyResult } from '../../../src-shared/edit/contract';
import type { ResourceRef } from '../../../src-shared/resources/contract';
import type { AppError } from '../../../src-shared/result';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { changedLines, lineDiff } from '../../../src-shared/edit/line-diff';
import './edit.css';

/** The resourceVersion of `live` put into `edited`: "keep my edits, on top of the new version". */
export function rebase(edited: string, live: string): string {
  const rv = (parseDocument(live).toJSON() as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
  const doc = parseDocument(edited);
  if (rv) doc.setIn(['metadata', 'resourceVersion'], rv);
  return doc.toString();
}

function Diff({ before, after }: { before: string; after: string }) {
  const d = useMemo(() => lineDiff(before, after), [before, after]);
  return (
    <pre className="yaml-diff" data-testid="edit-diff" data-changed={changedLines(d)}>
      {d.map((l, i) => (
        <div key={i} className={l.t === '+' ? 'is-add' : l.t === '-' ? 'is-del' : undefined}>
          {l.t} {l.text}
        </div>
      ))}
    </pre>
  );
}

/**
 * A YAML editor for one object (replace) or a new one (create): diff against live, a server-side
 * dry run whose errors point at their lines, apply; a 409 shows the newer version and offers to
 * rebase the edits on it.
 */
export function YamlEditor({ clusterId, target, initial, onDone, onCancel }: { clusterId: string; target?: ResourceRef; initial: string; onDone: (ref: ResourceRef) => void; onCancel: () => void }) {
  const client = useClient();
  const [text, setText] = useState(initial);
  const [base, setBase] = useState(initial);
  const [view, setView] = useState<'edit' | 'diff'>('edit');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ApplyResult | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => setResult(null), [text]);

  const run = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    const r = await client['edit.apply']({ clusterId, yaml: text, mode: target ? 'replace' : 'create', dryRun });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setResult(r.value);
    if (r.value.outcome === 'applied') onDone(r.value.ref);
  };
  const goToLine = (line: number) => {
    const el = area.current;
    if (!el) return;
    setView('edit');
    const lines = el.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    el.scrollTop = Math.max(0, (line - 5) * 17);
  };
  const onRebase = (live: string) => {
    setBase(live);
    setText(rebase(text, live));
    setView('diff');
  };
  return (
    <section className="yaml-editor" data-testid="yaml-editor" aria-label={target ? `Edit ${target.name}` : 'Create from YAML'}>
      <div className="yaml-editor__bar">
        <button type="button" className={`btn btn--ghost${view === 'edit' ? ' is-active' : ''}`} onClick={() => setView('edit')} data-testid="edit-tab-edit">
          Edit
        </button>
        <button type="button" className={`btn btn--ghost${view === 'diff' ? ' is-active' : ''}`} onClick={() => setView('diff')} data-testid="edit-tab-diff">
          Diff {target ? 'against live' : ''} ({changedLines(lineDiff(base, text))})
        </button>
        <span className="yaml-editor__grow" />
        <button type="button" className="btn" onClick={() => void run(true)} disabled={busy} data-testid="edit-dry-run">
          Preview (server dry run)
        </button>
        <button type="button" className="btn btn--primary" onClick={() => void run(false)} disabled={busy} data-testid="edit-apply">
          {target ? 'Apply' : 'Create'}
        </button>
        <button type="button" className="btn btn--ghost" onClick={onCancel} data-testid="edit-cancel">
          Cancel
        </button>
      </div>
      {busy ? <Spinner label="Asking the API server…" /> : null}
      {error ? <ErrorBanner error={error} title="The API server did not take it." /> : null}
      {result?.outcome === 'dry-run' ? (
        <div className="edit-note text-ok" data-testid="edit-result" data-outcome="dry-run">
          The server accepts it (dry run: nothing changed). Below, what it would store against {target ? 'live' : 'what you wrote'}.
          <Diff before={base} after={result.yaml} />
        </div>
      ) : null}
      {result?.outcome === 'invalid' ? (
        <div className="edit-note" data-testid="edit-result" data-outcome="invalid">
          <ErrorBanner error={{ message: result.message }} title="Not valid:" />
          <ul className="edit-errors">
            {result.fieldErrors.map((f, i) => (
              <li key={i} data-testid="edit-field-error" data-line={f.line ?? ''}>
                {f.line ? (
                  <button type="button" className="link" onClick={() => goToLine(f.line!)}>
                    line {f.line}
                  </button>
                ) : null}{' '}
                {f.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {result?.outcome === 'conflict' ? (
        <div className="edit-note" data-testid="edit-result" data-outcome="conflict">
          <ErrorBanner tone="warn" error={{ message: result.message }} title="Someone changed this object since you opened it." />
          <button type="button" className="btn" onClick={() => onRebase(result.liveYaml)} data-testid="edit-rebase">
            Rebase my edits on the new version (then review the diff and apply)
          </button>
        </div>
      ) : null}
      {result?.outcome === 'applied' ? <div className="edit-note text-ok" data-testid="edit-result" data-outcome="applied">Applied.</div> : null}
      {view === 'edit' ? (
        <textarea ref={area} className="yaml-editor__text" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} data-testid="edit-text" aria-label="YAML" />
      ) : (
        <Diff before={base} after={text} />
      )}
    </section>
  );
}
