import { useCallback, useState } from 'react';
import { err, type AppError, type Result } from '../../src-shared/result';
import { useLatest } from './useLatest';

/**
 * One action's state for a component (a button that asks main to do something): whether it runs,
 * and the error of the last run (cleared when it runs again). The requests' counterpart of
 * useRequest, so that components do not keep their own busy and error state beside each call.
 */
export interface ActionState<A extends unknown[], T> {
  /** Runs the action; resolves with its result (a failed transport becomes an `unavailable` error). */
  run: (...args: A) => Promise<Result<T>>;
  busy: boolean;
  error: AppError | undefined;
  /** For a related call whose error belongs in the same place. */
  setError: (error: AppError | undefined) => void;
}

const UNREACHABLE: AppError = { code: 'unavailable', message: 'Could not reach Capstan services. Check the connection and try again.' };

export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<Result<T>>): ActionState<A, T> {
  const latest = useLatest(action);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | undefined>(undefined);
  const run = useCallback(
    async (...args: A): Promise<Result<T>> => {
      setBusy(true);
      setError(undefined);
      try {
        const r = await latest.current(...args);
        if (!r.ok) setError(r.error);
        return r;
      } catch {
        setError(UNREACHABLE);
        return err(UNREACHABLE.code, UNREACHABLE.message);
      } finally {
        setBusy(false);
      }
    },
    [latest],
  );
  return { run, busy, error, setError };
}
