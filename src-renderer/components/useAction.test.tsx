// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from '../../src-shared/result';
import { click, fakeClient, render, waitFor } from '../testing/render';
import { useAction } from './useAction';

function Probe({ act }: { act: () => Promise<Result<string>> }) {
  const a = useAction(act);
  return (
    <button onClick={() => void a.run()} data-state={`${a.busy ? 'busy' : 'idle'}|${a.error?.message ?? ''}`}>
      go
    </button>
  );
}

describe('useAction', () => {
  const { client } = fakeClient({});
  it('is busy while it runs, keeps the error of a failed run and clears it when run again', async () => {
    let release!: (r: Result<string>) => void;
    const answers: Promise<Result<string>>[] = [new Promise((r) => (release = r)), Promise.resolve(ok('done'))];
    const view = await render(<Probe act={() => answers.shift()!} />, client);
    const button = view.container.querySelector('button')!;
    await click(button);
    expect(button.getAttribute('data-state')).toBe('busy|');
    release(err('conflict', 'It moved on.'));
    await waitFor(() => expect(button.getAttribute('data-state')).toBe('idle|It moved on.'));
    await click(button);
    await waitFor(() => expect(button.getAttribute('data-state')).toBe('idle|'));
    await view.unmount();
  });

  it('turns a failed transport into an unavailable error', async () => {
    const view = await render(<Probe act={() => Promise.reject(new Error('socket closed'))} />, client);
    const button = view.container.querySelector('button')!;
    await click(button);
    await waitFor(() => expect(button.getAttribute('data-state')).toMatch(/^idle\|Could not reach Capstan services/));
    await view.unmount();
  });
});
