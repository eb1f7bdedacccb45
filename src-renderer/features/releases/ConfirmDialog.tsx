import { useEffect, useRef, useState, type ReactNode } from 'react';

/**
 * Asks before a risky release step. Keyboard first: focus starts on the reason field (when a
 * reason is asked) or on the confirm button (on Cancel while it is blocked); Enter confirms, Esc
 * cancels, Tab stays inside.
 * Confirm stays disabled until the reason has a few words.
 */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  /** Ask for a reason (recorded in the history); confirm needs at least 3 characters. */
  reason?: { label: string; placeholder?: string };
  /** Why it cannot be confirmed at all (confirm disabled, the reason as its title). */
  blocked?: string;
  children: ReactNode;
  onConfirm: (reason?: string) => void;
  onCancel: () => void;
}) {
  const [reason, setReason] = useState('');
  const box = useRef<HTMLDivElement>(null);
  const ready = !props.blocked && (!props.reason || reason.trim().length >= 3);
  useEffect(() => {
    const first = box.current?.querySelector<HTMLElement>('[data-autofocus]:not([disabled])');
    (first ?? box.current?.querySelector<HTMLElement>('[data-testid=confirm-cancel]'))?.focus();
  }, []);
  // Blocked while open (a refusal arrived): the confirm button is disabled and drops focus; keep the
  // keyboard in the dialog (Esc still cancels) by moving it to Cancel.
  useEffect(() => {
    const active = document.activeElement as HTMLButtonElement | null;
    if (!ready && (!box.current?.contains(active) || active?.disabled))
      box.current?.querySelector<HTMLElement>('[data-testid=confirm-cancel]')?.focus();
  }, [ready]);
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      props.onCancel();
    } else if (e.key === 'Enter' && !(e.target instanceof HTMLButtonElement)) {
      e.preventDefault();
      if (ready) props.onConfirm(props.reason ? reason.trim() : undefined);
    } else if (e.key === 'Tab') {
      // Keep focus inside the dialog.
      const items = [...(box.current?.querySelectorAll<HTMLElement>('button:not([disabled]), input, textarea') ?? [])];
      const i = items.indexOf(document.activeElement as HTMLElement);
      const next = e.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : i === items.length - 1 ? 0 : i + 1;
      e.preventDefault();
      items[next]?.focus();
    }
  };
  return (
    <div className="rel-dialog__overlay" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && props.onCancel()}>
      <div
        className="dialog rel-dialog rel-dialog--wide"
        role="alertdialog"
        aria-modal="true"
        aria-label={props.title}
        ref={box}
        onKeyDown={onKey}
        data-testid="confirm-dialog"
      >
        <h3 className="rel-dialog__title">{props.title}</h3>
        <div className="rel-dialog__changes">{props.children}</div>
        {props.reason ? (
          <label className="field">
            <span className="field__label">{props.reason.label}</span>
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder={props.reason.placeholder}
              data-testid="confirm-reason"
              data-autofocus
            />
          </label>
        ) : null}
        <div className="rel-dialog__actions">
          <span className="muted rel-dialog__keys">Enter confirms · Esc cancels</span>
          <button type="button" className="btn" onClick={props.onCancel} data-testid="confirm-cancel">
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${props.danger ? 'btn--danger' : 'btn--primary'}`}
            disabled={!ready}
            title={ready ? undefined : (props.blocked ?? 'Write the reason first (a few words); it goes into the history')}
            onClick={() => props.onConfirm(props.reason ? reason.trim() : undefined)}
            data-testid="confirm-ok"
            {...(props.reason ? {} : { 'data-autofocus': true })}
          >
            {props.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
