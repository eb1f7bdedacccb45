import type { ReactNode } from 'react';
import type { Tone } from './freshness';

export function StatusBadge({ tone, children, title, testId }: { tone: Tone; children: ReactNode; title?: string; testId?: string }) {
  return (
    <span className={`badge badge--${tone}`} title={title} data-testid={testId} data-tone={tone}>
      {children}
    </span>
  );
}

/** Tone of kubectl's pod STATUS column values. */
export function podStatusTone(status: string, ready: boolean): Tone {
  if (status === 'Running') return ready ? 'ok' : 'warn';
  if (status === 'Completed' || status === 'Succeeded') return 'muted';
  if (status === 'Pending' || status === 'ContainerCreating' || status === 'PodInitializing' || status.startsWith('Init:')) return 'busy';
  if (status === 'Terminating') return 'muted';
  return 'bad';
}

export const rolloutTone = { done: 'ok', progressing: 'busy', failed: 'bad', paused: 'warn' } as const satisfies Record<string, Tone>;
