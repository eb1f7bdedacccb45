/**
 * Sampling interval, history length, the history's memory budget, the CPU share rounds may use and
 * the optional Prometheus URL per cluster, with what they give now (the interval actually used and
 * who is kept at which resolution). Saved in main's settings (never secrets: a Prometheus URL
 * only), applied from the next round.
 */
import { useState } from 'react';
import type { MetricsHistoryStatus, MetricsPacing, MetricsSettings } from '../../../src-shared/metrics/contract';
import { useClient } from '../../components/ClientContext';
import { useAction } from '../../components/useAction';
import { useRequest } from '../../components/useRequest';
import { historyText, pacingText } from './status-text';

export function SettingsPanel({
  clusterIds,
  pacing,
  history,
  onClose,
}: {
  clusterIds: string[];
  pacing: MetricsPacing;
  history: MetricsHistoryStatus;
  onClose: () => void;
}) {
  const client = useClient();
  const stored = useRequest(() => client['metrics.getSettings']({}), [client]);
  /** The settings as edited here, from the stored ones. */
  const [edited, setS] = useState<MetricsSettings | null>(null);
  const s = edited ?? stored.data;
  const saving = useAction((next: MetricsSettings) => client['metrics.setSettings'](next));
  const error = (saving.error ?? stored.error)?.message;
  if (!s) return <section className="metrics-settings card">{error ?? 'Loading…'}</section>;

  const save = async () => {
    const prometheus = Object.fromEntries(Object.entries(s.prometheus).filter(([, v]) => v.trim() !== ''));
    const r = await saving.run({
      intervalMs: s.intervalMs,
      historyMinutes: s.historyMinutes,
      historyBudgetMB: s.historyBudgetMB,
      maxCpuPercent: s.maxCpuPercent,
      prometheus,
    });
    if (r.ok) onClose();
  };
  return (
    <section className="metrics-settings card" aria-label="Metrics settings" data-testid="metrics-settings">
      <label className="metrics-settings__field">
        <span className="metrics-settings__label">Sample every (seconds)</span>
        <input
          type="number"
          min={1}
          max={600}
          value={s.intervalMs / 1000}
          onChange={(e) => setS({ ...s, intervalMs: Math.round(Number(e.target.value) * 1000) })}
        />
      </label>
      <label className="metrics-settings__field">
        <span className="metrics-settings__label">Keep (minutes)</span>
        <input
          type="number"
          min={5}
          max={1440}
          value={s.historyMinutes}
          onChange={(e) => setS({ ...s, historyMinutes: Math.round(Number(e.target.value)) })}
        />
      </label>
      <label className="metrics-settings__field">
        <span className="metrics-settings__label">History memory budget (MB)</span>
        <input
          type="number"
          min={16}
          max={4096}
          value={s.historyBudgetMB}
          onChange={(e) => setS({ ...s, historyBudgetMB: Math.round(Number(e.target.value)) })}
        />
      </label>
      <label className="metrics-settings__field">
        <span className="metrics-settings__label">Sampling may use (% of a core)</span>
        <input
          type="number"
          min={0.5}
          max={50}
          step={0.5}
          value={s.maxCpuPercent}
          onChange={(e) => setS({ ...s, maxCpuPercent: Number(e.target.value) })}
        />
      </label>
      <p className="metrics-settings__now metrics-status" data-testid="metrics-settings-now">
        Now: {pacingText(pacing)}. {historyText(history)}.
      </p>
      {clusterIds.map((id) => (
        <label key={id} className="metrics-settings__field metrics-settings__field--wide">
          <span className="metrics-settings__label">Prometheus URL for {id} (optional, adds throttling)</span>
          <input
            type="url"
            placeholder="https://prometheus.example:9090"
            value={s.prometheus[id] ?? ''}
            onChange={(e) => setS({ ...s, prometheus: { ...s.prometheus, [id]: e.target.value } })}
          />
        </label>
      ))}
      {error ? (
        <p className="metrics-detail__error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="metrics-detail__actions">
        <button type="button" className="btn btn--primary" onClick={() => void save()}>
          Save
        </button>
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
      </div>
    </section>
  );
}
