// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { CellDetail, ExecutionSummary } from '../../../src-shared/images/contract';
import { err, ok } from '../../../src-shared/result';
import { byTestId, click, fakeClient, render, waitFor, type Rendered } from '../../testing/render';
import { CellDetailPanel } from './CellDetailPanel';

const cell = { repository: 'shop/orders', tag: '1.4.2', region: 'west' };
const execution = (over: Partial<ExecutionSummary> = {}): ExecutionSummary =>
  ({
    registryId: 'harbor-east',
    id: 7,
    policyId: 3,
    policyName: 'to-west',
    status: 'InProgress',
    trigger: 'manual',
    total: 4,
    failed: 0,
    succeed: 1,
    inProgress: 3,
    stopped: 0,
    stuck: true,
    ...over,
  }) as ExecutionSummary;
const detail = (over: Partial<CellDetail> = {}): CellDetail => ({
  policies: [{ registryId: 'harbor-east', id: 3, name: 'to-west', destRegion: 'west', enabled: true }],
  executions: [execution()],
  tasks: [{ registryId: 'harbor-east', id: 11, executionId: 7, status: 'Failed', srcResource: 'shop/orders:1.4.2' }],
  errors: [],
  ...over,
});

describe('CellDetailPanel', () => {
  let view: Rendered | undefined;
  afterEach(async () => view?.unmount());

  it('says why the detail could not be read', async () => {
    const fake = fakeClient({ 'images.cell.detail': async () => err('unavailable', 'Harbor east did not answer.') });
    view = await render(<CellDetailPanel cell={cell} />, fake.client);
    await waitFor(() => expect(view!.container.textContent).toContain('Harbor east did not answer.'));
    expect(fake.calls.filter((c) => c.channel === 'images.cell.detail')).toHaveLength(1);
  });

  it('lists policies, executions and tasks; a task log opens; a stop is confirmed, said in words, and re-reads the detail', async () => {
    const reads: unknown[] = [];
    const fake = fakeClient({
      'images.cell.detail': async (r) => (reads.push(r), ok(detail())),
      'images.task.log': async () => ok({ text: 'copy failed: 503', truncated: true }),
      'images.execution.stop': async () => ok({ status: 'InProgress', stopped: false }),
      'images.matrix.get': async () => ok({} as never),
    });
    view = await render(<CellDetailPanel cell={cell} />, fake.client);
    const c = view.container;
    await waitFor(() => expect(c.querySelectorAll('[data-testid="images-policy"]')).toHaveLength(1));
    expect(c.querySelector('[data-testid="images-execution"]')!.getAttribute('data-stuck')).toBe('true');

    await click(byTestId(c, 'images-task-log-open'));
    await waitFor(() => expect(byTestId(c, 'images-task-log').textContent).toContain('copy failed: 503'));
    expect(byTestId(c, 'images-task-log').textContent).toContain('truncated');
    expect(fake.calls.find((x) => x.channel === 'images.task.log')!.request).toEqual({
      registryId: 'harbor-east',
      executionId: 7,
      taskId: 11,
    });

    const readsBefore = reads.length;
    await click(byTestId(c, 'images-stop-execution'));
    await click(byTestId(c, 'images-confirm-ok'));
    await waitFor(() => expect(byTestId(c, 'images-action-message').textContent).toMatch(/still InProgress .*Stop it again/));
    expect(fake.calls.find((x) => x.channel === 'images.execution.stop')!.request).toEqual({ registryId: 'harbor-east', executionId: 7 });
    expect(c.querySelector('[data-testid="images-confirm"]')).toBeNull();
    await waitFor(() => expect(reads.length).toBeGreaterThan(readsBefore));
  });

  it("a start Harbor refuses says Harbor's words; a start whose request never arrives says Capstan could not be reached", async () => {
    let calls = 0;
    const fake = fakeClient({
      'images.cell.detail': async () => ok(detail()),
      'images.execution.start': () =>
        ++calls === 1
          ? Promise.resolve(err('registry-forbidden', 'The account may not start replications.'))
          : Promise.reject(new Error('gone')),
      'images.matrix.get': async () => ok({} as never),
    });
    view = await render(<CellDetailPanel cell={cell} />, fake.client);
    const c = view.container;
    await waitFor(() => byTestId(c, 'images-start-execution'));
    await click(byTestId(c, 'images-start-execution'));
    await click(byTestId(c, 'images-confirm-ok'));
    await waitFor(() => expect(byTestId(c, 'images-action-message').textContent).toBe('The account may not start replications.'));
    expect(byTestId(c, 'images-action-message').className).toContain('text-bad');

    await click(byTestId(c, 'images-start-execution'));
    await click(byTestId(c, 'images-confirm-ok'));
    await waitFor(() => expect(byTestId(c, 'images-action-message').textContent).toMatch(/Could not reach Capstan services/));
    expect(c.querySelector('[data-testid="images-confirm"]')).toBeNull();
  });
});
