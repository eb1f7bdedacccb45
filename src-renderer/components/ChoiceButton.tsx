import type { ReactNode } from 'react';

/**
 * One button of a segmented tab list or radio group: whether it is the chosen one is said to
 * assistive technology (aria-selected for a tab, aria-checked for a radio) and shown as `is-active`.
 */
export function ChoiceButton({
  role,
  selected,
  onSelect,
  testId,
  title,
  disabled,
  children,
}: {
  role: 'tab' | 'radio';
  selected: boolean;
  onSelect: () => void;
  testId: string;
  title?: string;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      role={role}
      aria-selected={role === 'tab' ? selected : undefined}
      aria-checked={role === 'radio' ? selected : undefined}
      className={selected ? 'is-active' : ''}
      onClick={onSelect}
      title={title}
      disabled={disabled}
      data-testid={testId}
    >
      {children}
    </button>
  );
}
