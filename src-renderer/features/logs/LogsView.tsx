/**
 * The Logs screen: tabs of log views and shells, plus the form that opens new ones. Every tab
 * stays mounted while open (its stream keeps flowing, hidden); closing a tab ends its stream or
 * its remote process. Keys: Alt+1..9 switch tabs, Alt+W closes the current one.
 */
import { useEffect } from 'react';
import './logs.css';
import { useAppStore } from '../../store';
import { LogTab } from './LogTab';
import { NewViewForm } from './NewViewForm';
import { tabLabel } from './open-tabs';
import { DebugShellTab } from './DebugShellTab';
import { ShellTab } from './ShellTab';

export function LogsView() {
  const tabs = useAppStore((s) => s.logTabs);
  const active = useAppStore((s) => s.activeLogTab);
  const setActive = useAppStore((s) => s.setActiveLogTab);
  const close = useAppStore((s) => s.closeLogTab);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      const n = Number(e.key);
      if (n >= 1 && n <= 9 && tabs[n - 1]) {
        e.preventDefault();
        setActive(tabs[n - 1]!.id);
      } else if (e.key === 'w' && active) {
        e.preventDefault();
        close(active);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [tabs, active, setActive, close]);

  const current = tabs.find((t) => t.id === active);
  return (
    <div className="logs-view">
      <div className="log-tabs" role="tablist">
        {tabs.map((t, i) => (
          <div
            key={t.id}
            role="tab"
            aria-selected={t.id === active}
            className={`log-tabs-tab${t.id === active ? ' active' : ''}`}
            onClick={() => setActive(t.id)}
            data-testid={`tab-${t.kind}`}
          >
            <span className={`log-tabs-kind kind-${t.kind}`}>{t.kind === 'logs' ? '≡' : '>_'}</span>
            <span title={`Alt+${i + 1}`}>{tabLabel(t)}</span>
            <button
              type="button"
              aria-label={`Close ${t.title}`}
              title="Close (Alt+W)"
              onClick={(e) => {
                e.stopPropagation();
                close(t.id);
              }}
            >
              ×
            </button>
          </div>
        ))}
        <div
          role="tab"
          aria-selected={!current}
          className={`log-tabs-tab${current ? '' : ' active'}`}
          onClick={() => useAppStore.setState({ activeLogTab: null })}
          data-testid="tab-new"
        >
          + New
        </div>
      </div>
      {current ? null : <NewViewForm />}
      {tabs.map((t) =>
        t.kind === 'logs' ? (
          <LogTab key={t.id} viewId={t.id} selection={t.selection} title={t.title} active={t.id === active} />
        ) : t.kind === 'debug' ? (
          <DebugShellTab key={t.id} sessionId={t.id} target={t.target} active={t.id === active} />
        ) : (
          <ShellTab key={t.id} sessionId={t.id} target={t.target} active={t.id === active} />
        ),
      )}
    </div>
  );
}
