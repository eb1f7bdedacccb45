// @vitest-environment happy-dom
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { byTestId, click, fakeClient, render, type Rendered } from '../testing/render';
import { ChoiceButton } from './ChoiceButton';

function Choices({ role }: { role: 'tab' | 'radio' }) {
  const [chosen, setChosen] = useState('a');
  return (
    <div>
      {['a', 'b'].map((id) => (
        <ChoiceButton key={id} role={role} selected={chosen === id} onSelect={() => setChosen(id)} testId={`choice-${id}`}>
          {id.toUpperCase()}
        </ChoiceButton>
      ))}
    </div>
  );
}

describe('ChoiceButton', () => {
  let view: Rendered | undefined;
  afterEach(async () => {
    await view?.unmount();
    view = undefined;
  });

  it('a tab says it is selected (aria-selected) and is active; choosing another moves both', async () => {
    view = await render(<Choices role="tab" />, fakeClient({}).client);
    const [a, b] = [byTestId(view.container, 'choice-a'), byTestId(view.container, 'choice-b')];
    expect([a.getAttribute('role'), a.getAttribute('aria-selected'), a.className, a.hasAttribute('aria-checked')]).toEqual([
      'tab',
      'true',
      'is-active',
      false,
    ]);
    await click(b);
    expect([a.getAttribute('aria-selected'), a.className, b.getAttribute('aria-selected'), b.className]).toEqual([
      'false',
      '',
      'true',
      'is-active',
    ]);
  });

  it('a radio says it is checked (aria-checked) instead', async () => {
    view = await render(<Choices role="radio" />, fakeClient({}).client);
    const b = byTestId(view.container, 'choice-b');
    expect([b.getAttribute('role'), b.getAttribute('aria-checked'), b.hasAttribute('aria-selected')]).toEqual(['radio', 'false', false]);
    await click(b);
    expect(b.getAttribute('aria-checked')).toBe('true');
  });
});
