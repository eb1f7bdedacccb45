import { describe, expect, it } from 'vitest';
import {
  cellState,
  computeMatrix,
  globToRegExp,
  isStuck,
  parseTaskResource,
  referenceDigest,
  sortTasksFailedFirst,
  type MatrixInput,
  type TagObservation,
} from './matrix';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const now = 1_000_000;

const input = (over: Partial<MatrixInput> = {}): MatrixInput => ({
  regions: ['east', 'west', 'north'],
  observations: [],
  readableRegions: new Set(['east', 'west', 'north']),
  regionErrors: new Map(),
  replication: [],
  priority: new Set(),
  now,
  ...over,
});
const obs = (region: string, digest: string, pushedAt?: number, repository = 'library/app', tag = '1.0'): TagObservation => ({
  region,
  repository,
  tag,
  digest,
  pushedAt,
});

describe('referenceDigest', () => {
  it('is the digest first pushed most recently (a replica does not become the source)', () => {
    expect(referenceDigest([obs('east', A, 100), obs('west', A, 500)])).toEqual({ digest: A, region: 'east', pushedAt: 100 });
    // east re-pushed B after west got the replica of A: B is the reference.
    expect(referenceDigest([obs('east', B, 900), obs('west', A, 500), obs('north', A, 120)])).toEqual({
      digest: B,
      region: 'east',
      pushedAt: 900,
    });
  });
  it('with a source region: its digest, whatever the majority, sort order or push times say', () => {
    expect(referenceDigest([obs('east', A), obs('west', B)], 'west')).toMatchObject({ digest: B, region: 'west' });
    // A 1–1 tie: the source decides, not the digest that sorts first.
    expect(referenceDigest([obs('east', B), obs('west', A)], 'east')).toMatchObject({ digest: B, region: 'east' });
    expect(referenceDigest([obs('east', A, 100), obs('west', B, 900)], 'east')).toMatchObject({ digest: A });
    expect(referenceDigest([obs('east', A), obs('west', B), obs('north', B)], 'east')).toMatchObject({ digest: A });
    expect(referenceDigest([])).toBeUndefined();
  });
  it('a source region that could not be read decides nothing; without a source, differing digests are a conflict', () => {
    expect(referenceDigest([obs('west', A)], 'east', new Set(['west']))).toEqual({ sourceUnreadable: true });
    // The source was read and lacks the tag: the other regions agree, so that digest.
    expect(referenceDigest([obs('west', A), obs('north', A)], 'east', new Set(['east', 'west', 'north']))).toMatchObject({ digest: A });
    expect(referenceDigest([obs('east', A), obs('west', B), obs('north', B)])).toEqual({ conflict: true });
    expect(referenceDigest([obs('east', B), obs('west', A)])).toEqual({ conflict: true });
  });
});

describe('cellState', () => {
  const task = (taskStatus: string) => ({ destRegion: 'west', repository: 'library/app', tag: '1.0', taskStatus, stuck: false });
  it('covers every state', () => {
    expect(cellState(obs('west', A), A, undefined)).toBe('synced');
    expect(cellState(obs('west', A), A, task('Failed'))).toBe('synced');
    expect(cellState(undefined, A, undefined)).toBe('missing');
    expect(cellState(undefined, A, task('Succeed'))).toBe('missing');
    expect(cellState(undefined, A, task('Stopped'))).toBe('missing');
    expect(cellState(obs('west', B), A, undefined)).toBe('mismatch');
    expect(cellState(obs('west', B), A, task('InProgress'))).toBe('replicating');
    expect(cellState(undefined, A, task('Pending'))).toBe('replicating');
    expect(cellState(undefined, A, task('Failed'))).toBe('failed');
  });
});

describe('computeMatrix', () => {
  it('rows × regions with lag, stuck flags, unknown regions and a summary', () => {
    const m = computeMatrix(
      input({
        observations: [
          obs('east', A, 1000),
          obs('west', A, 4000),
          obs('east', B, 5000, 'library/app', '2.0'),
          obs('east', A, 2000, 'library/svc', '1.0'),
        ],
        readableRegions: new Set(['east', 'west']),
        regionErrors: new Map([['north', { code: 'unavailable', message: 'down' }]]),
        replication: [
          { destRegion: 'west', repository: 'library/app', tag: '2.0', taskStatus: 'InProgress', taskStartedAt: 5100, stuck: true },
          { destRegion: 'west', repository: 'library/svc', tag: '1.0', taskStatus: 'Failed', taskStartedAt: 2100, stuck: false },
          { destRegion: 'west', repository: 'library/svc', tag: '1.0', taskStatus: 'Failed', taskStartedAt: 2000, stuck: false },
        ],
      }),
    );
    expect(m.rows.map((r) => `${r.repository}:${r.tag}`)).toEqual(['library/app:2.0', 'library/svc:1.0', 'library/app:1.0']);
    const [app2, svc, app1] = m.rows;
    expect(app1!.cells.map((c) => c.state)).toEqual(['synced', 'synced', 'unknown']);
    expect(app1!.cells[1]!.lagMs).toBe(3000);
    expect(app1!.cells[2]!.error?.code).toBe('unavailable');
    expect(app2!.cells[1]).toMatchObject({ state: 'replicating', stuck: true, lagMs: now - 5000 });
    expect(svc!.cells[1]).toMatchObject({ state: 'failed', stuck: false });
    expect(m.summary).toEqual([
      { region: 'east', state: 'in-sync', outOfSync: 0, unknown: 0, notFollowed: 0, stuck: 0 },
      { region: 'west', state: 'out-of-sync', outOfSync: 2, unknown: 0, notFollowed: 0, stuck: 1, oldestLagMs: now - 2000 },
      {
        region: 'north',
        state: 'unknown',
        outOfSync: 0,
        unknown: 3,
        notFollowed: 0,
        stuck: 0,
        error: { code: 'unavailable', message: 'down' },
      },
    ]);
  });

  it('filters by project, app, tag pattern, out-of-sync; priority first; limit', () => {
    const observations = [
      obs('east', A, 10, 'library/app', '1.0'),
      obs('east', A, 20, 'other/app', '1.0'),
      obs('east', A, 30, 'library/svc', 'v2.1'),
      obs('west', A, 30, 'library/svc', 'v2.1'),
    ];
    const two = { regions: ['east', 'west'] };
    expect(computeMatrix(input({ ...two, observations, filter: { project: 'library' } })).rows).toHaveLength(2);
    expect(computeMatrix(input({ ...two, observations, filter: { app: 'SVC' } })).rows.map((r) => r.repository)).toEqual(['library/svc']);
    expect(computeMatrix(input({ ...two, observations, filter: { tagPattern: 'v2.*' } })).rows).toHaveLength(1);
    expect(computeMatrix(input({ ...two, observations, filter: { onlyOutOfSync: true } })).rows.map((r) => r.repository)).toEqual([
      'other/app',
      'library/app',
    ]);
    const p = computeMatrix(input({ ...two, observations, priority: new Set(['library/app']) }));
    expect(p.rows[0]).toMatchObject({ repository: 'library/app', priority: true });
    const limited = computeMatrix(input({ ...two, observations, filter: { limit: 1 } }));
    expect(limited.rows).toHaveLength(1);
    expect(limited.truncated).toBe(true);
    // The counts at the top still cover both images missing in west, not only the row listed.
    expect(limited.summary.find((x) => x.region === 'west')).toMatchObject({ outOfSync: 2 });
  });
});

describe('truthful cells and summaries', () => {
  it('a repository a region does not follow is not-followed (not missing, not counted); rows name their sources', () => {
    const m = computeMatrix(
      input({
        regions: ['east', 'west'],
        observations: [obs('east', A, undefined, 'team/a'), obs('east', A, undefined, 'team/b'), obs('west', A, undefined, 'team/a')],
        follows: (region, repo) => region === 'east' || repo === 'team/a',
        sources: new Map([
          ['team/a', ['catalog', 'named']],
          ['team/b', ['catalog']],
        ]),
      }),
    );
    const b = m.rows.find((r) => r.repository === 'team/b')!;
    expect(b.cells.map((c) => c.state)).toEqual(['synced', 'not-followed']);
    expect(b.sources).toEqual(['catalog']);
    expect(m.summary.find((x) => x.region === 'west')).toMatchObject({ state: 'in-sync', outOfSync: 0, notFollowed: 1 });
  });

  it('an unreadable region is unknown since when it failed, never in sync', () => {
    const m = computeMatrix(
      input({
        regions: ['east', 'west'],
        observations: [obs('east', A)],
        readableRegions: new Set(['east']),
        regionErrors: new Map([['west', { code: 'unavailable', message: 'west is not reachable' }]]),
        unreadableSince: new Map([['west', 42]]),
      }),
    );
    expect(m.summary).toEqual([
      { region: 'east', state: 'in-sync', outOfSync: 0, unknown: 0, notFollowed: 0, stuck: 0 },
      {
        region: 'west',
        state: 'unknown',
        outOfSync: 0,
        unknown: 1,
        notFollowed: 0,
        stuck: 0,
        unreadableSince: 42,
        error: { code: 'unavailable', message: 'west is not reachable' },
      },
    ]);
  });

  it('with the source region down, the other region is neither blamed nor declared synced', () => {
    const m = computeMatrix(
      input({ regions: ['east', 'west'], observations: [obs('west', B)], readableRegions: new Set(['west']), sourceRegion: 'east' }),
    );
    expect(m.rows[0]!.cells.map((c) => c.state)).toEqual(['unknown', 'unknown']);
    expect(m.sourceRegion).toBe('east');
    // Source up: a 1–1 tie goes to the source, whatever sorts first.
    const up = computeMatrix(input({ regions: ['east', 'west'], observations: [obs('east', B), obs('west', A)], sourceRegion: 'east' }));
    expect(up.rows[0]!.cells.map((c) => c.state)).toEqual(['synced', 'mismatch']);
    const swapped = computeMatrix(
      input({ regions: ['east', 'west'], observations: [obs('east', A), obs('west', B)], sourceRegion: 'east' }),
    );
    expect(swapped.rows[0]!.cells.map((c) => c.state)).toEqual(['synced', 'mismatch']);
    // No source region: both differing cells are mismatches, flagged as a conflict.
    const none = computeMatrix(input({ regions: ['east', 'west'], observations: [obs('east', A), obs('west', B)] }));
    expect(none.rows[0]).toMatchObject({ conflict: true, cells: [{ state: 'mismatch' }, { state: 'mismatch' }] });
  });
});

describe('helpers', () => {
  it('parseTaskResource reads Harbor task resources', () => {
    expect(parseTaskResource('library/app:[1.0]')).toEqual({ repository: 'library/app', tags: ['1.0'] });
    expect(parseTaskResource('library/a/b:[1.0,1.1](2)')).toEqual({ repository: 'library/a/b', tags: ['1.0', '1.1'] });
    expect(parseTaskResource('library/app:latest')).toEqual({ repository: 'library/app', tags: ['latest'] });
    expect(parseTaskResource(undefined)).toBeUndefined();
  });
  it('isStuck, sortTasksFailedFirst, globToRegExp', () => {
    expect(isStuck('InProgress', 0, 100, 50)).toBe(true);
    expect(isStuck('InProgress', 80, 100, 50)).toBe(false);
    expect(isStuck('Failed', 0, 100, 50)).toBe(false);
    const sorted = sortTasksFailedFirst([
      { status: 'Succeed', startTime: 9 },
      { status: 'InProgress', startTime: 1 },
      { status: 'Failed', startTime: 2 },
      { status: 'Failed', startTime: 5 },
    ]);
    expect(sorted.map((t) => `${t.status}${t.startTime}`)).toEqual(['Failed5', 'Failed2', 'InProgress1', 'Succeed9']);
    expect(globToRegExp('1.*').test('1.2')).toBe(true);
    expect(globToRegExp('1.?').test('1x2')).toBe(false);
  });
});
