import { spawn } from 'node:child_process';

export const CLUSTERS = ['fat', 'uat', 'pro-east', 'pro-west'];

/** kubectl fetching one kind from the four clusters at once, as the app connects them. */
export async function kubectlLists(
  kubeconfig: string,
  resource: string,
): Promise<{ wallMs: number; perClusterMs: Record<string, number>; bytes: number }> {
  const t0 = performance.now();
  const per: Record<string, number> = {};
  let bytes = 0;
  await Promise.all(
    CLUSTERS.map(
      (ctx) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn('kubectl', ['--kubeconfig', kubeconfig, '--context', ctx, 'get', resource, '-A', '-o', 'json'], {
            stdio: ['ignore', 'pipe', 'ignore'],
          });
          child.stdout.on('data', (d: Buffer) => (bytes += d.length));
          child.on('error', reject);
          child.on('exit', (code) => {
            per[ctx] = Math.round(performance.now() - t0);
            if (code === 0) resolve();
            else reject(new Error(`kubectl get ${resource} --context ${ctx} exited ${code}`));
          });
        }),
    ),
  );
  return { wallMs: Math.round(performance.now() - t0), perClusterMs: per, bytes };
}
