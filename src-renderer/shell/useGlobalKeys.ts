import { useEffect } from 'react';
import { activeTable } from '../components/table-registry';
import type { AppStore } from '../store';
import type { Command } from './keymap';
import { createKeymap } from './keymap';
import type { NavItem } from './nav';

const isTextInput = (el: Element | null): boolean => {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return type !== 'checkbox' && type !== 'radio' && type !== 'button';
  }
  return (el as HTMLElement).isContentEditable === true;
};

/** Focus the current view's filter input; from the overview, go to Workloads first. */
function focusFilter(store: AppStore): void {
  const find = () => document.querySelector<HTMLInputElement>('[data-filter-input]');
  const input = find();
  if (input) {
    input.focus();
    input.select();
    return;
  }
  store.getState().setView('workloads');
  requestAnimationFrame(() => find()?.focus());
}

function run(command: Command, store: AppStore, event: KeyboardEvent): boolean {
  const state = store.getState();
  switch (command.type) {
    case 'view':
      state.setView(command.view);
      return true;
    case 'focus-filter':
      focusFilter(store);
      return true;
    case 'help':
      state.setHelpOpen(!state.helpOpen);
      return true;
    case 'close': {
      if (state.helpOpen) state.setHelpOpen(false);
      else if ((state.view === 'resources' || state.view === 'events') && state.resourceSelected) state.closeResource();
      else if (state.selected) state.closeDetail();
      else if (isTextInput(document.activeElement)) {
        (document.activeElement as HTMLElement).blur();
        activeTable()?.focus();
      } else return false;
      return true;
    }
    case 'move':
    case 'move-to':
    case 'open': {
      // Buttons and links keep their own Enter.
      if (command.type === 'open' && event.target instanceof HTMLElement && event.target.closest('button, a, [role=radio], [role=tab]'))
        return false;
      const table = activeTable();
      if (!table) return false;
      if (command.type === 'move') table.move(command.delta);
      else if (command.type === 'move-to') table.moveTo(command.edge);
      else table.open();
      return true;
    }
  }
}

/** Global shortcuts (see keymap.ts); one listener on the window. */
export function useGlobalKeys(store: AppStore, nav: readonly NavItem[]): void {
  useEffect(() => {
    const keymap = createKeymap(nav);
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const command = keymap.handle({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        inInput: isTextInput(document.activeElement),
        now: Date.now(),
      });
      if (command && run(command, store, event)) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store, nav]);
}
