/**
 * Log viewer figures, in one run against one sandbox stream (sandbox in its own process):
 *  - `kubectl logs -f` of a pod logging at 150,000 lines/s (stdout counted by this process);
 *  - the same pod through the log service, the WebSocket bridge and xterm in Chromium (browser
 *    mode): lines/s written into the viewer (batches are acked after xterm's write callback);
 *  - main-process memory at 1,000,000 and 1,500,000 lines with the default ring (100,000);
 *  - the longest frame in the renderer during a 20,000 lines/s stream;
 *  - the terminal renderer is automatic (DOM on software-only GL); WebGL forced is measured too;
 *  - lines missing from the spool (timestamps of the deterministic source are contiguous).
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Child } from './child';
import { kubectlFollowRate, openLogViewer } from './log-viewer';

const RATE = 150_000;
/** The longest gap between two animation frames over 10 s, in the page (a string: no DOM types here). */
const FRAME_PROBE = `new Promise((resolve) => {
  let max = 0, last = performance.now();
  const end = last + 10000;
  const frame = (t) => { max = Math.max(max, t - last); last = t; if (t < end) requestAnimationFrame(frame); else resolve(Math.round(max)); };
  requestAnimationFrame(frame);
})`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (n: number) => Math.round(n / 2 ** 20);
/** A phase that does not finish in time is reported as such, never hangs the whole bench. */
const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms))]);
const progress = (m: string) => process.stderr.write(`logs bench: ${m}\n`);

/** Count source lines in the spool whose timestamps are not exactly one period after the previous. */
async function spoolGaps(file: string, bytes: number, periodNs: bigint): Promise<{ lines: number; missing: number; duplicates: number }> {
  let prev = 0n;
  let lines = 0;
  let missing = 0;
  let duplicates = 0;
  // Only what was flushed so far: the view keeps appending while this reads.
  for await (const line of createInterface({ input: createReadStream(file, { end: bytes - 1 }) })) {
    const ts = line.split(' ', 2)[1] ?? '';
    if (!/^\d{4}-.*\.\d{9}Z$/.test(ts) || line.includes(' ── ')) continue;
    const ns = BigInt(Date.parse(ts.slice(0, 19) + 'Z')) * 1_000_000n + BigInt(ts.slice(20, 29));
    if (prev) {
      const d = ns - prev;
      if (d <= 0n) duplicates++;
      else if (d !== periodNs) missing += Number(d / periodNs) - 1;
    }
    prev = ns;
    lines++;
  }
  return { lines, missing, duplicates };
}

export async function run(opts: { seconds?: number } = {}) {
  const sandbox = new Child('logs-sandbox-process.ts', [String(RATE)]);
  const dir = mkdtempSync(join(tmpdir(), 'capstan-bench-logs-'));
  try {
    const [, kubeconfig, fastPod, slowPod] = (await sandbox.waitFor(/^ready /)).split(' ') as [string, string, string, string];
    const kubectl = await kubectlFollowRate(kubeconfig, [fastPod], opts.seconds ?? 6);
    process.stderr.write(`logs bench: kubectl ${kubectl} lines/s\n`);

    const viewer = await openLogViewer(kubeconfig, dir);
    const { page, received } = viewer;
    try {
      const open = (pod: string) => viewer.open('pod', pod);
      const viewId = await open(fastPod);
      const view = () => viewer.view(viewId);
      for (let i = 0; i < 300 && !view()?.ring.total; i++) await sleep(100);
      const samples: { t: number; total: number; received: number; skipped: number; rss: number; heap: number }[] = [];
      const deadline = Date.now() + 60_000;
      let at1M: (typeof samples)[number] | undefined;
      while (Date.now() < deadline) {
        await sleep(1000);
        const v = view()!;
        (globalThis as { gc?: () => void }).gc?.();
        const m = process.memoryUsage();
        // Read the service's counters together, before awaiting the page.
        const s = { t: performance.now(), total: v.ring.total, skipped: v.skipped, rss: m.rss, heap: m.heapUsed, received: 0 };
        s.received = await received();
        samples.push(s);
        process.stderr.write(`logs bench: ${JSON.stringify({ ...s, rss: mb(s.rss), heap: mb(s.heap) })}\n`);
        if (!at1M && s.total >= 1_000_000) at1M = s;
        if (s.total >= 1_500_000) break;
      }
      const valid = samples.filter((x) => x.received >= 0);
      const first = valid[1] ?? valid[0] ?? samples[0]!;
      const last = valid.at(-1) ?? samples.at(-1)!;
      const end = samples.at(-1)!;
      const secs = (last.t - first.t) / 1000;
      const viewerRate = Math.round((last.received - first.received) / secs);
      const serviceRate = Math.round((end.total - first.total) / ((end.t - first.t) / 1000));
      const v = view()!;
      v.spool.flush();
      progress('checking the spool');
      const spool = await within(spoolGaps(v.spool.file, v.spool.bytes, BigInt(Math.round(1e9 / RATE))), 180_000, 'the spool check');
      process.stderr.write(`logs bench: spool ${JSON.stringify(spool)}\n`);

      // Viewer throughput again with the WebGL renderer forced (8 s, same source); the default is automatic.
      progress('throughput, WebGL renderer forced');
      await page.locator('[data-testid=tab-logs] button').first().click({ timeout: 60_000 });
      await page.evaluate(`localStorage.setItem('capstan.terminal.renderer', 'webgl')`);
      await within(open(fastPod), 60_000, 'opening the view (WebGL)');
      await sleep(3000);
      const d0 = { t: performance.now(), n: await received() };
      await sleep(8000);
      const d1 = { t: performance.now(), n: await received() };
      const viewerRateWebgl = d0.n >= 0 && d1.n >= 0 ? Math.round(((d1.n - d0.n) * 1000) / (d1.t - d0.t)) : null;
      const rendererWebglForced = await page.locator('[data-testid=log-term]:visible').getAttribute('data-renderer');
      await page.evaluate(`localStorage.removeItem('capstan.terminal.renderer')`);

      progress('frame phase');
      await page.locator('[data-testid=tab-logs] button').first().click({ timeout: 60_000 });
      await within(open(slowPod), 60_000, 'opening the 20k lines/s view');
      await sleep(2000);
      const longestFrameMs = Number(await within(page.evaluate(FRAME_PROBE), 60_000, 'the frame measurement'));
      const renderer = await page.locator('[data-testid=log-term]:visible').getAttribute('data-renderer');
      // The same with WebGL forced.
      progress('frame phase, WebGL forced');
      await page.locator('[data-testid=tab-logs] button').first().click({ timeout: 60_000 });
      await page.evaluate(`localStorage.setItem('capstan.terminal.renderer', 'webgl')`);
      await within(open(slowPod), 60_000, 'opening the 20k lines/s view (WebGL)');
      await sleep(2000);
      const longestFrameMsWebgl = Number(await within(page.evaluate(FRAME_PROBE), 60_000, 'the frame measurement (WebGL)'));
      return {
        sourceLinesPerSecond: RATE,
        kubectlLogsFollowLinesPerSecond: kubectl,
        viewerLinesPerSecond: viewerRate,
        serviceLinesPerSecond: serviceRate,
        viewerVsKubectl: Math.round((viewerRate / kubectl) * 100) / 100,
        viewerLinesPerSecondWebglForced: viewerRateWebgl,
        rendererWebglForced,
        targets: { viewerLinesPerSecond: 100_000, viewerVsKubectl: 0.5, memoryGrowthMB: 20, longestFrameMs: 50, spoolMissing: 0 },
        skippedForSlowViewer: end.skipped,
        linesThroughService: end.total,
        pageUnresponsiveSamples: samples.length - valid.length,
        mainMemoryMB: {
          at1M: at1M ? { rss: mb(at1M.rss), heap: mb(at1M.heap) } : null,
          atEnd: { rss: mb(end.rss), heap: mb(end.heap) },
          note: 'bench process = main services + the playwright driver',
        },
        memoryGrowthMB: at1M ? { rss: mb(end.rss - at1M.rss), heap: mb(end.heap - at1M.heap) } : null,
        spool,
        longestFrameMsAt20kLinesPerSecond: longestFrameMs,
        renderer,
        longestFrameMsAt20kLinesPerSecondWebglForced: longestFrameMsWebgl,
      };
    } finally {
      await viewer.close();
    }
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
