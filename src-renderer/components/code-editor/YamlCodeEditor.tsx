import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { yaml as yamlLanguage } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorSelection, EditorState, RangeSetBuilder, StateEffect, StateField, type Extension } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  type DecorationSet,
} from '@codemirror/view';
import { useEffect, useRef, type RefObject } from 'react';
import './code-editor.css';

export interface EditorProblem {
  line: number;
  message: string;
  severity: 'error' | 'warning';
}

/** What a parent can do with the editor (jump to a line, after a field error is clicked). */
export interface CodeEditorHandle {
  goToLine(line: number): void;
}

/** Lines with a problem carry `data-error-line` (and the message as a title), for eyes and tests. */
const setProblemLines = StateEffect.define<EditorProblem[]>();
const problemLines = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    for (const e of tr.effects) {
      if (!e.is(setProblemLines)) continue;
      const b = new RangeSetBuilder<Decoration>();
      const byLine = new Map<number, EditorProblem[]>();
      for (const p of e.value) if (p.line >= 1 && p.line <= tr.state.doc.lines) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p]);
      for (const [n, ps] of [...byLine.entries()].sort((a, c) => a[0] - c[0])) {
        const bad = ps.some((p) => p.severity === 'error');
        const at = tr.state.doc.line(n).from;
        b.add(
          at,
          at,
          Decoration.line({
            attributes: {
              class: bad ? 'code-editor__error-line' : 'code-editor__warning-line',
              'data-error-line': String(n),
              title: ps.map((p) => p.message).join('\n'),
            },
          }),
        );
      }
      return b.finish();
    }
    return deco.map(tr.changes);
  },
  provide: (f) => EditorView.decorations.from(f),
});

/**
 * YAML in a real code editor (CodeMirror 6), for release plans and Kubernetes objects alike: line
 * numbers, syntax colours, problems at their line (gutter marker, underline, message on hover),
 * undo history. The text stays owned by the parent: outside changes replace it, typing reports it
 * up. `extensions` come first, so their keys win over the defaults (completion, Ctrl+S).
 * Tests reach the view as `contentDOM.editorView` (as the log view's tests read xterm's buffer).
 */
export function YamlCodeEditor({
  value,
  onChange,
  problems,
  extensions = [],
  label,
  testId,
  className = '',
  title,
  handle,
}: {
  value: string;
  onChange: (v: string) => void;
  problems: EditorProblem[];
  extensions?: Extension[];
  label: string;
  testId: string;
  className?: string;
  title?: string;
  handle?: RefObject<CodeEditorHandle | null>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(onChange);
  latest.current = onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          ...extensions,
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          yamlLanguage(),
          syntaxHighlighting(defaultHighlightStyle),
          lintGutter(),
          problemLines,
          keymap.of([...lintKeymap, ...historyKeymap, ...defaultKeymap]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': testId, spellcheck: 'false' }),
        ],
      }),
    });
    (v.contentDOM as unknown as { editorView: EditorView }).editorView = v;
    view.current = v;
    if (handle) {
      handle.current = {
        goToLine(line) {
          const l = v.state.doc.line(Math.min(Math.max(1, line), v.state.doc.lines));
          v.dispatch({ selection: EditorSelection.range(l.from, l.to), effects: EditorView.scrollIntoView(l.from, { y: 'center' }) });
          v.focus();
        },
      };
    }
    return () => v.destroy();
    // The editor is made once; value and problems are pushed in by the effects below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const doc = v.state.doc;
    const diagnostics: Diagnostic[] = problems
      .filter((p) => p.line >= 1 && p.line <= doc.lines)
      .map((p) => {
        const l = doc.line(p.line);
        return { from: l.from, to: l.to, severity: p.severity, message: p.message };
      });
    v.dispatch(setDiagnostics(v.state, diagnostics), { effects: setProblemLines.of(problems) });
  }, [problems, value]);

  return <div className={`code-editor ${className}`} ref={host} title={title} />;
}
