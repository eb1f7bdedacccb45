import { summarizeFreshness, stateTone } from '../components/freshness';
import { formatClock, formatElapsed } from '../../src-shared/base/duration';
import { Spinner } from '../components/Spinner';
import { StatusBadge } from '../components/StatusBadge';
import { ThemeToggle } from '../components/ThemeToggle';
import { useNow } from '../components/useNow';
import { getTransport } from '../ipc';
import { useAppStore } from '../store';

function FreshnessSummary() {
  const clusters = useAppStore((s) => s.clusters);
  const setView = useAppStore((s) => s.setView);
  const downSince = useAppStore((s) => s.servicesDownSince);
  const now = useNow();
  if (!clusters) return <Spinner size="xs" label="Connecting to Capstan services…" />;
  if (downSince !== null) {
    // Nothing is live while the services are unreachable: no per-cluster "live" counts.
    return (
      <span
        className="summary"
        data-testid="freshness-summary"
        data-worst="disconnected"
        title="The data on screen is as of the moment the connection dropped"
      >
        <span className="summary__total">
          {clusters.length} cluster{clusters.length === 1 ? '' : 's'}
        </span>
        <StatusBadge tone="bad" testId="freshness-summary-disconnected">
          <span className="dot dot--bad" aria-hidden />
          stale since {formatClock(downSince, now)}
        </StatusBadge>
      </span>
    );
  }
  const summary = summarizeFreshness(clusters);
  return (
    <button
      type="button"
      className="summary"
      onClick={() => setView('overview')}
      data-testid="freshness-summary"
      data-worst={summary.worst ?? 'none'}
      title="Cluster connection states (open the overview)"
      aria-label={`Clusters: ${summary.text}`}
    >
      <span className="summary__total">
        {summary.total} cluster{summary.total === 1 ? '' : 's'}
      </span>
      {summary.parts.map((p) => (
        <StatusBadge key={p.state} tone={stateTone[p.state]} testId={`freshness-summary-${p.state}`}>
          {p.state === 'connecting' || p.state === 'reconnecting' ? (
            <Spinner size="xs" />
          ) : (
            <span className={`dot dot--${stateTone[p.state]}`} aria-hidden />
          )}
          {p.count} {p.state === 'idle' ? 'not connected' : p.state}
        </StatusBadge>
      ))}
    </button>
  );
}

function ServicesState() {
  const state = useAppStore((s) => s.servicesState);
  const downSince = useAppStore((s) => s.servicesDownSince);
  const now = useNow();
  if (state === 'open') return null;
  if (state === 'connecting' && downSince === null) {
    return (
      <span data-testid="services-state" data-state={state}>
        <StatusBadge tone="warn">
          <Spinner size="xs" label="Connecting to Capstan services…" />
        </StatusBadge>
      </span>
    );
  }
  const since = downSince ?? now;
  return (
    <span
      className="services-down"
      role="alert"
      data-testid="services-state"
      data-state={state}
      title="Capstan's services (npm start / npm run serve) cannot be reached. What you see is as of the moment the connection dropped, and every action is off until it is back."
    >
      <StatusBadge tone="bad">
        {state === 'closed' ? null : <Spinner size="xs" />}
        Disconnected since {formatClock(since, now)} ({formatElapsed(now - since)})
        {state === 'closed' ? ' — reload the page' : ' — retrying; actions off'}
      </StatusBadge>
      {state === 'reconnecting' ? (
        <button type="button" className="btn btn--ghost" onClick={() => getTransport().reconnectNow?.()} data-testid="services-retry">
          Retry now
        </button>
      ) : null}
    </span>
  );
}

export function TopBar({ title }: { title: string }) {
  const setHelpOpen = useAppStore((s) => s.setHelpOpen);
  const sandbox = useAppStore((s) => s.appInfo?.sandbox ?? false);
  return (
    <header className="topbar">
      <h1 className="topbar__title">{title}</h1>
      {sandbox ? (
        <span className="badge badge--muted" title="Connected to the built-in simulated datacenter" data-testid="sandbox-badge">
          sandbox
        </span>
      ) : null}
      <FreshnessSummary />
      <ServicesState />
      <div className="topbar__spacer" />
      <ThemeToggle />
      <button
        type="button"
        className="btn btn--ghost"
        onClick={() => setHelpOpen(true)}
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        data-testid="help-button"
      >
        ?
      </button>
    </header>
  );
}
