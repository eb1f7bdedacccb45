/**
 * List paging and watch-list as client-go's reflector relies on them: pages after the first show
 * the state at the first page's resourceVersion, a continue token older than the retained history
 * is a 410, and sendInitialEvents ends the initial state with the initial-events-end bookmark.
 */
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src-sandbox/kube/types';
import type { TestSandbox } from './kube-sandbox-helpers';
import { startTestSandbox, waitFor } from './kube-sandbox-helpers';

describe('paging and watch-list against the sandbox', { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  const store = () => sb.dc.cluster('fat').store;
  const event = (name: string, message: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: 'paging' },
    involvedObject: { kind: 'Pod', name: 'x', namespace: 'paging' },
    message,
    reason: 'Test',
    type: 'Normal',
  });
  const names = (list: { items: KubeObject[] }) => list.items.map((o) => o.metadata.name);

  beforeAll(async () => {
    sb = await startTestSandbox({ watchWindow: 2000 });
    await sb.kubectl(['--context', 'fat', 'create', 'namespace', 'paging']);
    for (const n of ['e1', 'e2', 'e3', 'e4', 'e5']) store().create('events', event(n, `first ${n}`), '2026-01-01T00:00:00Z');
  });
  afterAll(() => sb?.close());

  it('the second page answers under the first page resourceVersion, with the objects as they were then', async () => {
    const first = await sb.request('fat', 'GET', '/api/v1/namespaces/paging/events?limit=2');
    expect(names(first.body)).toEqual(['e1', 'e2']);
    const rv = first.body.metadata.resourceVersion;
    // Changes after the first page: one added before and one after the rest, one modified, one deleted.
    store().create('events', event('e2a', 'late'), '2026-01-01T00:00:00Z');
    store().create('events', event('e9', 'late'), '2026-01-01T00:00:00Z');
    const e3 = store().clone('events', 'paging', 'e3')!;
    e3.message = 'changed';
    store().update('events', e3);
    store().delete('events', 'paging', 'e4');
    const second = await sb.request(
      'fat',
      'GET',
      `/api/v1/namespaces/paging/events?limit=10&continue=${encodeURIComponent(first.body.metadata.continue)}`,
    );
    expect(second.status).toBe(200);
    expect(second.body.metadata.resourceVersion).toBe(rv);
    expect(names(second.body)).toEqual(['e3', 'e4', 'e5']);
    expect(second.body.items[0].message).toBe('first e3');
    expect(second.body.items[0].metadata.resourceVersion <= rv).toBe(true);
    const fresh = await sb.request('fat', 'GET', '/api/v1/namespaces/paging/events');
    expect(names(fresh.body)).toEqual(['e1', 'e2', 'e2a', 'e3', 'e5', 'e9']);
    // kubectl's server-side Table pages the same way.
    const table = await sb.request(
      'fat',
      'GET',
      `/api/v1/namespaces/paging/events?limit=10&continue=${encodeURIComponent(first.body.metadata.continue)}`,
      undefined,
      { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    );
    expect(table.body.rows.map((r: { object: KubeObject }) => r.object.metadata.name)).toEqual(['e3', 'e4', 'e5']);
  });

  it('a continue token older than the retained history is a 410 Expired, as kubectl shows', async () => {
    const first = await sb.request('fat', 'GET', '/api/v1/namespaces/paging/events?limit=1');
    for (let i = 0; i < 2600; i++) store().create('events', event(`churn-${i}`, 'x'), '2026-01-01T00:00:00Z');
    const path = `/api/v1/namespaces/paging/events?limit=1&continue=${encodeURIComponent(first.body.metadata.continue)}`;
    const r = await sb.request('fat', 'GET', path);
    expect(r.status).toBe(410);
    expect(r.body).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(r.body.message).toMatch(/^The provided continue parameter is too old to display a consistent list result/);
    expect(r.body.metadata.continue).toBeTruthy();
    const k = await sb.kubectl(['--context', 'fat', 'get', '--raw', path]);
    expect(k.code).not.toBe(0);
    expect(k.stderr).toContain('Error from server (Expired): The provided continue parameter is too old');
  });

  it('sendInitialEvents=true: the current objects as ADDED, then the initial-events-end BOOKMARK, then changes', async () => {
    const c = sb.dc.cluster('fat');
    const lines: { type: string; object: KubeObject }[] = [];
    const req = request(
      `${c.url}/api/v1/namespaces/paging/events?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&resourceVersion=`,
      { ca: c.caPem, headers: { Authorization: `Bearer ${c.token}` } },
      (res) => {
        let buf = '';
        res.on('data', (d: Buffer) => {
          buf += d.toString();
          const parts = buf.split('\n');
          buf = parts.pop()!;
          for (const p of parts) if (p) lines.push(JSON.parse(p));
        });
      },
    );
    req.end();
    try {
      const count = [...store().list('events', 'paging')].length;
      const end = await waitFor('the initial-events-end bookmark', () => {
        const i = lines.findIndex((l) => l.type === 'BOOKMARK');
        return i >= 0 ? i : undefined;
      });
      expect(end).toBe(count);
      expect(lines.slice(0, end).every((l) => l.type === 'ADDED')).toBe(true);
      expect(lines[end]!.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
      expect(lines[end]!.object.metadata.resourceVersion).toBeTruthy();
      store().create('events', event('after', 'x'), '2026-01-01T00:00:00Z');
      await waitFor('the change after the bookmark', () =>
        lines.some((l, i) => i > end && l.type === 'ADDED' && l.object.metadata.name === 'after') ? true : undefined,
      );
    } finally {
      req.destroy();
    }
    const refused = await sb.request('fat', 'GET', '/api/v1/namespaces/paging/events?watch=true&sendInitialEvents=true');
    expect(refused.status).toBe(422);
  });
});
