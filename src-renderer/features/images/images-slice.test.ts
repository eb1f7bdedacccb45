import { describe, expect, it } from 'vitest';
import type { AppClient } from '../../../src-shared/contract';
import type { MatrixEvent, MatrixRow, SyncMatrix } from '../../../src-shared/images/contract';
import { diffMatrix } from '../../../src-shared/images/matrix-diff';
import { watchImages } from './images-bridge';
import { createAppStore } from '../../store/index';

const row = (tag: string, west: MatrixRow['cells'][number]['state'], pushedAt: number): MatrixRow => ({
  repository: 'shop/orders',
  tag,
  project: 'shop',
  priority: false,
  sourcePushedAt: pushedAt,
  cells: [
    { region: 'dc-east', state: 'synced', stuck: false },
    { region: 'dc-west', state: west, stuck: false },
  ],
});
const matrix = (rows: MatrixRow[]): SyncMatrix => ({
  computedAt: 1,
  regions: ['dc-east', 'dc-west'],
  rows,
  summary: [],
  errors: [],
  truncated: false,
});

describe('images slice and bridge', () => {
  it('takes the whole matrix, then applies diffs (a diff before any matrix is ignored)', () => {
    const store = createAppStore();
    const a = matrix([row('1.0', 'synced', 1), row('1.1', 'missing', 2)]);
    const b = matrix([row('1.1', 'synced', 2), row('1.2', 'replicating', 3)]);
    store.getState().applyImagesEvent({ kind: 'diff', diff: diffMatrix(a, b) });
    expect(store.getState().imagesMatrix).toBeNull();
    store.getState().applyImagesEvent({ kind: 'full', matrix: a });
    store.getState().applyImagesEvent({ kind: 'diff', diff: diffMatrix(a, b) });
    expect(store.getState().imagesMatrix?.rows.map((r) => `${r.tag}:${r.cells[1]!.state}`)).toEqual(['1.2:replicating', '1.1:synced']);
  });

  it('showImage opens the Images view filtered on the image', () => {
    const store = createAppStore();
    store.getState().setView('problems');
    store.getState().showImage('shop/gateway', '5.1.1');
    const s = store.getState();
    expect(s.view).toBe('images');
    expect(s.imagesFilter).toMatchObject({ app: 'shop/gateway', tagPattern: '5.1.1' });
    expect(s.imagesFocus).toEqual({ repository: 'shop/gateway', tag: '5.1.1' });
  });

  it('watchImages subscribes with the filter as main expects it and routes events and errors into the store', () => {
    const store = createAppStore();
    let params: unknown;
    let onEvent: ((e: MatrixEvent) => void) | undefined;
    let onError: ((e: { code: 'unavailable'; message: string }) => void) | undefined;
    let unsubscribed = false;
    const client = {
      'images.matrix.watch': (p: unknown, ev: (e: MatrixEvent) => void, er: (e: { code: 'unavailable'; message: string }) => void) => {
        params = p;
        onEvent = ev;
        onError = er;
        return () => void (unsubscribed = true);
      },
    } as unknown as AppClient;
    const stop = watchImages(client, store, { project: 'shop', app: ' orders ', tagPattern: '', onlyOutOfSync: true }, 10_000);
    expect(params).toEqual({ filter: { project: 'shop', app: 'orders', onlyOutOfSync: true }, intervalMs: 10_000 });
    onEvent?.({ kind: 'full', matrix: matrix([row('1.0', 'missing', 1)]) });
    expect(store.getState().imagesMatrix?.rows).toHaveLength(1);
    onError?.({ code: 'unavailable', message: 'gone' });
    expect(store.getState().imagesError?.message).toBe('gone');
    stop();
    expect(unsubscribed).toBe(true);
  });
});
