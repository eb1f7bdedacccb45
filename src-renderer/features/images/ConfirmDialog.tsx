import type { ReactNode } from 'react';
import { useEffect, useRef } from 'react';

/** Every replication action and every trust decision is confirmed here; Esc or Cancel backs out. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    cancelRef.current?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    <div
      className="img-dialog__overlay"
      role="presentation"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <div className="dialog img-dialog" role="dialog" aria-modal="true" aria-label={title} data-testid="images-confirm">
        <h3 className="img-dialog__title">{title}</h3>
        <div className="img-dialog__body">{children}</div>
        <div className="img-dialog__actions">
          <button type="button" className="btn" ref={cancelRef} onClick={onCancel} data-testid="images-confirm-cancel">
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${danger ? 'btn--danger' : 'btn--primary'}`}
            onClick={onConfirm}
            disabled={busy}
            data-testid="images-confirm-ok"
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
