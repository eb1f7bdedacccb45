/**
 * Where the time of the 50-source merged view goes: the same setup as logs-merge.ts, then a CPU
 * profile of the page (Chromium, through CDP) and of main (this process) for `seconds`; prints
 * the top functions by self time of each. `npx tsx bench/logs-merge-profile.ts [seconds]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child } from './child';
import { openLogViewer } from './log-viewer';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** Top `n` functions by self time, as "ms  share  name  file:line". */
function top(p: Profile, n = 25): string[] {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'}  ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    const dt = p.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${(us / 1000).toFixed(0).padStart(6)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

const seconds = Number(process.argv[2] ?? 5);
const sandbox = new Child('logs-sandbox-process.ts', ['merge', '50', '2500']);
const dir = mkdtempSync(join(tmpdir(), 'capstan-bench-merge-prof-'));
try {
  const [, kubeconfig, deployment] = (await sandbox.waitFor(/^ready /)).split(' ') as [string, string, string];
  const viewer = await openLogViewer(kubeconfig, dir);
  try {
    const viewId = await viewer.open('deployment', deployment, true);
    for (let i = 0; i < 300 && (viewer.view(viewId)?.ring.total ?? 0) < 50 * 200 + 2500 * 50; i++)
      await new Promise((r) => setTimeout(r, 100));
    const cdp = await viewer.page.context().newCDPSession(viewer.page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
    const main = new Session();
    main.connect();
    await main.post('Profiler.enable');
    await main.post('Profiler.start');
    const a = viewer.view(viewId)!.acked;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const b = viewer.view(viewId)!.acked;
    const page = (await cdp.send('Profiler.stop')).profile as unknown as Profile;
    const mainProfile = (await main.post('Profiler.stop')).profile as unknown as Profile;
    console.log(`viewer: ${Math.round((b - a) / seconds)} lines/s while profiled`);
    console.log('--- page (Chromium) by self time ---');
    console.log(top(page).join('\n'));
    console.log('--- main (services) by self time ---');
    console.log(top(mainProfile).join('\n'));
  } finally {
    await viewer.close();
  }
} finally {
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
