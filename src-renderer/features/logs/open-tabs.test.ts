import { describe, expect, it } from 'vitest';
import { logSelectionSchema } from '../../../src-shared/logs/contract';
import { createAppStore } from '../../store';
import { execParamsSchema } from '../../../src-shared/exec/contract';
import {
  BEFORE_EVENT_MS,
  debugShellTab,
  debugTab,
  deploymentLogsTab,
  downloadName,
  podLogsTab,
  shellTab,
  sinceBefore,
  sinceTimeOf,
  tabLabel,
} from './open-tabs';

const where = { clusterId: 'pro-east', namespace: 'shop', pod: 'orders-pro-7d9f-abcde' };
// The main process validates every selection with this schema on arrival.
const valid = (tab: { selection: unknown }) => logSelectionSchema.parse(tab.selection);

describe('tabs other screens open in the log viewer', () => {
  it("a pod's logs: every container, current instance, the last lines", () => {
    const tab = podLogsTab(where);
    expect(valid(tab)).toEqual({ clusterIds: ['pro-east'], namespace: 'shop', target: { kind: 'pod', name: where.pod } });
    expect(tab.title).toBe(where.pod);
  });

  it('around an OOM kill: the previous instance, from two minutes before it ended, at the second', () => {
    const killedAt = Date.parse('2026-11-26T20:15:42.730Z');
    const tab = podLogsTab({ ...where, container: 'orders' }, { previous: true, eventAt: killedAt });
    const sel = valid(tab);
    expect(sel).toMatchObject({ container: 'orders', previous: true, tailLines: 500, sinceTime: '2026-11-26T20:13:42Z' });
    expect(Date.parse(sel.sinceTime!)).toBeLessThanOrEqual(killedAt - BEFORE_EVENT_MS);
    expect(killedAt - BEFORE_EVENT_MS - Date.parse(sel.sinceTime!)).toBeLessThan(1000);
    expect(tab.title).toMatch(/^orders-pro-7d9f-abcde\/orders \(previous\) from /);
    expect(sinceBefore(Date.parse('2026-11-26T00:01:00Z'))).toBe('2026-11-25T23:59:00Z');
  });

  it("a Deployment's logs and a shell in a chosen container", () => {
    expect(valid(deploymentLogsTab({ clusterId: 'uat', namespace: 'shop', name: 'orders-uat' })).target).toEqual({
      kind: 'deployment',
      name: 'orders-uat',
    });
    expect(shellTab({ ...where, container: 'sidecar' }).target).toEqual({ ...where, container: 'sidecar' });
    expect(shellTab(where).target).not.toHaveProperty('container');
  });

  it('opening one switches to the Logs screen with the new tab active', () => {
    const store = createAppStore();
    store.getState().setView('workloads');
    const id = store.getState().openLogTab(podLogsTab(where, { previous: true }));
    const s = store.getState();
    expect(s.view).toBe('logs');
    expect(s.activeLogTab).toBe(id);
    expect(s.logTabs.find((t) => t.id === id)).toMatchObject({ kind: 'logs', selection: { previous: true } });
  });
});

describe('tab names', () => {
  it('name the cluster in labels and download names', () => {
    const tab = {
      kind: 'logs' as const,
      title: 'catalog-pro-7f/app',
      selection: { clusterIds: ['pro-east'], target: { kind: 'pod' as const, name: 'catalog-pro-7f' } },
    };
    expect(tabLabel(tab)).toBe('pro-east · catalog-pro-7f/app');
    expect(downloadName(tab, new Date('2026-12-06T04:50:07Z'))).toBe('pro-east_catalog-pro-7f_app_20261206-045007.log');
    expect(tabLabel({ ...tab, selection: { ...tab.selection, clusterIds: ['a', 'b', 'c'] } })).toBe('3 clusters · catalog-pro-7f/app');
    expect(tabLabel({ kind: 'shell', title: 'sh x', target: { clusterId: 'fat' } })).toBe('fat · sh x');
  });
  it('computes a since time from minutes or a local time', () => {
    expect(sinceTimeOf({ minutes: 15 }, Date.parse('2026-12-06T05:00:30.500Z'))).toBe('2026-12-06T04:45:30Z');
    expect(sinceTimeOf({ local: 'nonsense' })).toBeUndefined();
    expect(sinceTimeOf({ local: '2026-12-06T04:00:00Z' })).toBe('2026-12-06T04:00:00Z');
  });
});

describe('a debug container shell tab', () => {
  it('attaches to the ephemeral container, and main accepts its parameters', () => {
    const tab = debugShellTab({ ...where, container: 'debugger-x7k2p' });
    expect(tab).toEqual({
      kind: 'shell',
      title: 'orders-pro-7d9f-abcde/debugger-x7k2p (debug)',
      target: { ...where, container: 'debugger-x7k2p', attach: true },
    });
    expect(execParamsSchema.parse({ sessionId: 'abcdef12', ...tab.target, tty: true })).toMatchObject({
      attach: true,
      container: 'debugger-x7k2p',
    });
  });
  it('from the drawer: a tab that starts the container (default image, sharing the chosen container) before its shell', () => {
    expect(debugTab({ ...where, container: 'orders' }, 'busybox:1.36')).toEqual({
      kind: 'debug',
      title: 'orders-pro-7d9f-abcde/orders (debug)',
      target: { ...where, container: 'orders', debugImage: 'busybox:1.36' },
    });
    expect(tabLabel(debugTab(where, 'busybox:1.36'))).toBe('pro-east · orders-pro-7d9f-abcde (debug)');
  });
});
