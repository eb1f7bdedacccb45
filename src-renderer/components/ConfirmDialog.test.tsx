// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { byTestId, click, fakeClient, render, typeInto, type Rendered } from '../testing/render';
import { ConfirmDialog } from './ConfirmDialog';

const key = async (el: Element, k: string) =>
  act(async () => void el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true })));

describe('ConfirmDialog', () => {
  let view: Rendered | undefined;
  afterEach(async () => {
    await view?.unmount();
    view = undefined;
  });

  it('starts on the confirm button: Enter confirms, Esc cancels and does not reach what is behind it', async () => {
    const onConfirm = vi.fn();
    const onCancel = vi.fn();
    const behind = vi.fn();
    window.addEventListener('keydown', behind);
    view = await render(
      <ConfirmDialog title="Roll back all?" confirmLabel="Roll back" onConfirm={onConfirm} onCancel={onCancel}>
        <p>2 groups</p>
      </ConfirmDialog>,
      fakeClient({}).client,
    );
    const dialog = byTestId(view.container, 'confirm-dialog');
    expect(document.activeElement).toBe(byTestId(view.container, 'confirm-ok'));
    expect(dialog.textContent).toContain('Enter confirms · Esc cancels');
    await key(byTestId(view.container, 'confirm-cancel'), 'Escape');
    expect([onCancel.mock.calls.length, onConfirm.mock.calls.length, behind.mock.calls.length]).toEqual([1, 0, 0]);
    window.removeEventListener('keydown', behind);
    // Enter anywhere in the dialog but on another button confirms.
    await key(dialog, 'Enter');
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it('asks for a reason before it can be confirmed, and hands it over', async () => {
    const onConfirm = vi.fn();
    view = await render(
      <ConfirmDialog title="Continue anyway?" confirmLabel="Continue" reason={{ label: 'Why' }} onConfirm={onConfirm} onCancel={() => {}}>
        <p>degraded</p>
      </ConfirmDialog>,
      fakeClient({}).client,
    );
    const ok = byTestId(view.container, 'confirm-ok') as HTMLButtonElement;
    expect(ok.disabled).toBe(true);
    await typeInto(byTestId(view.container, 'confirm-reason'), 'known leak, fix in 3.3.2');
    expect(ok.disabled).toBe(false);
    await click(ok);
    expect(onConfirm).toHaveBeenCalledWith('known leak, fix in 3.3.2');
  });

  it('with focus on Cancel (trusting a certificate), Enter cancels; while busy, confirm says so and is disabled', async () => {
    const onConfirm = vi.fn();
    const onCancel = vi.fn();
    const ids = { dialog: 'x-confirm', cancel: 'x-cancel', ok: 'x-ok' };
    view = await render(
      <ConfirmDialog title="Trust?" confirmLabel="Trust" focus="cancel" busy testIds={ids} onConfirm={onConfirm} onCancel={onCancel}>
        <p>fingerprint</p>
      </ConfirmDialog>,
      fakeClient({}).client,
    );
    const cancel = byTestId(view.container, 'x-cancel');
    const ok = byTestId(view.container, 'x-ok') as HTMLButtonElement;
    expect(document.activeElement).toBe(cancel);
    expect(byTestId(view.container, 'x-confirm').textContent).toContain('Esc cancels');
    expect(byTestId(view.container, 'x-confirm').textContent).not.toContain('Enter confirms');
    await key(cancel, 'Enter'); // a focused button's Enter is the button's own (the browser clicks it); the dialog does not confirm
    expect(onConfirm).not.toHaveBeenCalled();
    expect([ok.disabled, ok.textContent]).toEqual([true, 'Working…']);
  });
});
