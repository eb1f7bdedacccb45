import { describe, expect, it } from 'vitest';
import { labelSelectorString } from '../../src-shared/base/label-selector';
import { SelectorError, labelSelectorMatcher, parseFieldSelector, parseLabelSelector } from './selectors';

describe('label selectors', () => {
  const labels = { app: 'orders', 'capstan.io/group': 'pro', tier: 'web' };

  it.each([
    ['', true],
    ['app=orders', true],
    ['app==orders', true],
    ['app=payments', false],
    ['app!=payments', true],
    ['missing!=x', true],
    ['capstan.io/group in (fat,pro)', true],
    ['capstan.io/group in (fat, uat)', false],
    ['capstan.io/group notin (fat,uat)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['app=orders,capstan.io/group in (pro),tier', true],
    ['app=orders,tier=db', false],
  ])('%j → %s', (sel, expected) => {
    expect(parseLabelSelector(sel)(labels)).toBe(expected);
  });

  it('rejects malformed requirements', () => {
    expect(() => parseLabelSelector('app in fat')).toThrow(SelectorError);
    expect(() => parseLabelSelector('a=b=c')).toThrow(SelectorError);
  });

  it('matches metav1.LabelSelector and prints it', () => {
    const sel = {
      matchLabels: { app: 'orders' },
      matchExpressions: [
        { key: 'tier', operator: 'In' as const, values: ['web', 'api'] },
        { key: 'x', operator: 'DoesNotExist' as const },
      ],
    };
    expect(labelSelectorMatcher(sel)(labels)).toBe(true);
    expect(labelSelectorMatcher({ matchLabels: { app: 'x' } })(labels)).toBe(false);
    expect(labelSelectorString(sel)).toBe('app=orders,tier in (web,api),!x');
  });
});

describe('field selectors', () => {
  it('parses =, == and !=', () => {
    expect(parseFieldSelector('metadata.name=a,status.phase!=Running,spec.nodeName==n1')).toEqual([
      { field: 'metadata.name', op: 'eq', value: 'a' },
      { field: 'status.phase', op: 'neq', value: 'Running' },
      { field: 'spec.nodeName', op: 'eq', value: 'n1' },
    ]);
    expect(() => parseFieldSelector('metadata.name')).toThrow(SelectorError);
  });
});
