import type { ReactNode } from 'react';
import type { AppError } from '../../src-shared/result';

/** An error says what happened and what to do (the AppError message does both); `children` holds actions. */
export function ErrorBanner({
  error,
  title,
  children,
  tone = 'bad',
  testId = 'error-banner',
}: {
  error?: Pick<AppError, 'message'> & Partial<AppError>;
  title?: string;
  children?: ReactNode;
  tone?: 'bad' | 'warn';
  testId?: string;
}) {
  return (
    <div className={`banner banner--${tone}`} role="alert" data-testid={testId} data-code={error?.code}>
      <div className="banner__text">
        {title ? <strong>{title}</strong> : null}
        {error ? <span className="banner__message">{error.message}</span> : null}
        {error?.code ? (
          <code className="banner__code">
            {error.code}
            {error.status ? ` ${error.status}` : ''}
          </code>
        ) : null}
      </div>
      {children ? <div className="banner__actions">{children}</div> : null}
    </div>
  );
}
