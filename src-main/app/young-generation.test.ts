import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A process of its own: V8 flags are process-wide, and the cap must hold against Electron's 32 MB semi-spaces.
const script = `
import v8 from 'node:v8';
import { capYoungGeneration } from ${JSON.stringify(path.join(__dirname, 'young-generation.ts'))};
if (process.argv.includes('cap')) capYoungGeneration(8);
const keep = [];
// Objects that survive scavenges, as the first lists' summaries do: V8 grows the young generation.
for (let i = 0; i < 3e6; i++) {
  keep.push({ a: i, b: 'x' + i });
  if (keep.length > 5e5) keep.splice(0, 1e5);
  if (i % 2e4 === 0) await new Promise((r) => setImmediate(r));
}
const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
console.log(Math.round(young / 2 ** 20));
`;

const youngMB = (...args: string[]) =>
  new Promise<number>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--max-semi-space-size=32', '--import', 'tsx', '--input-type=module', '-e', script, '--', ...args],
      { cwd: path.join(__dirname, '../..') },
      (e, out) => (e ? reject(e) : resolve(Number(out.trim()))),
    ),
  );

describe('capYoungGeneration', () => {
  it('stops the young generation growing at the cap, where it would otherwise reach its maximum', async () => {
    const uncapped = await youngMB();
    expect(uncapped).toBeGreaterThan(32);
    // The cap is 8 MB; the observer that applies it may hear of collections one doubling late on a busy machine.
    const capped = await youngMB('cap');
    expect(capped).toBeLessThan(2 * 8 * 1.1);
    expect(capped).toBeLessThan(uncapped / 2);
  }, 60_000);
});
