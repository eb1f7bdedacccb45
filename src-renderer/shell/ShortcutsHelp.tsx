import { Modal } from '../components/Modal';
import { useAppStore } from '../store';
import { shortcutList } from './keymap';
import type { NavItem } from './nav';

export function ShortcutsHelp({ nav }: { nav: readonly NavItem[] }) {
  const setHelpOpen = useAppStore((s) => s.setHelpOpen);
  return (
    <Modal label="Keyboard shortcuts" testId="shortcuts-help" className="overlay__panel" onClose={() => setHelpOpen(false)}>
      <header className="overlay__header">
        <h2>Keyboard shortcuts</h2>
        <button type="button" className="btn btn--ghost" onClick={() => setHelpOpen(false)} aria-label="Close shortcuts" autoFocus>
          ✕
        </button>
      </header>
      <table className="shortcuts">
        <tbody>
          {shortcutList(nav).map((s) => (
            <tr key={s.description}>
              <td className="shortcuts__keys">
                {s.keys.map((seq, i) => (
                  <span key={seq}>
                    {i > 0 ? <span className="muted"> or </span> : null}
                    {seq.split(' ').map((k, j) => (
                      <kbd key={j}>{k}</kbd>
                    ))}
                  </span>
                ))}
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
