import type { ReactNode } from 'react';

export function EmptyState({ title, children, testId = 'empty-state' }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId}>
      <div className="empty__title">{title}</div>
      {children ? <div className="empty__body">{children}</div> : null}
    </div>
  );
}
