/**
 * Capstan's release services alone, in a process of their own that release-chaos.ts kills with
 * SIGKILL at a random instant (no cleanup, no lock release, timers and requests abandoned).
 *   argv: <dir> <kubeconfig file> <plan file> <create|resume|rollback> <clock speed>
 * create: check, create and start the plan's release; resume: load it (held as `recovered`) and
 * resume; rollback: load it and roll it back. Then approve what waits for approval and print one
 * JSON line per state version ({version, status, groups: [[phase, batch, step]]}), `done <status>`
 * when the release is over.
 */
import { readFileSync } from 'node:fs';
import { ClusterService } from '../src-main/clusters/cluster-service';
import { KubeconfigService } from '../src-main/clusters/kubeconfig-service';
import { ReleaseService } from '../src-main/releases/release-service';
import { needsMe } from '../src-shared/releases/execution-views';

const [dir, kubeconfig, planFile, mode, speed] = process.argv.slice(2) as [string, string, string, string, string];
const clusters = new ClusterService(KubeconfigService.fromString(readFileSync(kubeconfig, 'utf8'), 'sandbox'), {
  staleAfterMs: 5000,
  notifyIntervalMs: 50,
  idleCloseMs: 0,
});
const s = new ReleaseService({ dir, clusters, tickMs: 100, timeScale: Number(speed), actor: 'chaos' });
const fail = (m: string) => {
  process.stdout.write(`error ${m}\n`);
  process.exit(2);
};

await s.start();
s.subscribe(() => undefined);
for (let i = 0; !clusters.ids().every((id) => clusters.get(id)?.state === 'live'); i++) {
  if (i > 600) fail('clusters not live');
  await new Promise((r) => setTimeout(r, 50));
}
await s.snapshots.refresh();
let id = [...s.executor.entries.keys()][0];
if (mode === 'create') {
  const yaml = readFileSync(planFile, 'utf8');
  const drift = await s.drift(yaml);
  if (!drift.ok) fail(drift.error.message);
  const created = drift.ok ? await s.create(yaml, drift.value.fingerprint) : undefined;
  if (!created?.ok) fail(created?.error.message ?? 'create failed');
  id = created!.ok ? created!.value.id : '';
  const started = await s.act(id, { type: 'start' });
  if (!started.ok) fail(started.error.message);
} else {
  if (!id) fail('no execution to resume');
  const st = s.executor.entries.get(id!)!.state;
  if (st.stopped) {
    const r = await s.act(id!, { type: 'resume' });
    if (!r.ok) fail(r.error.message);
  }
  if (mode === 'rollback') {
    const r = await s.act(id!, { type: 'rollback' });
    if (!r.ok) fail(r.error.message);
  }
}

let printed = -1;
const approved = new Set<string>();
for (;;) {
  const st = s.executor.entries.get(id!)!.state;
  if (st.version !== printed) {
    printed = st.version;
    process.stdout.write(
      `${JSON.stringify({ version: st.version, status: st.status, groups: st.groups.map((g) => [g.phase, g.batch, g.step, g.pauseReason?.kind ?? '']) })}\n`,
    );
  }
  if (['succeeded', 'rolled-back', 'failed', 'aborted'].includes(st.status)) {
    process.stdout.write(`done ${st.status}\n`);
    break;
  }
  for (const n of needsMe(st)) {
    const k = `${n.kind}/${n.group}/${n.version}`;
    if ((n.kind === 'approve-stage' || n.kind === 'approve-fort') && !approved.has(k)) {
      approved.add(k);
      void s.act(id!, { type: 'approvalGiven', group: n.group, version: n.version });
    }
  }
  await new Promise((r) => setTimeout(r, 30));
}
await s.dispose();
clusters.dispose();
process.exit(0);
