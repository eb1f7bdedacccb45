/**
 * A time-merged log view of 50 sources into the viewer (browser mode, xterm in Chromium), against
 * `kubectl logs -f -l … --max-log-requests=50` on the same pods in the same run:
 *  - the sandbox (own process) runs a Deployment of 50 pods in pro-east, each logging `perPod`
 *    lines/s (deterministic timestamps: one every 1e9/perPod ns per source);
 *  - the view opens on the Deployment with 200 lines of backlog per pod, held and released merged
 *    by timestamp; lines/s written into the viewer (as main counts the page's acks, sent after
 *    xterm's write callback: a page this busy answers the bench's own queries late);
 *  - lines in and out: every line the view took from its sources (ring total) against the lines
 *    in its spool file at the same instant; per source, the spool's timestamps must be contiguous
 *    (a gap = a line lost between the API server and the spool); the backlog (first 50 × 200
 *    lines of the spool) must be in time order.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { timeKey } from '../src-main/logs/backlog-merge';
import { Child } from './child';
import { kubectlFollowRate, openLogViewer } from './log-viewer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (m: string) => process.stderr.write(`logs-merge bench: ${m}\n`);
const TAIL = 200;

/** Lines of the spool up to `bytes`: total, per-source gaps in the timestamp sequence, backlog order. */
async function checkSpool(file: string, bytes: number, periodNs: bigint, backlogLines: number) {
  const last = new Map<string, bigint>();
  let lines = 0;
  let missing = 0;
  let duplicates = 0;
  let backlogOutOfOrder = 0;
  let prevKey = '';
  for await (const line of createInterface({ input: createReadStream(file, { end: bytes - 1 }) })) {
    lines++;
    const [label, ts] = line.split(' ', 2) as [string, string | undefined];
    if (!ts || !/^\d{4}-.*\.\d{9}Z$/.test(ts) || line.includes(' ── ')) continue;
    if (lines <= backlogLines) {
      const key = timeKey(ts);
      if (key < prevKey) backlogOutOfOrder++;
      prevKey = key;
    }
    const ns = BigInt(Date.parse(ts.slice(0, 19) + 'Z')) * 1_000_000n + BigInt(ts.slice(20, 29));
    const prev = last.get(label);
    if (prev !== undefined) {
      const d = ns - prev;
      if (d <= 0n) duplicates++;
      else if (d !== periodNs) missing += Number(d / periodNs) - 1;
    }
    last.set(label, ns);
  }
  return { lines, sourcesSeen: last.size, missing, duplicates, backlogOutOfOrder };
}

export async function run(opts: { sources?: number; perPod?: number; seconds?: number } = {}) {
  const sources = opts.sources ?? 50;
  const perPod = opts.perPod ?? 2500;
  const seconds = opts.seconds ?? 10;
  const sandbox = new Child('logs-sandbox-process.ts', ['merge', String(sources), String(perPod)]);
  const dir = mkdtempSync(join(tmpdir(), 'capstan-bench-merge-'));
  try {
    const [, kubeconfig, deployment, running] = (await sandbox.waitFor(/^ready /)).split(' ') as [string, string, string, string];
    progress(`${running} pods of ${deployment} running, ${perPod} lines/s each`);
    const kubectl = await kubectlFollowRate(
      kubeconfig,
      ['--prefix', '--timestamps', `--max-log-requests=${sources}`, '-l', `app.kubernetes.io/name=${deployment}`],
      seconds,
      2000,
    );
    progress(`kubectl logs -f -l (${sources} streams): ${kubectl} lines/s`);

    const viewer = await openLogViewer(kubeconfig, dir);
    try {
      const viewId = await viewer.open('deployment', deployment, true);
      const view = () => viewer.view(viewId);
      // Warm up: every source open and the backlog released.
      for (let i = 0; i < 300 && (view()?.ring.total ?? 0) < sources * TAIL + perPod * sources; i++) await sleep(100);
      progress(`warmed up: ${view()?.ring.total ?? 0} lines in the view; measuring ${seconds} s`);
      // Lines written into the viewer: what the page acked after xterm's write callback.
      const a = { t: performance.now(), n: view()!.acked, total: view()!.ring.total };
      await sleep(seconds * 1000);
      const b = { t: performance.now(), n: view()!.acked, total: view()!.ring.total };
      const viewerRate = Math.round(((b.n - a.n) * 1000) / (b.t - a.t));
      const serviceRate = Math.round(((b.total - a.total) * 1000) / (b.t - a.t));
      // Lines in (taken from the sources) and out (in the spool), read in one tick.
      const v = view()!;
      v.spool.flush();
      const linesIn = v.ring.total;
      const spoolBytes = v.spool.bytes;
      // Stop the sources (the sandbox goes away) so that checking does not race a growing spool.
      await sandbox.stop();
      progress(`checking the spool (${Math.round(spoolBytes / 2 ** 20)} MB)`);
      const spool = await checkSpool(v.spool.file, spoolBytes, BigInt(Math.round(1e9 / perPod)), sources * TAIL);
      return {
        sources,
        sourcesSeen: spool.sourcesSeen,
        perSourceLinesPerSecond: perPod,
        offeredLinesPerSecond: perPod * sources,
        kubectlLogsFollowLinesPerSecond: kubectl,
        viewerLinesPerSecond: viewerRate,
        serviceLinesPerSecond: serviceRate,
        viewerVsKubectl: Math.round((viewerRate / kubectl) * 100) / 100,
        linesIn,
        linesInSpool: spool.lines,
        lostBetweenViewAndSpool: linesIn - spool.lines,
        missingInSourceSequences: spool.missing,
        duplicates: spool.duplicates,
        backlogLinesChecked: Math.min(spool.lines, sources * TAIL),
        backlogOutOfOrder: spool.backlogOutOfOrder,
        skippedForSlowViewer: v.skipped,
        writtenIntoViewer: v.acked,
        targets: { viewerLinesPerSecond: 100_000, lostBetweenViewAndSpool: 0, missingInSourceSequences: 0, backlogOutOfOrder: 0 },
        note: 'kubectl prints lines as they come (no merge by time); viewer = xterm in Chromium through the WebSocket bridge',
      };
    } finally {
      await viewer.close();
    }
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
  process.exit(0);
}
