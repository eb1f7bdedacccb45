import { useEffect, useRef, useState } from 'react';

/** `value`, but updated at most once per `ms` (the latest value wins). */
export function useThrottled<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    const wait = last.current + ms - Date.now();
    const apply = () => {
      last.current = Date.now();
      setCurrent(value);
    };
    if (wait <= 0) {
      apply();
      return;
    }
    const timer = setTimeout(apply, wait);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}
