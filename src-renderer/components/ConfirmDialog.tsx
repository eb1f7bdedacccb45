import { useEffect, useRef, useState, type ReactNode } from 'react';

/** The default test ids (releases); the images feature keeps its own. */
const RELEASE_IDS = { dialog: 'confirm-dialog', cancel: 'confirm-cancel', ok: 'confirm-ok' };

/**
 * Asks before a risky step (a release step, a replication, trusting a certificate). Keyboard
 * first: focus starts on the reason field (when a reason is asked), else on the confirm button, or
 * on Cancel (`focus: 'cancel'`, and while it is blocked); Enter confirms (Enter on a focused
 * button presses that button), Esc cancels, Tab stays inside.
 * Confirm stays disabled until the reason has a few words, and while `busy`.
 */
export function ConfirmDialog(props: {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  /** The confirmed step is running: confirm disabled and says so. */
  busy?: boolean;
  /** Where focus starts when no reason is asked (default: the confirm button). */
  focus?: 'confirm' | 'cancel';
  /** Wide, for dialogs that list what will change per group. */
  wide?: boolean;
  testIds?: { dialog: string; cancel: string; ok: string };
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
  const cancel = useRef<HTMLButtonElement>(null);
  const ids = props.testIds ?? RELEASE_IDS;
  const ready = !props.blocked && !props.busy && (!props.reason || reason.trim().length >= 3);
  useEffect(() => {
    // Focus goes back where it was when the dialog closes.
    const previous = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>('[data-autofocus]:not([disabled])');
    (first ?? cancel.current)?.focus();
    return () => previous?.focus?.();
  }, []);
  // Blocked while open (a refusal arrived): the confirm button is disabled and drops focus; keep the
  // keyboard in the dialog (Esc still cancels) by moving it to Cancel.
  useEffect(() => {
    const active = document.activeElement as HTMLButtonElement | null;
    if (!ready && (!box.current?.contains(active) || active?.disabled)) cancel.current?.focus();
  }, [ready]);
  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') {
      // The dialog takes Esc: a drawer or view behind it stays open.
      e.preventDefault();
      e.stopPropagation();
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
    <div className="confirm-dialog__overlay" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && props.onCancel()}>
      <div
        className={`dialog confirm-dialog${props.wide ? ' confirm-dialog--wide' : ''}`}
        role="alertdialog"
        aria-modal="true"
        aria-label={props.title}
        ref={box}
        onKeyDown={onKey}
        data-testid={ids.dialog}
      >
        <h3 className="confirm-dialog__title">{props.title}</h3>
        <div className="confirm-dialog__body">{props.children}</div>
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
        <div className="confirm-dialog__actions">
          <span className="muted confirm-dialog__keys">
            {props.focus === 'cancel' && !props.reason ? 'Esc cancels' : 'Enter confirms · Esc cancels'}
          </span>
          <button type="button" className="btn" ref={cancel} onClick={props.onCancel} data-testid={ids.cancel}>
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${props.danger ? 'btn--danger' : 'btn--primary'}`}
            disabled={!ready}
            title={ready || props.busy ? undefined : (props.blocked ?? 'Write the reason first (a few words); it goes into the history')}
            onClick={() => props.onConfirm(props.reason ? reason.trim() : undefined)}
            data-testid={ids.ok}
            {...(props.reason || props.focus === 'cancel' ? {} : { 'data-autofocus': true })}
          >
            {props.busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
