/**
 * `npm run sandbox -- --kubeconfig <file> [--scale N] [--scenario file | --apps N] [--clock F] [--port-base N]`
 * Runs the sandbox datacenter in the foreground, writes the kubeconfig and prints a line with
 * `ready` and every cluster's URL once all API servers listen, then one line per sandbox Harbor
 * (one per region of the scenario) with its URL and test credentials. Ctrl-C (or SIGTERM) stops it.
 * `--apps N` serves a generated scenario instead of a file (scenario-generator.ts): N apps × FAT/UAT/PRO
 * groups, 25 pods per app at scale 1 (`--apps 500 --scale 4`: the 50,000-pod board of the releases benchmark).
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { startDatacenter } from './datacenter';
import { startScenarioHarbors } from './harbor';
import { ScenarioError } from './scenario';
import { MAX_GENERATED_APPS, generateScenario } from './scenario-generator';

const usage = 'usage: npm run sandbox -- --kubeconfig <file> [--scale N] [--scenario file.yaml | --apps N] [--clock F] [--port-base N]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      scale: { type: 'string', default: '1' },
      scenario: { type: 'string' },
      apps: { type: 'string' },
      clock: { type: 'string', default: '1' },
      'port-base': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (!values.kubeconfig) throw new UsageError('--kubeconfig <file> is required');
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number >= ${min}, got "${v}"`);
    return n;
  };
  if (values.apps !== undefined && values.scenario !== undefined)
    throw new UsageError('--apps generates a scenario: give either --apps or --scenario, not both');
  const apps = values.apps === undefined ? undefined : num('apps', values.apps, 1);
  if (apps !== undefined && (!Number.isInteger(apps) || apps > MAX_GENERATED_APPS))
    throw new UsageError(`--apps must be a whole number from 1 to ${MAX_GENERATED_APPS}, got "${values.apps}"`);
  const started = Date.now();
  const dc = await startDatacenter({
    scenario: apps !== undefined ? generateScenario({ apps }) : values.scenario ? resolve(values.scenario) : undefined,
    scale: num('scale', values.scale, 0.001),
    clockSpeed: num('clock', values.clock, 0.001),
    portBase: num('port-base', values['port-base'], 0),
  });
  const harbors = await startScenarioHarbors(dc.scenario, { clockSpeed: num('clock', values.clock, 0.001) }).catch(async (e: unknown) => {
    await dc.close();
    throw e;
  });
  // Before `ready` is printed: whoever reads it may signal at once (the lines reach a pipe
  // asynchronously, so a signal could otherwise beat the handlers and kill without cleanup).
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`sandbox stopping (${signal})`);
    void Promise.all([harbors.close(), dc.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const path = resolve(values.kubeconfig);
  dc.writeKubeconfig(path);
  const pods = dc.clusters.reduce((n, c) => n + dc.cluster(c.name).store.count('pods'), 0);
  console.log(
    `sandbox ready in ${Date.now() - started} ms: ${pods} pods, kubeconfig ${path}, ${dc.clusters.map((c) => `${c.name}=${c.url}`).join(' ')}`,
  );
  for (const line of harbors.describe()) console.log(`harbor ${line}`);
}

class UsageError extends Error {}

main().catch((e: unknown) => {
  if (e instanceof UsageError) console.error(`${e.message}\n${usage}`);
  else if (e instanceof ScenarioError) console.error(e.message);
  else console.error('sandbox failed to start:', e);
  process.exit(2);
});
