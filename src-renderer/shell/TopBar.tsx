import { summarizeFreshness, stateTone } from '../components/freshness';
import { Spinner } from '../components/Spinner';
import { StatusBadge } from '../components/StatusBadge';
import { ThemeToggle } from '../components/ThemeToggle';
import { useAppStore } from '../store';

function FreshnessSummary() {
  const clusters = useAppStore((s) => s.clusters);
  const setView = useAppStore((s) => s.setView);
  if (!clusters) return <Spinner size="xs" label="Connecting to Capstan services…" />;
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
          {p.state === 'connecting' || p.state === 'reconnecting' ? <Spinner size="xs" /> : <span className={`dot dot--${stateTone[p.state]}`} aria-hidden />}
          {p.count} {p.state === 'idle' ? 'not connected' : p.state}
        </StatusBadge>
      ))}
    </button>
  );
}

function ServicesState() {
  const state = useAppStore((s) => s.servicesState);
  if (state === 'open') return null;
  return (
    <span data-testid="services-state" data-state={state}>
      <StatusBadge tone={state === 'closed' ? 'bad' : 'warn'}>
        {state === 'closed' ? 'Disconnected from Capstan services — reload to retry' : <Spinner size="xs" label={`${state === 'connecting' ? 'Connecting' : 'Reconnecting'} to Capstan services…`} />}
      </StatusBadge>
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
      <button type="button" className="btn btn--ghost" onClick={() => setHelpOpen(true)} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" data-testid="help-button">
        ?
      </button>
    </header>
  );
}
