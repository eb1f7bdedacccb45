import { autocompletion, completionKeymap, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { yaml as yamlLanguage } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import { Decoration, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { planKeysAt, planValuesFor } from '../../../src-shared/releases/plan-keys';
import { yamlSpot } from './yaml-path';

export interface EditorProblem {
  line: number;
  message: string;
  severity: 'error' | 'warning';
}

/** Completion of plan keys (and enum/boolean values) where the cursor is, from the plan schema. */
function planCompletion(ctx: CompletionContext): CompletionResult | null {
  const line = ctx.state.doc.lineAt(ctx.pos);
  const lines = ctx.state.doc.toString().split('\n');
  const spot = yamlSpot(lines, line.number - 1, ctx.pos - line.from);
  if (!spot || (!ctx.explicit && spot.word === '' && !spot.valueKey)) return null;
  const options = spot.valueKey
    ? planValuesFor(spot.path, spot.valueKey).map((v) => ({ label: v, type: 'constant' }))
    : planKeysAt(spot.path).map((k) => ({ label: k, type: 'property', apply: `${k}: ` }));
  return options.length ? { from: line.from + spot.from, options, validFor: /^[\w.-]*$/ } : null;
}

/** Lines with an error carry `data-error-line` (and the message as a title), for eyes and tests. */
const setErrorLines = StateEffect.define<EditorProblem[]>();
const errorLines = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    for (const e of tr.effects) {
      if (!e.is(setErrorLines)) continue;
      const b = new RangeSetBuilder<Decoration>();
      const byLine = new Map<number, EditorProblem[]>();
      for (const p of e.value) if (p.line >= 1 && p.line <= tr.state.doc.lines) byLine.set(p.line, [...(byLine.get(p.line) ?? []), p]);
      for (const [n, ps] of [...byLine.entries()].sort((a, c) => a[0] - c[0])) {
        const bad = ps.some((p) => p.severity === 'error');
        b.add(tr.state.doc.line(n).from, tr.state.doc.line(n).from, Decoration.line({ attributes: { class: bad ? 'rel-yaml__error-line' : 'rel-yaml__warning-line', 'data-error-line': String(n), title: ps.map((p) => p.message).join('\n') } }));
      }
      return b.finish();
    }
    return deco.map(tr.changes);
  },
  provide: (f) => EditorView.decorations.from(f),
});

/**
 * The plan's YAML in a real code editor (CodeMirror 6): line numbers, the check's problems at their
 * line (gutter marker, underline, message on hover), completion of plan keys from the schema
 * (Ctrl+Space, or as you type), undo history; Ctrl+S saves. The YAML stays the source of truth:
 * outside changes (draft, form, a saved plan) replace the text, typing reports it up.
 */
export function PlanEditor({ value, onChange, problems, onSave }: { value: string; onChange: (v: string) => void; problems: EditorProblem[]; onSave: () => void }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, onSave, value });
  latest.current = { onChange, onSave, value };

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          yamlLanguage(),
          syntaxHighlighting(defaultHighlightStyle),
          lintGutter(),
          errorLines,
          autocompletion({ override: [planCompletion] }),
          keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (latest.current.onSave(), true) }, ...completionKeymap, ...lintKeymap, ...historyKeymap, ...defaultKeymap]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ 'aria-label': 'Plan YAML', 'data-testid': 'plan-yaml', spellcheck: 'false' }),
        ],
      }),
    });
    // Tests read the text the editor holds (as the log view's tests read xterm's buffer).
    (v.contentDOM as unknown as { planEditor: EditorView }).planEditor = v;
    view.current = v;
    return () => v.destroy();
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
    v.dispatch(setDiagnostics(v.state, diagnostics), { effects: setErrorLines.of(problems) });
  }, [problems]);

  return <div className="rel-yaml rel-yaml--editor" ref={host} title="Ctrl+Space completes plan keys · Ctrl+S saves" />;
}
