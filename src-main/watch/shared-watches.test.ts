import { describe, expect, it } from 'vitest';
import { SharedWatches } from './shared-watches';

describe('SharedWatches', () => {
  it('makes a watch for the first holder, shares it, and stops it with the last release (each release counted once)', () => {
    const stopped: string[] = [];
    let made = 0;
    const w = new SharedWatches<{ name: string }>((x) => stopped.push(x.name));
    const a = w.acquire('fat|pods', () => ({ name: `pods-${++made}` }))!;
    const b = w.acquire('fat|pods', () => ({ name: `pods-${++made}` }))!;
    expect(b.watch).toBe(a.watch);
    a.release();
    a.release();
    expect(stopped).toEqual([]);
    b.release();
    expect(stopped).toEqual(['pods-1']);
    expect(w.get('fat|pods')).toBeUndefined();
    expect(w.acquire('fat|pods', () => ({ name: `pods-${++made}` }))!.watch.name).toBe('pods-2');
  });

  it('gives nothing when there is nothing to watch, and dispose stops what is held', () => {
    const stopped: string[] = [];
    const w = new SharedWatches<{ name: string }>((x) => stopped.push(x.name));
    expect(w.acquire('uat', () => undefined)).toBeUndefined();
    w.acquire('fat', () => ({ name: 'events-fat' }));
    expect(w.entriesByKey().map(([k]) => k)).toEqual(['fat']);
    w.dispose();
    expect(stopped).toEqual(['events-fat']);
  });
});
