import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuantity } from '../../src-shared/metrics/quantity';
import { screenshot } from './browser';
import { kubectl, kubectlCreate } from './kubectl';
import { openSandboxApp, type SandboxApp } from './sandbox-app';

interface KPod {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; ownerReferences?: { kind: string }[] };
  status?: { phase?: string };
}

/** A node's drawer in Chromium against the sandbox, kubectl as referee: health, allocation, cordon, drain with a PDB saying no. */
describe('nodes: health, allocation, cordon and drain', () => {
  let app: SandboxApp;
  let page: Page;
  let kubeconfig: string;
  let dir: string;
  const cluster = 'pro-east';
  let node = '';
  const podsOn = async () =>
    (
      JSON.parse(await kubectl(kubeconfig, cluster, 'get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`, '-o', 'json')) as {
        items: KPod[];
      }
    ).items;

  /** A PodDisruptionBudget that allows no disruption of `pod`'s instance, once its status says so. */
  const budgetAllowingNone = async (name: string, pod: KPod) => {
    const { namespace, labels } = pod.metadata;
    await kubectlCreate(kubeconfig, cluster, dir, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace },
      spec: { maxUnavailable: 0, selector: { matchLabels: { 'app.kubernetes.io/instance': labels!['app.kubernetes.io/instance']! } } },
    });
    await expect
      .poll(
        async () =>
          (await kubectl(kubeconfig, cluster, 'get', 'pdb', name, '-n', namespace, '-o', 'jsonpath={.status.disruptionsAllowed}')).trim(),
        {
          timeout: 30_000,
        },
      )
      .toBe('0');
  };

  beforeAll(async () => {
    app = await openSandboxApp('nodes', { clockSpeed: 5 });
    ({ page, kubeconfig } = app);
    dir = mkdtempSync(join(tmpdir(), 'capstan-e2e-nodes-'));
    // The node with the most pods of a Deployment.
    const all = (
      JSON.parse(await kubectl(kubeconfig, cluster, 'get', 'pods', '-A', '-o', 'json')) as {
        items: (KPod & { spec: { nodeName?: string } })[];
      }
    ).items;
    const counts = new Map<string, number>();
    for (const p of all)
      if (p.spec.nodeName && p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet')
        counts.set(p.spec.nodeName, (counts.get(p.spec.nodeName) ?? 0) + 1);
    node = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows conditions and requests as kubectl describes them, cordons and uncordons', async () => {
    await page.getByTestId('nav-resources').click();
    await page.getByTestId('resource-kind').selectOption({ label: 'Node' });
    await page.getByTestId('resource-filter-text').fill(node);
    await page.locator(`[data-testid=table-row][data-name="${node}"]`).click();
    const panel = page.getByTestId('node-panel');
    await panel.waitFor({ timeout: 30_000 });

    const k = JSON.parse(await kubectl(kubeconfig, cluster, 'get', 'node', node, '-o', 'json')) as {
      status: { conditions: { type: string; status: string }[] };
    };
    const shown = await panel
      .getByTestId('node-conditions')
      .locator('li')
      .evaluateAll((li) => li.map((l) => `${l.getAttribute('data-type')}=${l.getAttribute('data-status')}`));
    expect(shown.sort()).toEqual(k.status.conditions.map((c) => `${c.type}=${c.status}`).sort());

    // kubectl describe node's "Allocated resources": cpu and memory requests.
    const describe = await kubectl(kubeconfig, cluster, 'describe', 'node', node);
    const allocated = describe.slice(describe.indexOf('Allocated resources:'));
    const cpu = parseQuantity(/\n\s+cpu\s+(\S+)/.exec(allocated)![1]!)!;
    const memory = parseQuantity(/\n\s+memory\s+(\S+)/.exec(allocated)![1]!)!;
    expect(Number(await panel.getByTestId('node-cpu-requests').getAttribute('data-value'))).toBeCloseTo(cpu, 3);
    expect(Number(await panel.getByTestId('node-memory-requests').getAttribute('data-value'))).toBe(memory);
    const nonFinished = (await podsOn()).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    expect(Number(await panel.getByTestId('node-pods-count').getAttribute('data-value'))).toBe(nonFinished.length);
    await screenshot(page, 'nodes-drawer');

    await panel.getByTestId('node-cordon').click();
    await expect
      .poll(async () => (await kubectl(kubeconfig, cluster, 'get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}')).trim(), {
        timeout: 30_000,
      })
      .toBe('true');
    await expect.poll(() => panel.getAttribute('data-unschedulable')).toBe('true');
    await panel.getByTestId('node-uncordon').click();
    await expect
      .poll(async () => (await kubectl(kubeconfig, cluster, 'get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}')).trim(), {
        timeout: 30_000,
      })
      .toBe('');
  });

  it('previews a drain, then evicts; a pod its PodDisruptionBudget refuses (429) is retried until the budget allows it', async () => {
    const pods = await podsOn();
    const guarded = pods.find(
      (p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet' && p.metadata.labels?.['app.kubernetes.io/instance'],
    )!;
    await budgetAllowingNone('e2e-guard', guarded);

    const panel = page.getByTestId('node-panel');
    await panel.getByTestId('node-drain').click();
    const preview = panel.getByTestId('drain-preview');
    await preview.waitFor({ timeout: 30_000 });
    const rows = preview.getByTestId('drain-pod');
    expect(await rows.count()).toBe(pods.length);
    const guardedRow = preview.locator(`[data-testid=drain-pod][data-name="${guarded.metadata.name}"]`);
    expect(await guardedRow.getAttribute('data-action')).toBe('evict');
    expect(await guardedRow.innerText()).toContain('e2e-guard allows 0');
    await screenshot(page, 'nodes-drain-preview');

    await preview.getByTestId('drain-timeout').fill('600');
    await preview.getByTestId('drain-confirm').click();
    // The budget refuses (429): the eviction is retried with back-off, shown on the pod's row.
    await expect.poll(async () => Number(await guardedRow.getAttribute('data-attempts')), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    expect(await guardedRow.getAttribute('data-outcome')).toMatch(/^(retrying|evicting)$/);
    expect(await guardedRow.innerText()).toContain('PodDisruptionBudget e2e-guard allows no disruption now (429)');
    await expect
      .poll(
        async () =>
          rows.evaluateAll((r) =>
            r
              .filter((x) => x.getAttribute('data-action') === 'evict' && x.getAttribute('data-outcome') !== 'evicted')
              .map((x) => x.getAttribute('data-name')),
          ),
        { timeout: 60_000 },
      )
      .toEqual([guarded.metadata.name]);
    await screenshot(page, 'nodes-drain-retrying');
    // kubectl: cordoned; the pods evicted so far are gone from the node, the guarded one stays.
    expect((await kubectl(kubeconfig, cluster, 'get', 'node', node, '-o', 'jsonpath={.spec.unschedulable}')).trim()).toBe('true');
    const evictable = await rows.evaluateAll((r) =>
      r.filter((x) => x.getAttribute('data-action') === 'evict').map((x) => x.getAttribute('data-name')!),
    );
    const evicted = evictable.filter((n) => n !== guarded.metadata.name);
    await expect.poll(async () => (await podsOn()).filter((p) => evicted.includes(p.metadata.name)).length, { timeout: 60_000 }).toBe(0);
    expect((await podsOn()).some((p) => p.metadata.name === guarded.metadata.name)).toBe(true);

    // The budget allows one disruption now: the next retry evicts the pod and the drain finishes.
    await kubectl(
      kubeconfig,
      cluster,
      'patch',
      'pdb',
      'e2e-guard',
      '-n',
      guarded.metadata.namespace,
      '--type',
      'merge',
      '-p',
      '{"spec":{"maxUnavailable":1}}',
    );
    await expect.poll(() => guardedRow.getAttribute('data-outcome'), { timeout: 60_000 }).toBe('evicted');
    await expect.poll(() => preview.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await guardedRow.innerText()).toMatch(/evicted \(after \d+ refusals? by PodDisruptionBudget e2e-guard\)/);
    await screenshot(page, 'nodes-drain-result');
    await expect.poll(async () => (await podsOn()).some((p) => p.metadata.name === guarded.metadata.name), { timeout: 60_000 }).toBe(false);
  });

  it('gives up at the timeout with the pod reported blocked, and stops when the user says stop', async () => {
    // Another node, with a pod of a Deployment guarded by a budget that allows nothing.
    const all = (
      JSON.parse(await kubectl(kubeconfig, cluster, 'get', 'pods', '-A', '-o', 'json')) as {
        items: (KPod & { spec: { nodeName?: string } })[];
      }
    ).items;
    // Not one covered by a budget already (two budgets on a pod make the Eviction API answer 500).
    const budgets = (
      JSON.parse(await kubectl(kubeconfig, cluster, 'get', 'pdb', '-A', '-o', 'json')) as {
        items: { metadata: { namespace: string }; spec: { selector?: { matchLabels?: Record<string, string> } } }[];
      }
    ).items;
    const covered = (p: KPod) =>
      budgets.some(
        (b) =>
          b.metadata.namespace === p.metadata.namespace &&
          Object.entries(b.spec.selector?.matchLabels ?? {}).every(([k, v]) => p.metadata.labels?.[k] === v),
      );
    const held = all.find(
      (p) =>
        p.spec.nodeName &&
        p.spec.nodeName !== node &&
        p.status?.phase === 'Running' &&
        p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet' &&
        p.metadata.labels?.['app.kubernetes.io/instance'] &&
        !covered(p),
    )!;
    const other = held.spec.nodeName!;
    await budgetAllowingNone('e2e-hold', held);
    await page.keyboard.press('Escape');
    await page.getByTestId('resource-filter-text').fill(other);
    await page.locator(`[data-testid=table-row][data-name="${other}"]`).click();
    const panel = page.getByTestId('node-panel');
    await expect.poll(() => panel.getAttribute('data-name'), { timeout: 30_000 }).toBe(other);

    // A 3 s timeout: the pod is refused until then, then reported blocked with its budget.
    await panel.getByTestId('node-drain').click();
    let preview = panel.getByTestId('drain-preview');
    await preview.waitFor({ timeout: 30_000 });
    const heldRow = () => panel.locator(`[data-testid=drain-pod][data-name="${held.metadata.name}"]`);
    await preview.getByTestId('drain-timeout').fill('3');
    await preview.getByTestId('drain-confirm').click();
    await expect.poll(() => heldRow().getAttribute('data-outcome'), { timeout: 60_000 }).toBe('blocked');
    expect(await heldRow().innerText()).toContain('PodDisruptionBudget e2e-hold allowed no disruption (429)');
    // The other pods of the node may still be on their way; then the drain is over.
    await expect.poll(() => preview.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');

    // Again with a long timeout, stopped by the user while it retries.
    await panel.getByTestId('node-drain').click();
    await panel.getByTestId('node-drain').click();
    preview = panel.getByTestId('drain-preview');
    await preview.getByTestId('drain-confirm').click({ timeout: 30_000 });
    await expect.poll(() => heldRow().getAttribute('data-outcome'), { timeout: 60_000 }).toBe('retrying');
    await preview.getByTestId('drain-stop').click();
    expect(await heldRow().getAttribute('data-outcome')).toBe('stopped');
    expect(await preview.getAttribute('data-state')).toBe('stopped');
    await screenshot(page, 'nodes-drain-stopped');
    expect(
      (
        await kubectl(
          kubeconfig,
          cluster,
          'get',
          'pod',
          held.metadata.name,
          '-n',
          held.metadata.namespace,
          '-o',
          'jsonpath={.spec.nodeName}',
        )
      ).trim(),
    ).toBe(other);
  });
});
