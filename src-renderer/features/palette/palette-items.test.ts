import { describe, expect, it } from 'vitest';
import type { Command } from './palette-items';
import { matchCommands } from './palette-items';

const cmd = (label: string): Command => ({ id: label, label, group: 'View', run: () => {} });

describe('matchCommands', () => {
  it('needs every word, puts label prefixes and word starts first', () => {
    const all = [cmd('Go to Events'), cmd('Show kind: Event'), cmd('Theme: dark'), cmd('Go to Resources')];
    expect(matchCommands(all, 'ev', 10).map((c) => c.label)).toEqual(['Go to Events', 'Show kind: Event']);
    expect(matchCommands(all, 'go res', 10).map((c) => c.label)).toEqual(['Go to Resources']);
    expect(matchCommands(all, 'theme', 10).map((c) => c.label)).toEqual(['Theme: dark']);
    expect(matchCommands(all, '', 2)).toHaveLength(2);
  });
});
