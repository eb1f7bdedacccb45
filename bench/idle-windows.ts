/**
 * Probe (not part of `npm run bench`): idle CPU of the services process in consecutive windows,
 * against the sandbox at a given scale with its clock frozen (nothing changes), every service on.
 * The foundation bench measures one 20 s window; the budget is "≤ 1 % in every 20 s window",
 * which needs windows over at least one metrics interval.
 *   npx tsx bench/idle-windows.ts <scale> <windows> [windowSeconds] [settleSeconds]
 * Prints one JSON line per window (with V8's collections in it) and a summary (min / max / mean
 * CPU, peak RSS). IDLE_PROFILE=<dir> writes a CPU profile of each window there (window-<i>.cpuprofile).
 */
import { Child, bundleScript } from './child';
import { MAIN_PROCESS_NODE_FLAGS } from './foundation';

const scale = Number(process.argv[2] ?? 500);
const windows = Number(process.argv[3] ?? 7);
const seconds = Number(process.argv[4] ?? 20);
const settle = Number(process.argv[5] ?? 30);
const bundle = await bundleScript('services-process.ts');
const sandbox = new Child('sandbox-process.ts', [String(scale)]);
try {
  const [, kubeconfig, pods] = (await sandbox.waitFor(/^ready /)).split(' ');
  const s = new Child(bundle, [kubeconfig!, pods!], { bundled: true, nodeArgs: MAIN_PROCESS_NODE_FLAGS });
  try {
    const synced = await s.waitFor(/^synced /);
    sandbox.send('freeze');
    await new Promise((r) => setTimeout(r, settle * 1000));
    const cpu: number[] = [];
    let peak = 0;
    for (let i = 0; i < windows; i++) {
      const profile = process.env.IDLE_PROFILE && `${process.env.IDLE_PROFILE}/window-${i}.cpuprofile`;
      const { m, gc } = await s.profiled(profile, async () => {
        s.send('gcstats');
        await s.waitFor(/^gcstats /);
        s.send(`measure ${seconds} idle`);
        const m = JSON.parse(await s.waitFor(/^\{"cpu/)) as { cpuPercentOfCore: number; peakRssMB: number; rssMB: number };
        s.send('gcstats');
        return { m, gc: JSON.parse((await s.waitFor(/^gcstats /)).slice(8)) as object };
      });
      cpu.push(m.cpuPercentOfCore);
      peak = Math.max(peak, m.peakRssMB);
      console.log(JSON.stringify({ window: i, ...m, gc }));
    }
    console.log(
      JSON.stringify({
        scale,
        pods: Number(pods),
        synced,
        windowSeconds: seconds,
        cpuPercentOfCore: {
          min: Math.min(...cpu),
          max: Math.max(...cpu),
          mean: Math.round((cpu.reduce((a, b) => a + b, 0) / cpu.length) * 10) / 10,
        },
        peakRssMB: peak,
      }),
    );
  } finally {
    await s.stop();
  }
} finally {
  await sandbox.stop();
}
process.exit(0);
