/**
 * The executor's contract against the sandbox with kubectl as the one making out-of-band changes:
 * the Deployment is watched through soak and approval waits (pause, set image: paused within
 * seconds, saying what and who); `kubectl rollout undo` mid-release is reported as such and the
 * rollback that follows keeps min-online and restores the original strategy from the record;
 * abort gives the Deployment back (claim removed, what was left said); two creates in one second
 * get two ids and the second start says why it is refused; the history says "resumed".
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { needsMe } from '../../src-shared/releases/execution-views';
import { until } from '../testing/fake-kube';
import { drive, plan, startRelease, startReleaseSandbox, watchReady, type ReleaseSandbox } from './testing/release-sandbox';

let sb: ReleaseSandbox;
beforeAll(async () => {
  sb = await startReleaseSandbox();
}, 30_000);
afterAll(() => sb?.close());

const ORIGINAL = '{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"},"type":"RollingUpdate"}';
const jsonpath = (ctx: string, ns: string, d: string, path: string) =>
  sb.kubectl('--context', ctx, '-n', ns, 'get', `deployment/${d}`, '-o', `jsonpath={${path}}`);
const sorted = (json: string) =>
  JSON.stringify(JSON.parse(json), (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );

it('watches the Deployment through the fort approval wait and the soak: kubectl rollout pause and set image pause the group within seconds, with what and who; the rollback keeps every pod online', async () => {
  const s = await sb.service();
  const id = await startRelease(
    s,
    plan('catalog', '2.1.0', '  - { name: pro, approval: false, groups: [{ group: pro, datacenter: pro-east }] }', 'rollback: manual'),
  );
  const group = () => s.executor.entries.get(id)!.state.groups[0]!;
  await until(() => needsMe(s.executor.entries.get(id)!.state).some((n) => n.kind === 'approve-fort'), 60_000, 'fort waits for approval');

  await sb.kubectl('--context', 'pro-east', '-n', 'shop', 'rollout', 'pause', 'deployment/catalog-pro');
  const t0 = Date.now();
  await until(() => group().pauseReason?.kind === 'drift', 10_000, 'paused on drift');
  expect(Date.now() - t0).toBeLessThan(5_000);
  expect(group().pauseReason).toMatchObject({
    kind: 'drift',
    detail: expect.stringContaining('spec.paused: false → true'),
    by: expect.stringContaining('kubectl-rollout'),
  });
  await sb.kubectl('--context', 'pro-east', '-n', 'shop', 'rollout', 'resume', 'deployment/catalog-pro');
  await until(
    () =>
      group().pauseReason?.kind === 'drift' &&
      group().pauseReason!.kind === 'drift' &&
      /spec\.paused: true →/.test((group().pauseReason as { detail: string }).detail),
    10_000,
    'resume seen too',
  );
  expect((await s.act(id, { type: 'resume', group: group().key })).ok).toBe(true);
  expect(s.executor.entries.get(id)!.state.history.at(-1)!.changes[0]).toMatch(/resumed, paused \(drift\) at baking/);

  // The next wait is the soak of batch 2 (after the fort approval): set image during it.
  await drive(s, id, () => group().phase === 'rolling' && group().step === 'checking', 60_000, 'batch soaking');
  await sb.kubectl(
    '--context',
    'pro-east',
    '-n',
    'shop',
    'set',
    'image',
    'deployment/catalog-pro',
    'catalog=harbor-east.sandbox.local/shop/catalog:2.2.1',
  );
  await until(() => group().pauseReason?.kind === 'drift', 10_000, 'paused on set image');
  expect(group().pauseReason).toMatchObject({
    detail: expect.stringContaining('catalog:2.2.1'),
    by: expect.stringContaining('kubectl-set'),
  });

  const ready = watchReady(sb, 'pro-east', 'catalog-pro');
  expect((await s.act(id, { type: 'rollback', group: group().key })).ok).toBe(true);
  await until(() => group().phase === 'rolled-back', 90_000, 'rolled back');
  ready.stop();
  expect(ready.min()).toBeGreaterThanOrEqual(8);
  expect(await jsonpath('pro-east', 'shop', 'catalog-pro', '.spec.template.spec.containers[0].image')).toMatch(/catalog:2\.0\.3$/);
  expect(sorted(await jsonpath('pro-east', 'shop', 'catalog-pro', '.spec.strategy'))).toBe(sorted(ORIGINAL));
  expect(await sb.kubectl('--context', 'pro-east', '-n', 'shop', 'rollout', 'status', 'deployment/catalog-pro', '--timeout=10s')).toContain(
    'successfully rolled out',
  );
  await s.dispose();
}, 240_000);

it('kubectl rollout undo mid-release is reported as a rollback by someone else; rolling back keeps min-online and restores the original strategy, minReadySeconds and deadline', async () => {
  const s = await sb.service();
  const id = await startRelease(
    s,
    plan('orders', '1.5.0', '  - { name: pro, approval: false, groups: [{ group: pro, datacenter: pro-west }] }', 'rollback: manual'),
  );
  const group = () => s.executor.entries.get(id)!.state.groups[0]!;
  await drive(s, id, () => group().phase === 'rolling' && group().step === 'checking', 90_000, 'past the fort');
  await sb.kubectl('--context', 'pro-west', '-n', 'shop', 'rollout', 'undo', 'deployment/orders-pro');
  await until(() => group().pauseReason?.kind === 'drift', 10_000, 'undo seen');
  // kubectl rollout undo sends no field manager: the API server names it after the user agent.
  expect(group().pauseReason).toMatchObject({
    by: expect.stringMatching(/^kubectl/),
    detail: expect.stringMatching(/image: .*orders:1\.5\.0 → .*orders:1\.4\.2.*capstan\.io\/release/),
  });
  const ready = watchReady(sb, 'pro-west', 'orders-pro');
  expect((await s.act(id, { type: 'rollback', group: group().key })).ok).toBe(true);
  await until(() => group().phase === 'rolled-back', 90_000, 'rolled back');
  ready.stop();
  expect(ready.min()).toBeGreaterThanOrEqual(6);
  expect(sorted(await jsonpath('pro-west', 'shop', 'orders-pro', '.spec.strategy'))).toBe(sorted(ORIGINAL));
  expect(await jsonpath('pro-west', 'shop', 'orders-pro', '.spec.minReadySeconds')).toMatch(/^0?$/);
  expect(await jsonpath('pro-west', 'shop', 'orders-pro', '.spec.progressDeadlineSeconds')).toBe('600');
  expect(await jsonpath('pro-west', 'shop', 'orders-pro', '.metadata.annotations')).not.toContain('capstan.io/');
  expect(await jsonpath('pro-west', 'shop', 'orders-pro', '.spec.template.spec.containers[0].image')).toMatch(/orders:1\.4\.2$/);
  await s.dispose();
}, 240_000);

it('abort gives the Deployment back: the claim goes, the history says what was left; after a restart the aborted release cannot be moved forward, and a rollback restores everything', async () => {
  const s = await sb.service();
  const id = await startRelease(
    s,
    plan('search', '7.4.1', '  - { name: pro, approval: false, groups: [{ group: pro, datacenter: pro-west }] }', 'rollback: manual'),
  );
  const state = () => s.executor.entries.get(id)!.state;
  await until(() => needsMe(state()).some((n) => n.kind === 'approve-fort'), 90_000, 'fort baked');
  expect((await s.act(id, { type: 'abort' })).ok).toBe(true);
  await until(() => state().groups[0]!.handedBack !== undefined, 10_000, 'hand-back recorded');
  expect(state().groups[0]!.handedBack).toMatchObject({
    outcome: 'held',
    detail: expect.stringMatching(/^left held at 1 of 6 pods .*claim is removed/),
  });
  expect(state().history.find((h) => h.action.startsWith('handedBack'))!.changes[0]).toMatch(/given back: left held at 1 of 6 pods/);
  const annotations = await jsonpath('pro-west', 'shop', 'search-pro', '.metadata.annotations');
  expect(annotations).not.toContain('capstan.io/release');
  expect(annotations).toContain('capstan.io/original');
  // Restarted: the aborted release is loaded as history; nothing makes it move forward again.
  await s.dispose();
  const again = await sb.service();
  const loaded = () => again.executor.entries.get(id)!.state;
  expect(loaded().status).toBe('aborted');
  const generation = await jsonpath('pro-west', 'shop', 'search-pro', '.metadata.generation');
  const key = loaded().groups[0]!.key;
  for (const event of [
    { type: 'approvalGiven', group: key, version: loaded().version },
    { type: 'resume', group: key },
    { type: 'retry', group: key },
    { type: 'resume' },
  ] as const) {
    const r = await again.act(id, event);
    expect(r.ok ? 'accepted' : r.error.message).toMatch(/was aborted; .* not possible any more/);
  }
  await new Promise((r) => setTimeout(r, 1500)); // a dozen executor ticks: the spec may not change
  expect(await jsonpath('pro-west', 'shop', 'search-pro', '.metadata.generation')).toBe(generation);
  expect((await again.act(id, { type: 'rollback', group: key })).ok).toBe(true);
  await until(() => loaded().groups[0]!.phase === 'rolled-back', 90_000, 'rolled back after abort and restart');
  expect(sorted(await jsonpath('pro-west', 'shop', 'search-pro', '.spec.strategy'))).toBe(sorted(ORIGINAL));
  expect(await jsonpath('pro-west', 'shop', 'search-pro', '.metadata.annotations')).not.toContain('capstan.io/');
  await again.dispose();
}, 240_000);

it('two creates of one plan in the same second get two ids; the second start says which release holds the Deployment; resuming a stopped line says "resumed"', async () => {
  const s = await sb.service();
  const yaml = plan(
    'cart',
    '1.1.0',
    '  - { name: pro, approval: false, groups: [{ group: pro, datacenter: pro-west }] }',
    'rollback: manual',
  );
  expect((await s.savePlan(yaml)).ok).toBe(true);
  const drift = await s.drift(yaml);
  if (!drift.ok) throw new Error(drift.error.message);
  const [a, b] = await Promise.all([s.create(yaml, drift.value.fingerprint), s.create(yaml, drift.value.fingerprint)]);
  if (!a.ok || !b.ok) throw new Error('create failed');
  expect(a.value.id).not.toBe(b.value.id);
  expect((await s.act(a.value.id, { type: 'start' })).ok).toBe(true);
  const refused = await s.act(b.value.id, { type: 'start' });
  expect(!refused.ok && refused.error.message).toMatch(new RegExp(`Release ${a.value.id} .*also releases pro-west/shop/cart-pro`));
  await until(() => s.executor.entries.get(a.value.id)!.state.groups[0]!.phase === 'fort', 30_000, 'fort');
  expect((await s.stopTheLine('incident')).ok).toBe(true);
  expect((await s.act(a.value.id, { type: 'resume' })).ok).toBe(true);
  const last = s.executor.entries.get(a.value.id)!.state.history.at(-1)!;
  expect(last.changes.join('\n')).toMatch(/resumed, paused \(stop-the-line\)/);
  expect(last.changes.join('\n')).not.toMatch(/paused \(manual\)/);
  expect((await s.act(a.value.id, { type: 'abort' })).ok).toBe(true);
  await s.dispose();
}, 120_000);

it('someone widens maxSurge at a held boundary: the group pauses, offers the passed progress as a batch, and accepting it gates on from there to the end', async () => {
  const s = await sb.service();
  const id = await startRelease(
    s,
    plan('cart', '1.1.0', '  - { name: pro, approval: false, groups: [{ group: pro, datacenter: pro-east }] }', 'rollback: manual'),
  );
  const state = () => s.executor.entries.get(id)!.state;
  const group = () => state().groups[0]!;
  await until(() => needsMe(state()).some((n) => n.kind === 'approve-fort'), 90_000, 'fort baked');
  await sb.kubectl(
    '--context',
    'pro-east',
    '-n',
    'shop',
    'patch',
    'deployment/cart-pro',
    '-p',
    '{"spec":{"strategy":{"rollingUpdate":{"maxSurge":5}}}}',
  );
  // Paused at once by the watch; once the controller has run past the next boundary (at the latest
  // when the next batch starts), the pause offers that progress as a batch.
  const resumed = new Set<number>();
  await drive(
    s,
    id,
    () => {
      const r = group().pauseReason;
      if (r?.kind === 'drift' && r.acceptBatch === undefined && !resumed.has(state().version)) {
        resumed.add(state().version);
        void s.act(id, { type: 'resume', group: group().key });
      }
      return r?.kind === 'drift' && r.acceptBatch !== undefined;
    },
    60_000,
    'progress offered',
  );
  const r = group().pauseReason as { acceptBatch: number; by?: string };
  expect(r.acceptBatch).toBe(group().batches.length - 1);
  expect(needsMe(state()).find((n) => n.group === group().key)!.message).toMatch(/accept it as batch \d+, hold, or roll back/);
  expect((await s.act(id, { type: 'acceptProgress', group: group().key, batch: r.acceptBatch })).ok).toBe(true);
  await drive(s, id, () => group().phase === 'succeeded', 90_000, 'finished after accepting');
  expect(sorted(await jsonpath('pro-east', 'shop', 'cart-pro', '.spec.strategy'))).toBe(sorted(ORIGINAL));
  expect(await sb.kubectl('--context', 'pro-east', '-n', 'shop', 'rollout', 'status', 'deployment/cart-pro', '--timeout=10s')).toContain(
    'successfully rolled out',
  );
  await s.dispose();
}, 240_000);
