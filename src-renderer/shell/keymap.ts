import type { NavItem } from './nav';

export type Command =
  | { type: 'view'; view: string }
  | { type: 'focus-filter' }
  | { type: 'help' }
  | { type: 'close' }
  | { type: 'move'; delta: number }
  | { type: 'move-to'; edge: 'first' | 'last' }
  | { type: 'open' };

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Focus is in a text input, select or textarea: only Escape is ours then. */
  inInput: boolean;
  /** Epoch ms, to expire a pending "g" chord. */
  now: number;
}

export interface Shortcut {
  /** Alternatives; each is a key sequence written with spaces ("g o"). */
  keys: string[];
  description: string;
}

const chordTimeoutMs = 1200;

/** A pure key map: feed it keydown events, get commands. Holds only the pending "g" chord. */
export function createKeymap(nav: readonly NavItem[]) {
  let pendingG: number | null = null;

  const handle = (input: KeyInput): Command | null => {
    const { key } = input;
    if (key === 'Escape') {
      pendingG = null;
      return { type: 'close' };
    }
    if (input.inInput || input.ctrlKey || input.metaKey || input.altKey) return null;

    if (pendingG !== null) {
      const fresh = input.now - pendingG <= chordTimeoutMs;
      pendingG = null;
      if (fresh) {
        const item = nav.find((n) => n.key === key);
        if (item) return { type: 'view', view: item.id };
        if (key === 'g') return { type: 'move-to', edge: 'first' };
      }
    }
    switch (key) {
      case 'g':
        pendingG = input.now;
        return null;
      case 'G':
        return { type: 'move-to', edge: 'last' };
      case '/':
        return { type: 'focus-filter' };
      case '?':
        return { type: 'help' };
      case 'j':
      case 'ArrowDown':
        return { type: 'move', delta: 1 };
      case 'k':
      case 'ArrowUp':
        return { type: 'move', delta: -1 };
      case 'PageDown':
        return { type: 'move', delta: 20 };
      case 'PageUp':
        return { type: 'move', delta: -20 };
      case 'Home':
        return { type: 'move-to', edge: 'first' };
      case 'End':
        return { type: 'move-to', edge: 'last' };
      case 'Enter':
        return { type: 'open' };
    }
    if (/^[1-9]$/.test(key)) {
      const item = nav[Number(key) - 1];
      if (item) return { type: 'view', view: item.id };
    }
    return null;
  };

  return { handle };
}

/** What the "?" overlay lists. */
export function shortcutList(nav: readonly NavItem[]): Shortcut[] {
  return [
    ...nav.map((n, i) => ({ keys: [`g ${n.key}`, `${i + 1}`], description: `Go to ${n.label}` })),
    { keys: ['Ctrl+K', '⌘K'], description: 'Command palette: find any object of any kind in any cluster, any view or action' },
    { keys: ['/'], description: 'Focus the filter' },
    { keys: ['j', 'k', '↓', '↑'], description: 'Move down / up in the table' },
    { keys: ['g g', 'G'], description: 'First / last row' },
    { keys: ['Enter'], description: 'Open the detail drawer' },
    { keys: ['l', 'p', 's', 'm'], description: 'In the detail drawer: logs / previous logs / shell / metrics of the pod or Deployment' },
    { keys: ['Esc'], description: 'Close the drawer or this help; leave the filter' },
    { keys: ['?'], description: 'Show these shortcuts' },
    { keys: ['/', 'f'], description: 'Log tab: search / filter (literal text; r toggles regular expressions)' },
    { keys: ['Enter', 'Shift+Enter', 'n', 'N'], description: 'Log tab: next / previous search match' },
    { keys: ['Space'], description: 'Log tab: pause / resume' },
    { keys: ['End', 'G'], description: 'Log tab: jump to the latest line' },
    { keys: ['t', 'w', 'j'], description: 'Log tab: timestamps / wrap / pretty JSON' },
    { keys: ['p'], description: 'Log tab: previous container instance' },
    { keys: ['d', 'c'], description: 'Log tab: download the session / copy the selection' },
    { keys: ['Alt+1…9', 'Alt+W'], description: 'Logs: switch to tab n / close the tab' },
  ];
}
