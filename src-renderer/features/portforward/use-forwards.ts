/** Every active port-forward of the services, as main pushes the list (at most 4 times a second). */
import { useEffect, useState } from 'react';
import type { ForwardInfo } from '../../../src-shared/portforward/contract';
import type { AppError } from '../../../src-shared/result';
import { useClient } from '../../components/ClientContext';

export function useForwards(): { forwards: ForwardInfo[] | null; error: AppError | null } {
  const client = useClient();
  const [state, setState] = useState<{ forwards: ForwardInfo[] | null; error: AppError | null }>({ forwards: null, error: null });
  useEffect(
    () =>
      client['portforward.watch'](
        {},
        ({ forwards }) => setState({ forwards, error: null }),
        (error) => setState((s) => ({ ...s, error })),
      ),
    [client],
  );
  return state;
}

/** "1.2 MB": bytes for the list, in the units people read. */
export function formatTraffic(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const forwardTargetText = (f: Pick<ForwardInfo, 'kind' | 'namespace' | 'name'>) =>
  `${f.kind === 'service' ? 'svc' : 'pod'}/${f.namespace}/${f.name}`;

export const stateText: Record<ForwardInfo['state'], string> = {
  active: 'forwarding',
  'no-pod': 'no ready pod',
  error: 'last connection failed',
  stopped: 'stopped',
};
