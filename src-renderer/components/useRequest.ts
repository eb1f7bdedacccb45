import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import type { AppError, Result } from '../../src-shared/result';

/**
 * One request's state for a component: what the last answer was, the error of the last attempt,
 * whether one is in flight, and a retry. Components ask through this instead of keeping their own
 * loading and error state next to every client call.
 */
export interface RequestState<T> {
  /** The last answer; kept while the request runs again and when a later attempt fails. */
  data: T | undefined;
  /** The error of the last attempt; cleared by the next answer. */
  error: AppError | undefined;
  loading: boolean;
  /** Ask again (a Retry button, a poll). */
  retry: () => void;
}

const UNREACHABLE: AppError = { code: 'unavailable', message: "Could not reach Capstan's services. Check the connection and press Retry." };

/** One of three for views that show a spinner, an error or the value. */
export type Loaded<T> = { status: 'loading' } | { status: 'ok'; value: T } | { status: 'error'; error: AppError };

/**
 * The request as one of three: an error hides the value; while asking again, `keep` shows the last
 * value (a refresh), `hide` shows the spinner (another object was asked for).
 */
export function loaded<T>(r: RequestState<T>, whileLoading: 'keep' | 'hide'): Loaded<T> {
  if (r.loading && (whileLoading === 'hide' || r.data === undefined)) return { status: 'loading' };
  if (r.error) return { status: 'error', error: r.error };
  return r.data === undefined ? { status: 'loading' } : { status: 'ok', value: r.data };
}

interface Answer<T> {
  data: T | undefined;
  error: AppError | undefined;
  loading: boolean;
}

/**
 * Runs `request` on mount, whenever `deps` change (as useEffect's), when `refreshKey` changes (a
 * new metrics round, a matrix row that moved: a reason to ask again that the request itself does
 * not read) and on `retry()`. An answer that arrives after any of them changed or the component
 * went away is dropped. A `request` that gives undefined: nothing to ask (yet), nothing shown.
 *
 * `deps` are checked by the hooks lint (react-hooks/exhaustive-deps, `additionalHooks`).
 */
export function useRequest<T>(request: () => Promise<Result<T>> | undefined, deps: DependencyList, refreshKey?: unknown): RequestState<T> {
  const [answer, setAnswer] = useState<Answer<T>>({ data: undefined, error: undefined, loading: true });
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(request);
  latest.current = request;
  useEffect(() => {
    const pending = latest.current();
    if (!pending) {
      setAnswer((a) => (a.loading || a.data !== undefined || a.error ? { data: undefined, error: undefined, loading: false } : a));
      return;
    }
    let live = true;
    setAnswer((a) => (a.loading ? a : { ...a, loading: true }));
    void pending.then(
      (r) => {
        if (!live) return;
        setAnswer((a) => (r.ok ? { data: r.value, error: undefined, loading: false } : { data: a.data, error: r.error, loading: false }));
      },
      () => {
        // The transport itself failed (not an answer with an error): say so, in the same place.
        if (live) setAnswer((a) => ({ data: a.data, error: UNREACHABLE, loading: false }));
      },
    );
    return () => {
      live = false;
    };
    // The caller's deps stand for the request (checked where useRequest is called); attempt is the retry.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, refreshKey, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...answer, retry };
}
