import { yaml as yamlLanguage } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { useEffect, useMemo, useRef } from 'react';
import { changedLines, lineDiff } from '../../../src-shared/edit/line-diff';
import './code-editor.css';

const readOnly = [
  lineNumbers(),
  yamlLanguage(),
  syntaxHighlighting(defaultHighlightStyle),
  EditorState.readOnly.of(true),
  EditorView.editable.of(false),
];

/**
 * Two YAML texts side by side in CodeMirror's merge view (changed lines and words marked,
 * unchanged stretches collapsed), read-only. `data-changed` is the number of changed lines of a
 * line diff, for the tab's count and for tests.
 */
export function YamlDiffView({
  before,
  after,
  beforeLabel,
  afterLabel,
  testId = 'edit-diff',
}: {
  before: string;
  after: string;
  beforeLabel: string;
  afterLabel: string;
  testId?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const changed = useMemo(() => changedLines(lineDiff(before, after)), [before, after]);
  useEffect(() => {
    const m = new MergeView({
      parent: host.current!,
      a: { doc: before, extensions: readOnly },
      b: { doc: after, extensions: readOnly },
      collapseUnchanged: { margin: 3, minSize: 6 },
      gutter: true,
    });
    return () => m.destroy();
  }, [before, after]);
  return (
    <div className="code-diff" data-testid={testId} data-changed={changed}>
      <div className="code-diff__labels">
        <span>{beforeLabel}</span>
        <span>{afterLabel}</span>
      </div>
      <div className="code-diff__view" ref={host} />
    </div>
  );
}
