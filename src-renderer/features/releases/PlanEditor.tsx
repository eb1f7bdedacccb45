import { autocompletion, completionKeymap, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { keymap } from '@codemirror/view';
import { useMemo, useRef } from 'react';
import { planKeysAt, planValuesFor } from '../../../src-shared/releases/plan-keys';
import { YamlCodeEditor, type EditorProblem } from '../../components/code-editor/YamlCodeEditor';
import { yamlSpot } from './yaml-path';

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

/**
 * The plan's YAML in the shared code editor (components/code-editor): the check's problems at
 * their line, completion of plan keys from the schema (Ctrl+Space, or as you type); Ctrl+S saves.
 */
export function PlanEditor({
  value,
  onChange,
  problems,
  onSave,
}: {
  value: string;
  onChange: (v: string) => void;
  problems: EditorProblem[];
  onSave: () => void;
}) {
  const save = useRef(onSave);
  save.current = onSave;
  const extensions = useMemo(
    () => [
      autocompletion({ override: [planCompletion] }),
      keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (save.current(), true) }, ...completionKeymap]),
    ],
    [],
  );
  return (
    <YamlCodeEditor
      value={value}
      onChange={onChange}
      problems={problems}
      extensions={extensions}
      label="Plan YAML"
      testId="plan-yaml"
      className="rel-yaml rel-yaml--editor"
      title="Ctrl+Space completes plan keys · Ctrl+S saves"
    />
  );
}
