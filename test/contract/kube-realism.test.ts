/**
 * Realism a client can check across the sandbox's parts: pod imageIDs are the manifest digests
 * the sandbox Harbors serve for the same tag (what Capstan's image sync compares).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioHarbors } from '../../src-sandbox/harbor/scenario-harbors';
import { startScenarioHarbors } from '../../src-sandbox/harbor/scenario-harbors';
import type { TestSandbox } from './kube-sandbox-helpers';
import { KUBECTL, startTestSandbox } from './kube-sandbox-helpers';

describe.skipIf(!existsSync(KUBECTL))('sandbox realism across kube and Harbor', { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  let harbors: ScenarioHarbors;
  beforeAll(async () => {
    sb = await startTestSandbox({ clockSpeed: 20 });
    harbors = await startScenarioHarbors(sb.dc.scenario, { pushIntervalMs: 0 });
  });
  afterAll(async () => {
    await harbors?.close();
    await sb?.close();
  });

  it('every running pod\'s imageID is <registry>/<repository>@<the digest its Harbor serves for that tag>', async () => {
    const r = await sb.kubectl(['--context', 'pro-west', 'get', 'pods', '-A', '-o', 'jsonpath={range .items[*]}{.status.containerStatuses[0].image}{" "}{.status.containerStatuses[0].imageID}{"\\n"}{end}']);
    expect(r.code).toBe(0);
    const pairs = r.stdout.trim().split('\n').map((l) => l.split(' ')).filter(([, id]) => id);
    expect(pairs.length).toBeGreaterThan(10);
    const checked = new Set<string>();
    for (const [image, imageID] of pairs) {
      if (checked.has(image!)) continue;
      checked.add(image!);
      const m = /^([^/]+)\/(.+):([^:]+)$/.exec(image!)!;
      const harbor = harbors.harbors.find((h) => m[1]!.startsWith(`${h.name}.`))!;
      const res = await fetch(`${harbor.url}/v2/${m[2]}/manifests/${m[3]}`, {
        method: 'HEAD',
        headers: { Authorization: `Basic ${Buffer.from('admin:Harbor12345').toString('base64')}`, Accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      expect(res.status).toBe(200);
      expect(imageID).toBe(`${m[1]}/${m[2]}@${res.headers.get('docker-content-digest')}`);
    }
    expect(checked.size).toBeGreaterThan(2);
  });
});
