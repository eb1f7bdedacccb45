import { describe, expect, it } from 'vitest';
import { ClusterSubscribers, type ClusterSubscriber } from './cluster-subscribers';

interface Sub extends ClusterSubscriber {
  log: string[];
}

function setup(refuse = new Set<string>()) {
  const subs = new ClusterSubscribers<Sub>({
    attach: (sub, id, { primed }) => {
      if (refuse.has(id)) return undefined;
      sub.log.push(`attach ${id}${primed ? ' (primed)' : ''}`);
      return () => sub.log.push(`detach ${id}`);
    },
    gone: (sub, id) => sub.log.push(`gone ${id}`),
  });
  const make = (clusterIds?: string[]): Sub => {
    const log: string[] = [];
    return {
      clusterIds: clusterIds && new Set(clusterIds),
      attached: new Map(),
      batcher: { dispose: () => log.push('dispose') },
      closed: false,
      log,
    };
  };
  return { subs, make };
}

describe('ClusterSubscribers', () => {
  it('attaches a subscriber to the clusters it wants only, and unsubscribing undoes each once', () => {
    const { subs, make } = setup();
    const a = make(['fat']);
    const stop = subs.add(a, ['fat', 'uat']);
    expect(a.log).toEqual(['attach fat']);
    stop();
    stop();
    expect(a.log).toEqual(['attach fat', 'dispose', 'detach fat']);
    expect([...subs]).toEqual([]);
  });

  it('follows the cluster list: new clusters attached, gone ones detached and reported', () => {
    const { subs, make } = setup();
    const all = make();
    subs.add(all, ['fat']);
    subs.sync(new Set(['uat']));
    expect(all.log).toEqual(['attach fat', 'attach uat', 'detach fat', 'gone fat']);
    expect([...all.attached.keys()]).toEqual(['uat']);
  });

  it('retries at the next sync a cluster it could not attach to', () => {
    const refuse = new Set(['fat']);
    const { subs, make } = setup(refuse);
    const all = make();
    subs.add(all, ['fat']);
    expect(all.attached.size).toBe(0);
    refuse.clear();
    subs.sync(new Set(['fat']));
    expect(all.log).toEqual(['attach fat']);
  });

  it('attaches without a reset only the clusters added primed, never those a later sync brings', () => {
    const { subs, make } = setup();
    const all = make();
    subs.add(all, ['fat'], { primed: true });
    subs.sync(new Set(['fat', 'uat']));
    expect(all.log).toEqual(['attach fat (primed)', 'attach uat']);
  });

  it('dispose closes every subscriber', () => {
    const { subs, make } = setup();
    const a = make();
    const b = make();
    subs.add(a, ['fat']);
    subs.add(b, ['uat']);
    subs.dispose();
    expect(a.closed && b.closed).toBe(true);
    expect(b.log).toEqual(['attach uat', 'dispose', 'detach uat']);
  });
});
