/**
 * One Capstan's release services, headless, in a process of its own (the team-releases proof runs
 * two of them against one sandbox and kills or suspends one):
 *   argv: <data dir> <kubeconfig file> <name> <lease "duration,deadline,retry" in s> <clock speed>
 * The services are composed as the app composes them (ClusterService from the kubeconfig,
 * ReleaseService in team mode). Commands, one JSON object per stdin line:
 *   {"cmd":"create","yaml":"..."} · {"cmd":"act","id":"...","event":{...}} · {"cmd":"takeOver","id":"..."}
 * Every answer and every change is one JSON line on stdout: {"t":"ready"}, {"t":"reply","cmd",...},
 * and {"t":"view", executions:[{id, version, status, groups, locked, owner}]} whenever it changes.
 * What waits for an approval is approved while this process drives the release.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { batchLabel } from '../../../src-shared/releases/execution';
import { needsMe } from '../../../src-shared/releases/execution-views';
import { ClusterService } from '../../clusters/cluster-service';
import { KubeconfigService } from '../../clusters/kubeconfig-service';
import { ReleaseService } from '../release-service';

const [dir, kubeconfig, name, lease, speed] = process.argv.slice(2) as [string, string, string, string, string];
const [d, r, p] = lease.split(',').map((x) => Number(x) * 1000) as [number, number, number];
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const clusters = new ClusterService(KubeconfigService.fromString(readFileSync(kubeconfig, 'utf8'), 'sandbox'), {
  staleAfterMs: 3000,
  notifyIntervalMs: 50,
  idleCloseMs: 0,
});
const s = new ReleaseService({
  dir,
  clusters,
  tickMs: 100,
  timeScale: Number(speed),
  actor: name,
  team: { timing: { leaseDurationMs: d, renewDeadlineMs: r, retryPeriodMs: p } },
});
await s.start();
let last = '';
const approved = new Set<string>();
s.subscribe((e) => {
  const view = e.executions.map((x) => ({
    id: x.id,
    version: x.version,
    status: x.status,
    groups: x.groups.map((g) => [g.key, g.phase, g.batch, g.step, batchLabel(g, g.batch)]),
    history: x.history.slice(-3).map((h) => `${h.actor}: ${h.action} ${h.changes.join('; ')}`),
    handBacks: x.groups.flatMap((g) => (g.handedBack ? [[g.key, g.handedBack.outcome, g.handedBack.detail]] : [])),
    locked: s.executor.entries.get(x.id)?.lock !== undefined,
    owner: e.owners?.[x.id],
  }));
  const text = JSON.stringify(view.map(({ owner, ...v }) => ({ ...v, owner: owner && { ...owner, expiresAt: undefined } })));
  if (text !== last) {
    last = text;
    out({ t: 'view', at: Date.now(), executions: view });
  }
  for (const x of e.executions) {
    if (!s.executor.entries.get(x.id)?.lock) continue;
    for (const n of needsMe(x)) {
      const k = `${x.id}/${n.kind}/${n.group}/${n.version}`;
      if ((n.kind === 'approve-stage' || n.kind === 'approve-fort') && !approved.has(k)) {
        approved.add(k);
        void s.act(x.id, { type: 'approvalGiven', group: n.group, version: n.version });
      }
    }
  }
});

// Subscribing is what the board does: every cluster is connected from then on.
for (let i = 0; !clusters.ids().every((id) => clusters.get(id)?.state === 'live'); i++) {
  if (i > 600) {
    out({ t: 'error', message: 'clusters not live' });
    process.exit(2);
  }
  await new Promise((res) => setTimeout(res, 50));
}
await s.snapshots.refresh();

createInterface({ input: process.stdin }).on('line', (line) => {
  void (async () => {
    const c = JSON.parse(line) as { cmd: string; yaml?: string; id?: string; event?: never };
    if (c.cmd === 'create') {
      const drift = await s.drift(c.yaml!);
      if (!drift.ok) return out({ t: 'reply', cmd: c.cmd, ok: false, message: drift.error.message });
      const created = await s.create(c.yaml!, drift.value.fingerprint);
      return out({
        t: 'reply',
        cmd: c.cmd,
        ok: created.ok,
        ...(created.ok ? { id: created.value.id } : { message: created.error.message }),
      });
    }
    const res = c.cmd === 'act' ? await s.act(c.id!, c.event!) : await s.takeOver(c.id!);
    out({ t: 'reply', cmd: c.cmd, at: Date.now(), ok: res.ok, ...(res.ok ? {} : { message: res.error.message }) });
  })();
});
out({ t: 'ready' });
