import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { conflictLines, hasConflictMarkers, mergeThreeWay, resolveConflict } from './three-way-merge';

const deployment = (o: { rv: string; replicas: number; labels?: Record<string, string>; image?: string; env?: string }) =>
  stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', resourceVersion: o.rv, labels: { app: 'web', ...o.labels } },
    spec: {
      replicas: o.replicas,
      template: { spec: { containers: [{ name: 'web', image: o.image ?? 'web:1', env: [{ name: 'MODE', value: o.env ?? 'a' }] }] } },
    },
  });

describe('mergeThreeWay', () => {
  it('applies my change onto theirs when they touch different lines (and takes their resourceVersion)', () => {
    const base = deployment({ rv: '10', replicas: 2 });
    const mine = deployment({ rv: '10', replicas: 5 });
    const theirs = deployment({ rv: '11', replicas: 2, labels: { team: 'blue' } });
    const m = mergeThreeWay(base, mine, theirs);
    expect(m.conflicts).toEqual([]);
    expect(m.text).toBe(deployment({ rv: '11', replicas: 5, labels: { team: 'blue' } }));
    expect(hasConflictMarkers(m.text)).toBe(false);
    expect(m.fromMine).toBe(1);
    expect(m.fromTheirs).toBe(2);
  });

  it('reports a conflict where both changed the same line differently, with both versions and the base', () => {
    const base = deployment({ rv: '10', replicas: 2, image: 'web:1' });
    const mine = deployment({ rv: '10', replicas: 2, image: 'web:2' });
    const theirs = deployment({ rv: '11', replicas: 3, image: 'web:3' });
    const m = mergeThreeWay(base, mine, theirs);
    expect(m.conflicts).toHaveLength(1);
    const c = m.conflicts[0]!;
    expect(c.mine.join('\n')).toContain('web:2');
    expect(c.theirs.join('\n')).toContain('web:3');
    expect(c.base.join('\n')).toContain('web:1');
    expect(m.text.split('\n')[c.line - 1]).toBe('<<<<<<< your edit');
    expect(hasConflictMarkers(m.text)).toBe(true);
    // The non-overlapping changes are merged around it.
    expect(m.text).toContain('resourceVersion: "11"');
    expect(m.text).toContain('replicas: 3');
  });

  it('takes an identical change once, keeps unchanged text, and handles insertions at the end', () => {
    const base = 'a\nb\nc';
    expect(mergeThreeWay(base, base, base).text).toBe(base);
    expect(mergeThreeWay(base, 'a\nB\nc', 'a\nB\nc')).toMatchObject({ text: 'a\nB\nc', conflicts: [] });
    expect(mergeThreeWay(base, 'a\nb\nc\nmine', 'theirs\na\nb\nc')).toMatchObject({ text: 'theirs\na\nb\nc\nmine', conflicts: [] });
    expect(mergeThreeWay(base, 'a\nc', 'a\nb\nc\nd')).toMatchObject({ text: 'a\nc\nd', conflicts: [] });
  });

  it('keeps lines one side added right next to a line the other changed (a key beside an edited one)', () => {
    const base = 'data:\n  level: debug\nkind: ConfigMap';
    const m = mergeThreeWay(base, 'data:\n  level: warn\nkind: ConfigMap', 'data:\n  level: debug\n  other: x\nkind: ConfigMap');
    expect(m).toMatchObject({ text: 'data:\n  level: warn\n  other: x\nkind: ConfigMap', conflicts: [] });
    // The other way round, and a deletion beside an insertion.
    expect(mergeThreeWay(base, 'data:\n  first: 1\n  level: debug\nkind: ConfigMap', 'data:\n  level: trace\nkind: ConfigMap').text).toBe(
      'data:\n  first: 1\n  level: trace\nkind: ConfigMap',
    );
    expect(mergeThreeWay(base, 'data:\nkind: ConfigMap', 'data:\n  level: debug\n  other: x\nkind: ConfigMap').text).toBe(
      'data:\n  other: x\nkind: ConfigMap',
    );
  });

  it('conflicts when both insert different lines at the same place', () => {
    const m = mergeThreeWay('a\nb', 'a\nx\nb', 'a\ny\nb');
    expect(m.conflicts).toEqual([{ line: 2, mine: ['x'], base: [], theirs: ['y'] }]);
    expect(m.text).toBe('a\n<<<<<<< your edit\nx\n||||||| when you opened it\n=======\ny\n>>>>>>> live now\nb');
  });

  it('a deletion on one side and an edit next to it on the other stay apart', () => {
    const m = mergeThreeWay('k1: 1\nk2: 2\nk3: 3\nk4: 4', 'k1: 1\nk3: 3\nk4: 4', 'k1: 1\nk2: 2\nk3: 3\nk4: 40');
    expect(m).toMatchObject({ text: 'k1: 1\nk3: 3\nk4: 40', conflicts: [] });
  });

  it('resolves a conflict block by keeping one side', () => {
    const m = mergeThreeWay('a\nb\nc\nd', 'a\nB1\nc\nD1', 'a\nB2\nc\nD2');
    expect(conflictLines(m.text)).toEqual([2, 10]);
    const once = resolveConflict(m.text, 1, 'theirs');
    expect(conflictLines(once)).toEqual([2]);
    expect(resolveConflict(once, 0, 'mine')).toBe('a\nB1\nc\nD2');
    expect(hasConflictMarkers(resolveConflict(once, 0, 'mine'))).toBe(false);
  });
});
