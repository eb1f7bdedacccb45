import { describe, expect, it } from 'vitest';
import type { ClusterEntry } from './kubeconfig-types';
import { VisibleEntries } from './visible-entries';

describe('VisibleEntries', () => {
  it('leaves hidden clusters out, persists the setting, and says so to listeners', () => {
    const entries = [
      { id: 'fat', source: '/k/a' },
      { id: 'uat', source: '/k/a' },
    ] as ClusterEntry[];
    let stored: string[] = ['uat'];
    const v = new VisibleEntries(
      { entries: () => entries, onDidChangeEntries: () => () => {} },
      { get: () => stored, set: (ids) => (stored = ids) },
    );
    expect(v.entries().map((e) => e.id)).toEqual(['fat']);
    expect(v.hidden()).toEqual([{ id: 'uat', source: '/k/a' }]);
    const seen: string[][] = [];
    v.onDidChangeEntries((e) => seen.push(e.map((x) => x.id)));
    v.setHidden('uat', false);
    v.setHidden('fat', true);
    expect(seen).toEqual([['fat', 'uat'], ['uat']]);
    expect(stored).toEqual(['fat']);
  });
});
