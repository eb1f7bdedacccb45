// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../../src-shared/result';
import { useAppStore } from '../../store';
import { byTestId, click, fakeClient, render, waitFor, type Rendered } from '../../testing/render';
import { PlannerView } from './PlannerView';

const yaml = 'name: orders-1.5.0\napp: orders\n';

describe('PlannerView', () => {
  let view: Rendered | undefined;
  afterEach(async () => {
    await view?.unmount();
    view = undefined;
    useAppStore.setState(useAppStore.getInitialState(), true);
  });

  it('Start previews first; a preview that never arrives says so and the button can be pressed again', async () => {
    let previews = 0;
    const fake = fakeClient({
      'releases.plans.list': async () => ok([{ name: 'orders-1.5.0', yaml, updatedAt: 1 }]),
      'releases.plans.check': async () => ok({ ok: true, issues: [], stages: [] }),
      'releases.drift': async () => ok({ items: [], fingerprint: 'f1', unreachable: [] }),
      'releases.execution.preview': () => (++previews, Promise.reject(new Error('connection lost'))),
    });
    view = await render(<PlannerView draftFor={null} onStarted={() => {}} />, fake.client);
    const c = view.container;
    await waitFor(() => byTestId(c, 'plan-item'));
    await click(byTestId(c, 'plan-item'));
    await waitFor(() => byTestId(c, 'plan-check-status'));
    await click(byTestId(c, 'plan-drift'));
    await waitFor(() => byTestId(c, 'drift-signoff'));
    await click(byTestId(c, 'drift-signoff'));
    const start = () => byTestId(c, 'plan-start') as HTMLButtonElement;
    await waitFor(() => expect(start().disabled).toBe(false));

    await click(start());
    await waitFor(() => expect(byTestId(c, 'planner-message').textContent).toMatch(/Could not reach Capstan services/));
    expect(start().textContent).toBe('Start release…');
    expect(start().disabled).toBe(false);
    await click(start());
    await waitFor(() => expect(previews).toBe(2));
    await act(async () => undefined);
  });
});
