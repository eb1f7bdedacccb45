import { describe, expect, it } from 'vitest';
import { labelSelectorString } from './label-selector';

describe('labelSelectorString', () => {
  it('writes matchLabels and every matchExpressions operator in the query syntax', () => {
    expect(
      labelSelectorString({
        matchLabels: { app: 'orders', 'capstan.io/group': 'pro' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['web', 'api'] },
          { key: 'zone', operator: 'NotIn', values: ['a'] },
          { key: 'canary', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=orders,capstan.io/group=pro,tier in (web,api),zone notin (a),canary,!legacy');
  });

  it('gives an empty string for an empty or missing selector', () => {
    expect(labelSelectorString(undefined)).toBe('');
    expect(labelSelectorString({})).toBe('');
  });

  it('writes an In with no values as an empty set', () => {
    expect(labelSelectorString({ matchExpressions: [{ key: 'k', operator: 'In' }] })).toBe('k in ()');
  });
});
