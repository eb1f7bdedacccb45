// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { MatrixEvent, MatrixFilter, MatrixRow, SyncMatrix } from '../../../src-shared/images/contract';
import { ok } from '../../../src-shared/result';
import { useAppStore } from '../../store';
import { byTestId, click, fakeClient, giveElementsASize, render, typeInto, waitFor, type Rendered } from '../../testing/render';
import { ImagesView } from './ImagesView';

const row = (repository: string, tag: string, west: 'synced' | 'missing'): MatrixRow => ({
  repository,
  tag,
  project: repository.split('/')[0]!,
  digest: 'sha256:' + 'a'.repeat(64),
  sourceRegion: 'east',
  priority: false,
  cells: [
    { region: 'east', state: 'synced', digest: 'sha256:' + 'a'.repeat(64), stuck: false },
    { region: 'west', state: west, stuck: false, ...(west === 'synced' ? { digest: 'sha256:' + 'a'.repeat(64) } : {}) },
  ],
});
const matrix = (rows: MatrixRow[]): SyncMatrix => ({
  computedAt: 1,
  regions: ['east', 'west'],
  rows,
  summary: [
    { region: 'east', state: 'in-sync', outOfSync: 0, unknown: 0, notFollowed: 0, stuck: 0 },
    {
      region: 'west',
      state: rows.some((r) => r.cells[1]!.state !== 'synced') ? 'out-of-sync' : 'in-sync',
      outOfSync: rows.filter((r) => r.cells[1]!.state !== 'synced').length,
      unknown: 0,
      notFollowed: 0,
      stuck: 0,
    },
  ],
  sourceRegion: 'east',
  errors: [],
  truncated: false,
});

describe('ImagesView', () => {
  giveElementsASize();
  let view: Rendered | undefined;
  afterEach(async () => {
    await view?.unmount();
    useAppStore.setState(useAppStore.getInitialState(), true);
  });

  it('shows the matrix from the watch, re-subscribes with the typed filter, and opens a cell’s replication detail', async () => {
    const filters: (MatrixFilter | undefined)[] = [];
    const all = [row('shop/orders', '1.4.2', 'missing'), row('shop/payments', '2.0.0', 'synced')];
    const fake = fakeClient({
      'images.matrix.watch': (params, onEvent) => {
        filters.push(params.filter);
        const rows = all.filter((r) => !params.filter?.app || r.repository.includes(params.filter.app));
        queueMicrotask(() => onEvent({ kind: 'full', matrix: matrix(rows) } satisfies MatrixEvent));
        return () => {};
      },
      'images.cell.detail': async () => ok({ policies: [], executions: [], tasks: [], errors: [] }),
    });
    view = await render(<ImagesView />, fake.client);
    const c = view.container;
    await waitFor(() => expect(c.querySelectorAll('[data-testid="images-cell"]')).toHaveLength(4));
    expect(c.querySelector('[data-testid="images-summary-region"][data-region="west"]')!.getAttribute('data-out-of-sync')).toBe('1');

    await typeInto(byTestId(c, 'images-filter-app'), 'pay');
    await waitFor(() => expect(filters.at(-1)).toEqual({ app: 'pay' }));
    await waitFor(() => expect(c.querySelectorAll('[data-testid="images-cell"]')).toHaveLength(2));

    await click(c.querySelector('[data-testid="images-cell"][data-region="west"]'));
    await waitFor(() => byTestId(c, 'images-detail'));
    expect(fake.calls.find((x) => x.channel === 'images.cell.detail')!.request).toEqual({
      repository: 'shop/payments',
      tag: '2.0.0',
      region: 'west',
    });
  });
});
