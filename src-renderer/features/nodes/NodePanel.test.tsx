// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeDetail } from '../../../src-shared/nodes/contract';
import { err, ok } from '../../../src-shared/result';
import { byTestId, click, fakeClient, render, waitFor, type Rendered } from '../../testing/render';
import { NodePanel } from './NodePanel';

const node = (over: Partial<NodeDetail> = {}): NodeDetail => ({
  unschedulable: false,
  taints: [],
  conditions: [{ type: 'Ready', status: 'True', bad: false }],
  capacity: { cpu: 4, memory: 8 * 2 ** 30, pods: 110 },
  allocatable: { cpu: 4, memory: 8 * 2 ** 30, pods: 110 },
  requests: { cpu: 1, memory: 2 ** 30 },
  limits: { cpu: 2, memory: 2 * 2 ** 30 },
  pods: [{ namespace: 'shop', name: 'orders-1', phase: 'Running', cpuRequest: 0.5, memoryRequest: 2 ** 29, owner: 'ReplicaSet' }],
  ...over,
});

describe('NodePanel', () => {
  let view: Rendered | undefined;
  afterEach(async () => view?.unmount());

  it('says why the node could not be read', async () => {
    view = await render(
      <NodePanel clusterId="fat" name="node-1" />,
      fakeClient({ 'nodes.detail': async () => err('not-found', 'Node node-1 is gone.') }).client,
    );
    await waitFor(() => expect(view!.container.textContent).toContain('Node node-1 is gone.'));
  });

  it('cordons, keeps the node on screen while it reads it again, then shows it unschedulable', async () => {
    let cordoned = false;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = fakeClient({
      'nodes.detail': async () => (cordoned ? (await gate, ok(node({ unschedulable: true }))) : ok(node())),
      'nodes.setSchedulable': async ({ schedulable }) => ((cordoned = !schedulable), ok({ unschedulable: cordoned })),
    });
    view = await render(<NodePanel clusterId="fat" name="node-1" />, fake.client);
    const c = view.container;
    await waitFor(() => expect(byTestId(c, 'node-panel').getAttribute('data-unschedulable')).toBe('false'));
    await click(byTestId(c, 'node-cordon'));
    await waitFor(() => expect(fake.calls.filter((x) => x.channel === 'nodes.detail')).toHaveLength(2));
    expect(byTestId(c, 'node-panel').getAttribute('data-unschedulable')).toBe('false');
    release();
    await waitFor(() => expect(byTestId(c, 'node-panel').getAttribute('data-unschedulable')).toBe('true'));
    expect(fake.calls.filter((x) => x.channel === 'nodes.detail')).toHaveLength(2);
    expect(fake.calls.find((x) => x.channel === 'nodes.setSchedulable')!.request).toEqual({
      clusterId: 'fat',
      name: 'node-1',
      schedulable: false,
    });
  });

  it('previews a drain, and drains only on confirmation with each pod’s outcome', async () => {
    const fake = fakeClient({
      'nodes.detail': async () => ok(node()),
      'nodes.drainPreview': async () =>
        ok({
          blocked: false,
          pods: [
            { namespace: 'shop', name: 'orders-1', action: 'evict', note: 'ReplicaSet' },
            { namespace: 'kube-system', name: 'proxy-x', action: 'skip-daemonset', note: 'DaemonSet' },
          ],
        }),
      'nodes.drain': (_req, onEvent) => {
        onEvent({
          pods: [{ namespace: 'shop', name: 'orders-1', outcome: 'blocked', message: 'PDB orders allows 0 disruptions', attempts: 3 }],
          done: true,
          deadline: Date.now(),
        });
        return () => {};
      },
    });
    view = await render(<NodePanel clusterId="fat" name="node-1" />, fake.client);
    const c = view.container;
    await waitFor(() => byTestId(c, 'node-panel'));
    await click(byTestId(c, 'node-drain'));
    await waitFor(() => expect(c.querySelectorAll('[data-testid="drain-pod"]')).toHaveLength(2));
    expect(fake.calls.some((x) => x.channel === 'nodes.drain')).toBe(false);
    await click(byTestId(c, 'drain-confirm'));
    await waitFor(() =>
      expect(c.querySelector('[data-name="orders-1"][data-testid="drain-pod"]')!.getAttribute('data-outcome')).toBe('blocked'),
    );
    expect(fake.calls.find((x) => x.channel === 'nodes.drain')!.request).toEqual({
      clusterId: 'fat',
      name: 'node-1',
      confirmed: true,
      timeoutSeconds: 300,
    });
  });
});
