import { useEffect, useMemo, useRef, useState } from 'react';
import type { DriftReport, PlanCheck, PlanFile, StartPreview } from '../../../src-shared/releases/contract';
import { useClient } from '../../components/ClientContext';
import { useAction } from '../../components/useAction';
import { useRequest } from '../../components/useRequest';
import { useAppStore } from '../../store';
import { DriftView, PlanCheckView } from './PlanChecks';
import { PlanEditor } from './PlanEditor';
import { PlanForm } from './PlanForm';
import { StartConfirm } from './StartConfirm';

export function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** What stands between the plan and "Start release", in the order to do it. */
export function startBlockers(s: {
  yaml: string;
  check: PlanCheck | null;
  saved: boolean;
  drift: DriftReport | null;
  signed: boolean;
}): string[] {
  if (!s.yaml.trim()) return ['write, draft or import a plan'];
  const out: string[] = [];
  if (!s.check) out.push('wait for the plan check');
  else if (!s.check.ok) out.push('fix the errors the check lists');
  if (!s.saved) out.push('save the plan');
  if (!s.drift) out.push('run the drift check');
  if (!s.signed) out.push('tick "I have reviewed the drift check"');
  return out;
}

/**
 * The planner: saved plans, the plan as a form and as YAML, checked against the snapshot on disk
 * as you type (works with every cluster down), then a drift check against live state that a
 * person signs off before the release can start.
 */
export function PlannerView({ draftFor, onStarted }: { draftFor: string | null; onStarted: (id: string) => void }) {
  const client = useClient();
  const [yaml, setYaml] = useState('');
  const [check, setCheck] = useState<PlanCheck | null>(null);
  const [drift, setDrift] = useState<DriftReport | null>(null);
  const [signed, setSigned] = useState(false);
  const [tag, setTag] = useState('');
  const [message, setMessage] = useState<{ text: string; bad: boolean } | null>(null);
  const [startPreview, setStartPreview] = useState<StartPreview | null>(null);
  const [startRefused, setStartRefused] = useState<string | undefined>(undefined);
  const [localOnly, setLocalOnly] = useState(false);
  const teamReleases = useAppStore((s) => s.releases?.teamReleases ?? false);
  const fileInput = useRef<HTMLInputElement>(null);

  // The saved plans; asked again after a save (a failed read keeps the last list).
  const listed = useRequest(() => client['releases.plans.list']({}), [client]);
  const plans: PlanFile[] = listed.data ?? [];
  const refresh = listed.retry;
  const [recheck, setRecheck] = useState(0);
  useEffect(() => {
    setDrift(null);
    setSigned(false);
  }, [yaml]);
  useEffect(() => {
    if (!yaml.trim()) return setCheck(null);
    // An answer for text that has changed since is dropped (registry answers can take seconds).
    let current = true;
    let again: ReturnType<typeof setTimeout> | undefined;
    const t = setTimeout(
      () =>
        void client['releases.plans.check']({ yaml }).then((r) => {
          if (!current || !r.ok) return;
          setCheck(r.value);
          // Registries or clusters that had not answered yet: ask again (their answer is kept in main).
          if (r.value.images?.pending || r.value.permissions?.pending) again = setTimeout(() => setRecheck((n) => n + 1), 2000);
        }),
      250,
    );
    return () => {
      current = false;
      clearTimeout(t);
      clearTimeout(again);
    };
  }, [client, yaml, recheck]);

  const draft = async () => {
    if (!draftFor || !tag) return;
    const r = await client['releases.plans.draft']({ app: draftFor, tag });
    if (r.ok) setYaml(r.value.yaml);
    else setMessage({ text: r.error.message, bad: true });
  };
  const save = async () => {
    const r = await client['releases.plans.save']({ yaml });
    setMessage(r.ok ? { text: `Saved plan ${r.value.name}.`, bad: false } : { text: r.error.message, bad: true });
    refresh();
  };
  const runDrift = async () => {
    const r = await client['releases.drift']({ yaml });
    if (r.ok) setDrift(r.value);
    else setMessage({ text: r.error.message, bad: true });
  };
  /** Start asks first: what each group's first write changes, as the API server answered a dry run. */
  const preview = useAction(() => client['releases.execution.preview']({ yaml, ...(localOnly ? { localOnly } : {}) }));
  const previewing = preview.busy;
  const askStart = async () => {
    const r = await preview.run();
    setStartRefused(undefined);
    if (r.ok) setStartPreview(r.value);
    else setMessage({ text: r.error.message, bad: true });
  };
  /** A refusal (a permission gone since the preview, another release on the same Deployment) stays in the dialog, in its words. */
  const start = async () => {
    if (!drift) return;
    const created = await client['releases.execution.create']({
      yaml,
      driftFingerprint: drift.fingerprint,
      ...(localOnly ? { localOnly } : {}),
    });
    if (!created.ok) return setStartRefused(created.error.message);
    const started = await client['releases.execution.act']({ id: created.value.id, event: { type: 'start' } });
    if (!started.ok) return setStartRefused(started.error.message);
    setStartPreview(null);
    onStarted(created.value.id);
  };
  const importFile = async (f: File | undefined) => f && setYaml(await f.text());
  const saved = yaml !== '' && plans.some((p) => p.yaml === yaml);
  const problems = useMemo(
    () =>
      (check?.issues ?? []).flatMap((i) =>
        i.line !== undefined ? [{ line: i.line, message: `${i.path ? `${i.path}: ` : ''}${i.message}`, severity: i.severity }] : [],
      ),
    [check],
  );
  const why = startBlockers({ yaml, check, saved, drift, signed });

  return (
    <div className="rel-planner" data-testid="planner">
      <aside className="rel-planner__list" aria-label="Saved plans">
        <div className="field__label">Saved plans</div>
        {plans.map((p) => (
          <button
            key={p.name}
            type="button"
            className="btn btn--ghost rel-planner__item"
            onClick={() => setYaml(p.yaml)}
            data-testid="plan-item"
          >
            {p.name}
          </button>
        ))}
        <button type="button" className="btn" onClick={() => fileInput.current?.click()} data-testid="plan-import">
          Import YAML…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".yaml,.yml"
          hidden
          onChange={(e) => void importFile(e.target.files?.[0])}
          data-testid="plan-import-file"
        />
        {draftFor ? (
          <div className="rel-planner__draft">
            <div className="field__label">New plan for {draftFor}</div>
            <input
              placeholder="tag, e.g. 1.5.0"
              value={tag}
              onChange={(e) => setTag(e.target.value)}
              data-testid="plan-draft-tag"
              onKeyDown={(e) => e.key === 'Enter' && void draft()}
            />
            <button type="button" className="btn" onClick={() => void draft()} disabled={!tag} data-testid="plan-draft">
              Draft
            </button>
          </div>
        ) : null}
      </aside>
      <div className="rel-planner__main">
        <PlanForm yaml={yaml} onChange={setYaml} />
        <PlanEditor value={yaml} onChange={setYaml} problems={problems} onSave={() => void save()} />
        <div className="rel-planner__actions">
          <button
            type="button"
            className="btn"
            onClick={() => void save()}
            disabled={!yaml}
            title={yaml ? 'Save the plan (Ctrl+S)' : 'Nothing to save: draft a plan from the board, pick a saved one or paste YAML.'}
            data-testid="plan-save"
          >
            {saved ? 'Saved' : 'Save'}
          </button>
          <button
            type="button"
            className="btn"
            onClick={() =>
              download(`${check?.stages.length ? (yaml.match(/^name:\s*(.+)$/m)?.[1] ?? 'plan') : 'plan'}.yaml`, yaml, 'application/yaml')
            }
            disabled={!yaml}
            title={yaml ? undefined : 'Nothing to export yet.'}
          >
            Export
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => void runDrift()}
            disabled={!check?.ok}
            title={
              check?.ok
                ? "Compare the plan's snapshot with the clusters as they are now"
                : check
                  ? "Fix the plan's errors first (marked at their line)."
                  : 'The plan is being checked…'
            }
            data-testid="plan-drift"
          >
            Drift check
          </button>
          <button
            type="button"
            className="btn btn--primary"
            onClick={() => void askStart()}
            disabled={why.length > 0 || previewing}
            title={why.length ? `To start: ${why.join(', then ')}.` : 'Preview the first writes against live state (a dry run), then start'}
            data-testid="plan-start"
          >
            {previewing ? 'Previewing…' : 'Start release…'}
          </button>
          {teamReleases ? (
            <label
              className="check"
              title="Run it on this machine alone, as before team releases: no Lease, no record in the cluster. Teammates cannot see it or take it over."
            >
              <input type="checkbox" checked={localOnly} onChange={(ev) => setLocalOnly(ev.target.checked)} data-testid="plan-local-only" />{' '}
              Local only (teammates cannot see it)
            </label>
          ) : null}
          {why.length && yaml ? (
            <span className="muted" data-testid="plan-start-why">
              To start: {why.join(' → ')}.
            </span>
          ) : null}
          {message ? (
            <span className={message.bad ? 'text-bad' : 'muted'} data-testid="planner-message">
              {message.text}
            </span>
          ) : null}
        </div>
        {drift ? <DriftView drift={drift} signed={signed} onSign={setSigned} /> : null}
        <PlanCheckView check={check} />
      </div>
      {startPreview ? (
        <StartConfirm
          preview={startPreview}
          refused={startRefused}
          name={yaml.match(/^name:\s*(.+)$/m)?.[1] ?? 'the release'}
          onCancel={() => (setStartPreview(null), setStartRefused(undefined))}
          onConfirm={() => void start()}
        />
      ) : null}
    </div>
  );
}
