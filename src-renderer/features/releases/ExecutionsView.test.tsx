// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserEvent } from '../../../src-shared/releases/contract';
import { applyEvent } from '../../../src-shared/releases/execution';
import { createExecution, type ExecutionState } from '../../../src-shared/releases/execution-model';
import { fixturePlan, fixtureSnapshot } from '../../../src-shared/releases/fixtures';
import { resolvePlan } from '../../../src-shared/releases/resolve';
import { err, ok } from '../../../src-shared/result';
import { useAppStore } from '../../store';
import { byTestId, click, fakeClient, render, waitFor, type Rendered } from '../../testing/render';
import { ExecutionsView } from './ExecutionsView';

/** A started release of the fixture plan (FAT, UAT, PRO). */
function started(): ExecutionState {
  const plan = fixturePlan();
  const s = createExecution('r1', plan, resolvePlan(plan, fixtureSnapshot()).stages, 1000);
  const r = applyEvent(s, { type: 'start', actor: 'a', at: 2000 });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const show = (executions: ExecutionState[]) =>
  act(() => useAppStore.getState().setReleases({ executions, lockedElsewhere: {}, snapshot: [], problems: [] }));

describe('ExecutionsView', () => {
  let view: Rendered | undefined;
  afterEach(async () => {
    await view?.unmount();
    useAppStore.setState(useAppStore.getInitialState(), true);
  });

  it('says when no release has run', async () => {
    view = await render(<ExecutionsView selected={null} onSelect={() => {}} />, fakeClient({}).client);
    expect(view.container.textContent).toContain('No release has run yet.');
  });

  it('shows the execution with its groups; Abort asks first, Cancel sends nothing, Confirm sends the abort', async () => {
    const e = started();
    const acted: UserEvent[] = [];
    const fake = fakeClient({
      'releases.execution.act': async ({ event }) => {
        acted.push(event);
        return ok(e);
      },
    });
    view = await render(<ExecutionsView selected={null} onSelect={() => {}} />, fake.client);
    await show([e]);
    const panel = byTestId(view.container, 'execution-panel');
    expect(panel.dataset.id).toBe('r1');
    expect(byTestId(view.container, 'exec-status').dataset.status).toBe(e.status);
    expect(view.container.querySelectorAll('[data-testid=exec-group]')).toHaveLength(e.groups.length);

    await click(byTestId(view.container, 'exec-abort'));
    await waitFor(() => byTestId(document.body, 'confirm-dialog'));
    await click(byTestId(document.body, 'confirm-cancel'));
    expect(document.body.querySelector('[data-testid=confirm-dialog]')).toBeNull();
    expect(fake.calls.filter((c) => c.channel === 'releases.execution.act')).toHaveLength(0);

    await click(byTestId(view.container, 'exec-abort'));
    await click(byTestId(document.body, 'confirm-ok'));
    await waitFor(() => expect(acted).toEqual([{ type: 'abort' }]));
    expect(fake.calls.find((c) => c.channel === 'releases.execution.act')?.request).toEqual({ id: 'r1', event: { type: 'abort' } });
  });

  it('an aborted group says whether its Deployment was given back, or that the hand-back is still due', async () => {
    const aborted = applyEvent(started(), { type: 'abort', actor: 'a', at: 3000 });
    if (!aborted.ok) throw new Error(aborted.error.message);
    const [first, second] = aborted.value.groups.filter((g) => g.phase === 'aborted');
    const back = applyEvent(aborted.value, {
      type: 'handedBack',
      group: first!.key,
      outcome: 'held',
      detail: 'left held at 1 of 2 pods',
      actor: 'capstan',
      at: 4000,
    });
    if (!back.ok) throw new Error(back.error.message);
    view = await render(<ExecutionsView selected={null} onSelect={() => {}} />, fakeClient({}).client);
    await show([back.value]);
    const line = (key: string) =>
      byTestId(view!.container.querySelector(`[data-testid=exec-group][data-key="${key}"]`) as HTMLElement, 'exec-hand-back');
    expect(line(first!.key).dataset.outcome).toBe('held');
    expect(line(first!.key).textContent).toMatch(/^given back \(.*\): left held at 1 of 2 pods$/);
    expect(line(second!.key).dataset.outcome).toBe('due');
    expect(line(second!.key).textContent).toContain('hand-back due');
  });

  it("shows the service's refusal of a step in the panel", async () => {
    const e = started();
    const fake = fakeClient({
      'releases.execution.act': async () => err('conflict', 'The release moved on meanwhile. Look at its state and try again.'),
    });
    view = await render(<ExecutionsView selected={null} onSelect={() => {}} />, fake.client);
    await show([e]);
    await click(byTestId(view.container, 'exec-abort'));
    await click(byTestId(document.body, 'confirm-ok'));
    await waitFor(() => expect(byTestId(view!.container, 'exec-message').textContent).toContain('The release moved on meanwhile.'));
  });
});
