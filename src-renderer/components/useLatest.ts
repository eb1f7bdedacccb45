import { useRef, type RefObject } from 'react';

/**
 * A ref that always holds this render's value: for effects and callbacks that must run when
 * something else changes (their deps) but read the newest of these values when they do.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
