import type { ReactNode } from 'react';

/**
 * A modal dialog over a dimmed overlay: a click on the overlay closes it, a click inside does not.
 * `className` styles the dialog box (e.g. `overlay__panel`).
 */
export function Modal({
  label,
  testId,
  className,
  overlayClassName = 'overlay',
  onClose,
  children,
}: {
  label: string;
  testId: string;
  className: string;
  overlayClassName?: string;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <div className={overlayClassName} onClick={onClose}>
      <div
        className={className}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        data-testid={testId}
        onClick={(e) => e.stopPropagation()}
      >
        {children}
      </div>
    </div>
  );
}
