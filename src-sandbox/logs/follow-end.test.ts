/**
 * The end of a follow stream, as a kubelet ends it: when the followed container instance exits,
 * the stream first carries what the instance wrote up to its end, then closes. Checked against
 * a read of the terminated instance (`previous=true`), with and without a log profile.
 * Also: the request hook sees every request the API server receives.
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datacenter, RequestSeen } from '../datacenter';
import { startDatacenter } from '../datacenter';
import type { KubeObject } from '../kube/types';
import { configureLogs } from './config';

let dc: Datacenter;
beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 1 });
  dc.freeze(); // no kubelet activity of its own: the test ends the instance
});
afterAll(async () => {
  await dc?.close();
});

/** GET a path; resolves with the whole body once the server ends it. `onData` sees it arrive. */
function read(cluster: string, path: string, onData?: (text: string) => void): Promise<string> {
  const c = dc.cluster(cluster);
  return new Promise((resolve, reject) => {
    request(`${c.url}${path}`, { ca: c.caPem, headers: { Authorization: `Bearer ${c.token}` } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => {
        text += d.toString();
        onData?.(text);
      });
      res.on('end', () => resolve(text));
    })
      .on('error', reject)
      .end();
  });
}

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};

/** A running pod of a Deployment and its first container's current instance start. */
function runningPod(cluster: string, deployment: string): KubeObject {
  const pods = [...dc.cluster(cluster).store.list('pods', 'shop')].map(([, p]) => p.obj);
  const pod = pods.find((p) => p.metadata.name.startsWith(`${deployment}-`) && p.status?.containerStatuses?.[0]?.state?.running);
  if (!pod) throw new Error(`no running pod of ${deployment}`);
  return pod;
}

/** What the kubelet does when a container is OOM-killed (its state moves to lastState). */
function oomKill(cluster: string, name: string): void {
  const store = dc.cluster(cluster).store;
  const pod = store.clone('pods', 'shop', name)!;
  const c = pod.status.containerStatuses[0];
  c.lastState = {
    terminated: {
      reason: 'OOMKilled',
      exitCode: 137,
      startedAt: c.state.running.startedAt,
      finishedAt: new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    },
  };
  c.state = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' } };
  c.restartCount++;
  c.ready = false;
  store.update('pods', pod);
}

const lastLine = (body: string) => body.trimEnd().split('\n').at(-1);

describe('a follow stream of a container that ends', () => {
  it("(rich generator) writes the instance's lines up to its end before closing", async () => {
    configureLogs(dc.cluster('fat').store, { rate: 200 });
    const pod = runningPod('fat', 'orders-fat').metadata.name;
    const seen: RequestSeen[] = [];
    const off = dc.cluster('fat').onRequest((r) => seen.push(r));
    let started = false;
    const follow = read(
      'fat',
      `/api/v1/namespaces/shop/pods/${pod}/log?follow=true&timestamps=true&tailLines=1`,
      (t) => (started = t.split('\n').length > 5),
    );
    await until(() => started, 'followed lines');
    oomKill('fat', pod);
    const body = await follow;
    const previous = await read('fat', `/api/v1/namespaces/shop/pods/${pod}/log?previous=true&timestamps=true&tailLines=5`);
    expect(lastLine(body)).toBe(lastLine(previous));
    off();
    expect(seen.map((r) => `${r.method} ${r.path} ${r.query.get('previous') ?? r.query.get('follow')}`)).toEqual([
      `GET /api/v1/namespaces/shop/pods/${pod}/log true`,
      `GET /api/v1/namespaces/shop/pods/${pod}/log true`,
    ]);
  });

  it('(default log settings) ends with the crash lines a read of the terminated instance ends with', async () => {
    const pod = runningPod('uat', 'orders-uat').metadata.name;
    let started = false;
    const follow = read(
      'uat',
      `/api/v1/namespaces/shop/pods/${pod}/log?follow=true&timestamps=true&tailLines=1`,
      (t) => (started = t.length > 0),
    );
    await until(() => started, 'followed lines');
    oomKill('uat', pod);
    const body = await follow;
    expect(lastLine(body)).toMatch(/java\.lang\.OutOfMemoryError: Java heap space$/);
    const previous = await read('uat', `/api/v1/namespaces/shop/pods/${pod}/log?previous=true&timestamps=true&tailLines=1`);
    expect(lastLine(body)).toBe(lastLine(previous));
  });
});
