import { useAppStore } from '../store';
import type { NavItem } from './nav';

export function NavBar({ items }: { items: readonly NavItem[] }) {
  const view = useAppStore((s) => s.view);
  const setView = useAppStore((s) => s.setView);
  const problems = useAppStore((s) => (s.clusters ?? []).reduce((n, c) => n + c.counts.problems, 0));
  return (
    <nav className="nav" aria-label="Main">
      <div className="nav__brand" aria-label="Capstan">
        <span className="nav__logo" aria-hidden>
          ⎈
        </span>
        Capstan
      </div>
      <ul className="plain-list">
        {items.map((item, i) => (
          <li key={item.id}>
            <button
              type="button"
              className={`nav__item${view === item.id ? ' is-active' : ''}`}
              aria-current={view === item.id ? 'page' : undefined}
              onClick={() => setView(item.id)}
              title={`${item.hint} (g ${item.key} or ${i + 1})`}
              data-testid={`nav-${item.id}`}
            >
              <span className="nav__label">{item.label}</span>
              {item.id === 'problems' && problems > 0 ? <span className="badge badge--bad nav__count">{problems}</span> : null}
              <kbd className="nav__key">{i + 1}</kbd>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
