import { useEffect, useMemo, useRef, useState } from 'react';
import type { ApplyResult } from '../../../src-shared/edit/contract';
import { changedLines, lineDiff } from '../../../src-shared/edit/line-diff';
import { conflictLines, hasConflictMarkers, mergeThreeWay, resolveConflict } from '../../../src-shared/edit/three-way-merge';
import type { ResourceRef } from '../../../src-shared/resources/contract';
import { useClient } from '../../components/ClientContext';
import { YamlCodeEditor, type CodeEditorHandle, type EditorProblem } from '../../components/code-editor/YamlCodeEditor';
import { YamlDiffView } from '../../components/code-editor/YamlDiffView';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { useAction } from '../../components/useAction';
import './edit.css';

type Rebased = { applied: number; taken: number; conflicts: number };

/**
 * A YAML editor for one object (replace) or a new one (create), in the shared code editor: diff
 * against live in a merge view, a server-side dry run whose field errors sit at their lines,
 * apply. A 409 (someone changed the object since it was opened) offers a three-way rebase: the
 * user's changes (against the version they opened) are replayed on the new live version where
 * they do not overlap; overlapping ones are shown as conflicts to resolve before Apply.
 */
export function YamlEditor({
  clusterId,
  target,
  initial,
  onDone,
  onCancel,
}: {
  clusterId: string;
  target?: ResourceRef;
  initial: string;
  onDone: (ref: ResourceRef) => void;
  onCancel: () => void;
}) {
  const client = useClient();
  const [text, setText] = useState(initial);
  /** The version the edit is against: what was opened, or the live version of the last rebase. */
  const [base, setBase] = useState(initial);
  const [view, setView] = useState<'edit' | 'diff'>('edit');
  const [result, setResult] = useState<ApplyResult | null>(null);
  const applying = useAction((dryRun: boolean) =>
    client['edit.apply']({ clusterId, yaml: text, mode: target ? 'replace' : 'create', dryRun }),
  );
  const { busy, error } = applying;
  const [rebased, setRebased] = useState<Rebased | null>(null);
  const editor = useRef<CodeEditorHandle | null>(null);
  useEffect(() => setResult(null), [text]);

  const conflicts = useMemo(() => conflictLines(text), [text]);
  const unresolved = conflicts.length > 0 || hasConflictMarkers(text);
  const problems = useMemo<EditorProblem[]>(() => {
    const fromServer =
      result?.outcome === 'invalid'
        ? result.fieldErrors.flatMap((f) =>
            f.line ? [{ line: f.line, message: `${f.field}: ${f.message}`, severity: 'error' as const }] : [],
          )
        : [];
    return [
      ...fromServer,
      ...conflicts.map((line) => ({
        line,
        message: 'Conflict: you and someone else changed these lines. Keep one side (buttons above) or edit by hand.',
        severity: 'error' as const,
      })),
    ];
  }, [result, conflicts]);
  const changed = useMemo(() => changedLines(lineDiff(base, text)), [base, text]);

  const run = async (dryRun: boolean) => {
    const r = await applying.run(dryRun);
    if (!r.ok) return;
    setResult(r.value);
    if (r.value.outcome === 'applied') onDone(r.value.ref);
  };
  const goToLine = (line: number) => {
    setView('edit');
    // The editor mounts again when coming back from the diff; jump once it is there.
    requestAnimationFrame(() => editor.current?.goToLine(line));
  };
  const onRebase = (live: string) => {
    const m = mergeThreeWay(base, text, live);
    setBase(live);
    setText(m.text);
    setRebased({ applied: m.fromMine, taken: m.fromTheirs, conflicts: m.conflicts.length });
    if (m.conflicts.length) goToLine(m.conflicts[0]!.line);
    else setView('diff');
  };
  return (
    <section
      className="yaml-editor"
      data-testid="yaml-editor"
      data-conflicts={conflicts.length}
      aria-label={target ? `Edit ${target.name}` : 'Create from YAML'}
    >
      <div className="yaml-editor__bar">
        <button
          type="button"
          className={`btn btn--ghost${view === 'edit' ? ' is-active' : ''}`}
          onClick={() => setView('edit')}
          data-testid="edit-tab-edit"
        >
          Edit
        </button>
        <button
          type="button"
          className={`btn btn--ghost${view === 'diff' ? ' is-active' : ''}`}
          onClick={() => setView('diff')}
          data-testid="edit-tab-diff"
        >
          Diff {target ? 'against live' : ''} ({changed})
        </button>
        <span className="yaml-editor__grow" />
        <button type="button" className="btn" onClick={() => void run(true)} disabled={busy || unresolved} data-testid="edit-dry-run">
          Preview (server dry run)
        </button>
        <button
          type="button"
          className="btn btn--primary"
          onClick={() => void run(false)}
          disabled={busy || unresolved}
          title={unresolved ? 'Resolve the conflicts first' : undefined}
          data-testid="edit-apply"
        >
          {target ? 'Apply' : 'Create'}
        </button>
        <button type="button" className="btn btn--ghost" onClick={onCancel} data-testid="edit-cancel">
          Cancel
        </button>
      </div>
      {busy ? <Spinner label="Asking the API server…" /> : null}
      {error ? <ErrorBanner error={error} title="The API server did not take it." /> : null}
      {rebased ? (
        <div className={`edit-note${rebased.conflicts ? '' : ' text-ok'}`} data-testid="edit-rebased" data-conflicts={rebased.conflicts}>
          Rebased on the new live version: {rebased.applied} of your changes replayed on it, {rebased.taken} change
          {rebased.taken === 1 ? '' : 's'} from the other side kept
          {rebased.conflicts
            ? `, ${rebased.conflicts} conflict${rebased.conflicts === 1 ? '' : 's'} to resolve.`
            : '. Review the diff, then apply.'}
        </div>
      ) : null}
      {conflicts.length ? (
        <ul className="edit-conflicts" data-testid="edit-conflicts">
          {conflicts.map((line, i) => (
            <li key={`${i}:${line}`}>
              <button type="button" className="link" onClick={() => goToLine(line)}>
                Conflict at line {line}
              </button>{' '}
              <button
                type="button"
                className="btn"
                onClick={() => setText(resolveConflict(text, i, 'mine'))}
                data-testid="conflict-keep-mine"
              >
                Keep my edit
              </button>{' '}
              <button
                type="button"
                className="btn"
                onClick={() => setText(resolveConflict(text, i, 'theirs'))}
                data-testid="conflict-keep-live"
              >
                Keep live
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {result?.outcome === 'dry-run' ? (
        <div className="edit-note text-ok" data-testid="edit-result" data-outcome="dry-run">
          The server accepts it (dry run: nothing changed). Below, what it would store against {target ? 'live' : 'what you wrote'}.
          <YamlDiffView
            before={base}
            after={result.yaml}
            beforeLabel={target ? 'live' : 'what you wrote'}
            afterLabel="what the server would store"
            testId="edit-dry-run-diff"
          />
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
            Rebase my edits on the new version (three-way: their changes kept, mine replayed)
          </button>
        </div>
      ) : null}
      {result?.outcome === 'applied' ? (
        <div className="edit-note text-ok" data-testid="edit-result" data-outcome="applied">
          Applied.
        </div>
      ) : null}
      {view === 'edit' ? (
        <YamlCodeEditor
          value={text}
          onChange={setText}
          problems={problems}
          label="YAML"
          testId="edit-text"
          className="yaml-editor__code"
          handle={editor}
        />
      ) : (
        <YamlDiffView
          before={base}
          after={text}
          beforeLabel={target ? 'live (when opened or last rebased)' : 'template'}
          afterLabel="your edit"
        />
      )}
    </section>
  );
}
