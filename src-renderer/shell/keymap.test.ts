import { describe, expect, it } from 'vitest';
import { createKeymap, shortcutList } from './keymap';
import { navItems } from './nav';

const key = (k: string, now = 0, extra: Partial<{ inInput: boolean; ctrlKey: boolean }> = {}) => ({
  key: k,
  now,
  inInput: false,
  ...extra,
});

describe('keymap', () => {
  it('switches views with g-chords and digits, from the nav data', () => {
    const km = createKeymap(navItems);
    expect(km.handle(key('g', 0))).toBeNull();
    expect(km.handle(key('w', 300))).toEqual({ type: 'view', view: 'workloads' });
    km.handle(key('g', 1000));
    expect(km.handle(key('p', 1200))).toEqual({ type: 'view', view: 'problems' });
    expect(km.handle(key('1'))).toEqual({ type: 'view', view: 'overview' });
    // Digits follow the nav order, which grows as features add entries.
    const problemsDigit = String(navItems.findIndex((n) => n.id === 'problems') + 1);
    expect(km.handle(key(problemsDigit))).toEqual({ type: 'view', view: 'problems' });
    // A digit past the last nav entry does nothing (0 when every digit has an entry).
    expect(km.handle(key(navItems.length < 9 ? String(navItems.length + 1) : '0'))).toBeNull();
  });

  it('expires a pending g after a pause', () => {
    const km = createKeymap(navItems);
    km.handle(key('g', 0));
    expect(km.handle(key('o', 5000))).toBeNull();
  });

  it('moves, opens, closes, focuses the filter and shows help', () => {
    const km = createKeymap(navItems);
    expect(km.handle(key('j'))).toEqual({ type: 'move', delta: 1 });
    expect(km.handle(key('ArrowDown'))).toEqual({ type: 'move', delta: 1 });
    expect(km.handle(key('k'))).toEqual({ type: 'move', delta: -1 });
    expect(km.handle(key('ArrowUp'))).toEqual({ type: 'move', delta: -1 });
    expect(km.handle(key('G'))).toEqual({ type: 'move-to', edge: 'last' });
    km.handle(key('g', 0));
    expect(km.handle(key('g', 100))).toEqual({ type: 'move-to', edge: 'first' });
    expect(km.handle(key('Enter'))).toEqual({ type: 'open' });
    expect(km.handle(key('Escape'))).toEqual({ type: 'close' });
    expect(km.handle(key('/'))).toEqual({ type: 'focus-filter' });
    expect(km.handle(key('?'))).toEqual({ type: 'help' });
  });

  it('leaves typing alone: only Escape is ours in an input, and modifiers pass through', () => {
    const km = createKeymap(navItems);
    expect(km.handle(key('j', 0, { inInput: true }))).toBeNull();
    expect(km.handle(key('/', 0, { inInput: true }))).toBeNull();
    expect(km.handle(key('Escape', 0, { inInput: true }))).toEqual({ type: 'close' });
    expect(km.handle(key('1', 0, { ctrlKey: true }))).toBeNull();
  });

  it('lists a shortcut per nav item', () => {
    const list = shortcutList(navItems);
    expect(list[0]).toEqual({ keys: ['g o', '1'], description: 'Go to Overview' });
    expect(list.some((s) => s.keys.includes('?'))).toBe(true);
  });
});
