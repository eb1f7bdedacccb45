/**
 * Scratch probe (not part of `npm run bench`): the services process against a sandbox at a given
 * scale, `memory gc` after sync and after the first metrics rounds, optional heap snapshot.
 *   npx tsx bench/metrics-memprobe.ts <scale> <all|foundation> [snapshotFile] [waitSeconds]
 */
import { Child, bundleScript } from './child';
import { MAIN_PROCESS_NODE_FLAGS } from './foundation';

const scale = Number(process.argv[2] ?? 50);
const mode = process.argv[3] ?? 'all';
const snap = process.argv[4];
const wait = Number(process.argv[5] ?? 20);
const bundle = await bundleScript('services-process.ts');
const sandbox = new Child('sandbox-process.ts', [String(scale)]);
try {
  const [, kubeconfig, pods] = (await sandbox.waitFor(/^ready /)).split(' ');
  const s = new Child(bundle, [kubeconfig!, pods!, ...(mode === 'foundation' ? ['foundation'] : [])], {
    bundled: true,
    nodeArgs: [...MAIN_PROCESS_NODE_FLAGS, '--expose-gc', ...(process.env.PROBE_NODE_ARGS ? process.env.PROBE_NODE_ARGS.split(' ') : [])],
  });
  try {
    console.log(await s.waitFor(/^synced /));
    sandbox.send('freeze');
    s.send('memory gc');
    console.log('after sync', await s.waitFor(/^\{"memory/));
    await new Promise((r) => setTimeout(r, wait * 1000));
    s.send(`measure 10`);
    console.log('idle', await s.waitFor(/^\{"cpu/));
    s.send('memory gc');
    console.log('later', await s.waitFor(/^\{"memory/));
    if (snap) {
      s.send(`snapshot ${snap}`);
      console.log(await s.waitFor(/^snapshot /));
    }
  } finally {
    await s.stop();
  }
} finally {
  await sandbox.stop();
}
process.exit(0);
