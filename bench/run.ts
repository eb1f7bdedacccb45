/**
 * `npm run bench`: every benchmark in turn, one JSON document on stdout (also saved to
 * bench-results/latest.json). `npm run bench -- foundation` runs only the named ones.
 * Ratios compare against a reference client (kubectl, ...) measured in the same run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';

const benches: Record<string, () => Promise<{ run(): Promise<unknown> }>> = {
  foundation: () => import('./foundation'),
  logs: () => import('./logs'),
  metrics: () => import('./metrics'),
  'metrics-chart': () => import('./metrics-chart'),
  images: () => import('./images'),
  'images-registries': () => import('./images-registries'),
  'plan-images': () => import('./plan-images'),
  releases: () => import('./releases'),
  launch: () => import('./launch'),
  'release-chaos': () => import('./release-chaos'),
  troubleshooting: () => import('./troubleshooting'),
  'port-forward': () => import('./portforward'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const results: Record<string, unknown> = {};
for (const [name, load] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  process.stderr.write(`bench: ${name}...\n`);
  try {
    results[name] = await (await load()).run();
  } catch (error) {
    results[name] = { error: String(error) };
  }
}
const doc = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGB: Math.round(totalmem() / 2 ** 30), node: process.version },
  results,
};
const out = resolve(import.meta.dirname, '../bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(resolve(out, 'latest.json'), JSON.stringify(doc, null, 2));
console.log(JSON.stringify(doc, null, 2));
process.exit(0);
