import type { ReactNode } from 'react';
import { useEffect, useRef } from 'react';

/** A right-hand detail panel. Esc closes (handled by the global key map); focus moves in and back out. */
export function Drawer({
  title,
  subtitle,
  onClose,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  onClose: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    return () => previous?.focus?.();
  }, []);
  return (
    <aside
      className="drawer"
      role="dialog"
      aria-modal="false"
      aria-label={`Details: ${title}`}
      data-testid="detail-drawer"
      tabIndex={-1}
      ref={ref}
    >
      <header className="drawer__header">
        <div className="drawer__titles">
          <h2 className="drawer__title">{title}</h2>
          {subtitle ? <div className="drawer__subtitle">{subtitle}</div> : null}
        </div>
        <button type="button" className="btn btn--ghost" onClick={onClose} aria-label="Close details" data-testid="drawer-close">
          ✕
        </button>
      </header>
      <div className="drawer__body">{children}</div>
    </aside>
  );
}
