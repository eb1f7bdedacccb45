// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { RowAction } from '../../../src-shared/releases/contract';
import { err, ok } from '../../../src-shared/result';
import { byTestId, click, fakeClient, render, typeInto, waitFor, type Rendered } from '../../testing/render';
import type { CellLine } from './board-model';
import { RowActionDialog } from './RowActionDialog';

const line: CellLine = {
  key: 'uat/shop/orders-uat',
  app: 'orders',
  clusterId: 'uat',
  namespace: 'shop',
  name: 'orders-uat',
  versions: [{ tag: '1.5.0', pods: 2 }],
  ready: 2,
  total: 2,
  restarts: 0,
  oomKilled: 0,
  crashLooping: 0,
  state: 'idle',
  paused: false,
};

const preview = (c: Element) => byTestId(c, 'row-action-preview').textContent ?? '';
const confirmButton = (c: Element) => byTestId(c, 'row-action-confirm') as HTMLButtonElement;

describe('RowActionDialog', () => {
  let view: Rendered | undefined;
  afterEach(async () => {
    await view?.unmount();
    view = undefined;
  });

  it('previews the chosen action, asks again when it changes, and applies the generation the preview was made from', async () => {
    const applied: { action: RowAction; generation: string }[] = [];
    let closed = 0;
    const fake = fakeClient({
      'releases.row.revisions': async () => ok([]),
      'releases.row.preview': async ({ action }) =>
        ok({
          generation: action.kind === 'scale' ? '8' : '7',
          changes: [`${action.kind}${action.kind === 'scale' ? ` ${action.replicas}` : ''}`],
        }),
      'releases.row.apply': async (request) => {
        applied.push(request);
        return ok({ generation: '9', changes: [] });
      },
    });
    view = await render(<RowActionDialog line={line} onClose={() => closed++} />, fake.client);
    await waitFor(() => expect(preview(view!.container)).toContain('restart'));
    await click(byTestId(view.container, 'row-action-scale'));
    await waitFor(() => expect(preview(view!.container)).toContain('scale 2'));
    await typeInto(byTestId(view.container, 'row-action-replicas'), '5');
    await waitFor(() => expect(preview(view!.container)).toContain('scale 5'));
    await click(confirmButton(view.container));
    await waitFor(() => expect(closed).toBe(1));
    expect(applied).toEqual([
      { action: { kind: 'scale', clusterId: 'uat', namespace: 'shop', name: 'orders-uat', replicas: 5 }, generation: '8' },
    ]);
  });

  it('a refused preview cannot be confirmed; a failed preview and a failed apply say why, and choosing another action clears them', async () => {
    const fake = fakeClient({
      'releases.row.revisions': async () => ok([]),
      'releases.row.preview': async ({ action }) =>
        action.kind === 'pause'
          ? ok({ generation: '3', changes: [], refused: 'already paused' })
          : action.kind === 'resume'
            ? err('unavailable', 'uat is not reachable')
            : ok({ generation: '3', changes: ['spec.template: restartedAt'] }),
      'releases.row.apply': async () => err('conflict', 'the Deployment changed since the preview'),
    });
    view = await render(<RowActionDialog line={line} onClose={() => {}} />, fake.client);
    await waitFor(() => expect(confirmButton(view!.container).disabled).toBe(false));
    await click(confirmButton(view.container));
    await waitFor(() => expect(preview(view!.container)).toContain('the Deployment changed since the preview'));

    await click(byTestId(view.container, 'row-action-pause'));
    await waitFor(() => expect(preview(view!.container)).toContain('already paused'));
    expect(preview(view.container)).not.toContain('changed since');
    expect(confirmButton(view.container).disabled).toBe(true);

    await click(byTestId(view.container, 'row-action-resume'));
    await waitFor(() => expect(preview(view!.container)).toContain('uat is not reachable'));
    expect(confirmButton(view.container).disabled).toBe(true);
  });
});
