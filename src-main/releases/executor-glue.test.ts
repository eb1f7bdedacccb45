import { describe, expect, it } from 'vitest';
import { applyEvent } from '../../src-shared/releases/execution';
import { createExecution, type ExecutionState } from '../../src-shared/releases/execution-model';
import { fixturePlan, fixtureSnapshot } from '../../src-shared/releases/fixtures';
import { resolvePlan } from '../../src-shared/releases/resolve';
import { containerFor, eventForHealth, eventForOutcome, goalForGroup } from './executor-glue';

function proStarted(): ExecutionState {
  const plan = fixturePlan({ stages: [{ name: 'pro', groups: [{ group: 'pro', datacenter: 'pro-east' }] }] });
  const r = applyEvent(createExecution('rel-1', plan, resolvePlan(plan, fixtureSnapshot()).stages, 0), {
    type: 'start',
    at: 1,
    actor: 'a',
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('executor glue', () => {
  it('turns the group state into the batch goal', () => {
    const s = proStarted();
    const g = s.groups[0]!;
    expect(goalForGroup(s, g)).toEqual({
      releaseId: 'rel-1',
      fromImage: 'harbor.example.com/shop/orders:2.4.0',
      toImage: 'harbor.example.com/shop/orders:2.4.1',
      replicas: 10,
      target: 1,
      batchSize: 1,
      last: false,
      original: undefined,
    });
    const ev = eventForOutcome(g, { kind: 'batch-done', updated: 1 }, 5)!;
    expect(ev).toEqual({ at: 5, actor: 'capstan', group: g.key, type: 'fortDone' });
    const r = applyEvent(s, ev);
    expect(r.ok && r.value.groups[0]!.phase).toBe('baking');
    expect(r.ok && goalForGroup(r.value, r.value.groups[0]!)).toBeUndefined(); // checking, not updating
  });
  it('maps outcomes and verdicts to events', () => {
    const g = proStarted().groups[0]!;
    expect(eventForOutcome(g, { kind: 'progressing', detail: '' }, 1)).toBeUndefined();
    expect(eventForOutcome(g, { kind: 'overshoot', expected: 1, actual: 3 }, 1)).toMatchObject({
      type: 'externalEdit',
      detail: expect.stringMatching(/3 pods updated, the batch stops at 1/),
      acceptBatch: 1,
    });
    expect(eventForOutcome(g, { kind: 'failed', detail: 'x' }, 1)).toMatchObject({ type: 'fail', detail: 'x' });
    expect(eventForHealth(g, { verdict: 'fail', gate: 'no-crashloop', detail: 'd' }, 1)).toMatchObject({
      type: 'gateFailed',
      gate: 'no-crashloop',
    });
    expect(eventForHealth(g, { verdict: 'pass', detail: '' }, 1)).toMatchObject({ type: 'gatePassed', gate: 'health' });
    expect(eventForHealth(g, { verdict: 'pending', detail: '' }, 1)).toBeUndefined();
  });
  it('finds the container that runs the release repository', () => {
    const d = {
      metadata: { name: 'orders' },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'log-agent', image: 'agent:1' },
              { name: 'orders', image: 'harbor.example.com/shop/orders:2.4.0' },
            ],
          },
        },
      },
    };
    expect(containerFor(d, 'harbor-west.example.com/shop/orders:2.4.1')).toBe('orders');
    expect(containerFor(d, 'harbor.example.com/shop/billing:1')).toBeUndefined();
  });
});
