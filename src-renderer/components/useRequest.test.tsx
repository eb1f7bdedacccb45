// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../src-shared/result';
import { act } from 'react';
import { click, fakeClient, render, waitFor } from '../testing/render';
import { useRequest } from './useRequest';

function deferred<T>() {
  let resolve!: (v: Result<T>) => void;
  const promise = new Promise<Result<T>>((r) => (resolve = r));
  return { promise, resolve };
}

function Probe({ ask, id }: { ask: (id: string) => Promise<Result<string>>; id: string }) {
  const r = useRequest(() => ask(id), [ask, id]);
  return (
    <div>
      <span data-testid="state">{`${r.loading ? 'loading' : 'idle'}|${r.data ?? ''}|${r.error?.message ?? ''}`}</span>
      <button onClick={r.retry}>retry</button>
    </div>
  );
}

describe('useRequest', () => {
  const { client } = fakeClient({});
  const state = (c: HTMLElement) => c.querySelector('[data-testid="state"]')!.textContent;

  it('loads, keeps the last answer through a failed retry, and clears the error on the next answer', async () => {
    const answers = [ok('one'), err('unavailable', 'down'), ok('two')];
    const ask = () => Promise.resolve(answers.shift()!);
    const view = await render(<Probe ask={ask} id="a" />, client);
    await waitFor(() => expect(state(view.container)).toBe('idle|one|'));
    await click(view.container.querySelector('button'));
    await waitFor(() => expect(state(view.container)).toBe('idle|one|down'));
    await click(view.container.querySelector('button'));
    await waitFor(() => expect(state(view.container)).toBe('idle|two|'));
    await view.unmount();
  });

  it('drops an answer that comes after the deps changed', async () => {
    const slow = deferred<string>();
    const ask = (id: string) => (id === 'a' ? slow.promise : Promise.resolve(ok(`answer ${id}`)));
    const view = await render(<Probe ask={ask} id="a" />, client);
    expect(state(view.container)).toBe('loading||');
    await view.rerender(<Probe ask={ask} id="b" />);
    await waitFor(() => expect(state(view.container)).toBe('idle|answer b|'));
    slow.resolve(ok('late answer a'));
    await act(async () => {
      await slow.promise;
    });
    expect(state(view.container)).toBe('idle|answer b|');
    await view.unmount();
  });
});
