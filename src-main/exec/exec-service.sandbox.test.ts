/**
 * ExecService and file log sources against the sandbox's exec over WebSocket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine, LogSource } from '../../src-shared/logs/contract';
import type { Datacenter } from '../../src-sandbox/datacenter';
import { startDatacenter } from '../../src-sandbox/datacenter';
import { openExecSessions } from '../../src-sandbox/exec/ws-exec';
import { configureLogs } from '../../src-sandbox/logs/config';
import { ClusterService } from '../clusters/cluster-service';
import { KubeconfigService } from '../clusters/kubeconfig-service';
import { until } from '../testing/fake-kube';
import { LogService } from '../logs/log-service';
import { ExecService } from './exec-service';
import { followFile } from './file-log-source';

let dc: Datacenter;
let clusters: ClusterService;
let exec: ExecService;
let pod: string;

beforeAll(async () => {
  dc = await startDatacenter({ clockSpeed: 20, bookmarkIntervalMs: 500 });
  configureLogs(dc.cluster('uat').store, { rate: 100 });
  clusters = new ClusterService(KubeconfigService.fromString(dc.kubeconfigYaml(), 'sandbox'), { idleCloseMs: 0 });
  exec = new ExecService((id) => clusters.connection(id));
  pod = [...dc.cluster('uat').store.list('pods', 'shop')]
    .map(([, p]) => p.obj)
    .find((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === 'orders-uat')!.metadata.name;
});
afterAll(async () => {
  clusters?.dispose();
  await dc?.close();
});

function run(command: string[], o: { tty?: boolean; stdin?: boolean; container?: string } = {}) {
  let out = '';
  let exit: unknown;
  const opened = exec.open(
    'uat',
    { namespace: 'shop', pod, container: o.container, command, stdin: o.stdin ?? false, tty: o.tty ?? false },
    {
      data: (_ch, d) => (out += d.toString()),
      end: (e) => (exit = e),
    },
  );
  return {
    opened,
    get out() {
      return out;
    },
    get exit() {
      return exit;
    },
  };
}

describe('ExecService against the sandbox', () => {
  it('runs ls /opt/logs over v5.channel.k8s.io and reports exit 0', async () => {
    const r = run(['ls', '/opt/logs']);
    const s = await r.opened;
    expect(s.ok && s.value.protocol).toBe('v5.channel.k8s.io');
    await until(() => r.exit !== undefined, 5000, 'exit');
    expect(r.out).toBe('catalina.out\ngc.log\nlocalhost_access_log.txt\n');
    expect(r.exit).toEqual({ code: 0 });
  });

  it('reports a non-zero exit code', async () => {
    const r = run(['sh', '-c', 'exit 7']);
    await until(() => r.exit !== undefined, 5000, 'exit');
    expect(r.exit).toEqual({ code: 7 });
  });

  it('an interactive tty shell: echo, resize, and closing ends the remote process', async () => {
    const r = run(['sh'], { tty: true, stdin: true });
    const s = await r.opened;
    if (!s.ok) throw new Error(s.error.message);
    s.value.resize(120, 40);
    s.value.write('echo hello\r');
    await until(() => r.out.includes('hello\r\n'), 5000, 'echo');
    expect(openExecSessions(dc.cluster('uat').store)).toBe(1);
    s.value.close();
    await until(() => openExecSessions(dc.cluster('uat').store) === 0, 5000, 'remote ended');
  });

  it('403 forbidden and a container without a shell are clear errors', async () => {
    dc.setFault('uat', { kind: 'http-status', status: 403, paths: /\/exec$/ });
    const r = await run(['ls']).opened;
    dc.setFault('uat', null);
    expect(!r.ok && r.error.code).toBe('cluster-forbidden');
    const store = dc.cluster('uat').store;
    const p = store.get('pods', 'shop', pod)!.obj;
    p.metadata.annotations = { ...p.metadata.annotations, 'sandbox.capstan.io/no-shell': 'true' };
    const n = run(['sh']);
    await until(() => n.exit !== undefined, 5000, 'exit');
    delete p.metadata.annotations['sandbox.capstan.io/no-shell'];
    expect(n.exit).toMatchObject({ code: 1, message: expect.stringContaining('executable file not found') });
  });

  it('follows a file inside the container as a log source (tail -F over exec)', async () => {
    const logs = new LogService({
      connection: (id) => clusters.connection(id),
      acquire: (id) => clusters.acquire(id),
      followFile: (id, t, sink, feed) => followFile(exec, id, t, sink, feed),
    });
    const lines: LogLine[] = [];
    let sources: LogSource[] = [];
    const r = logs.open(
      't',
      {
        viewId: 'file-view',
        selection: {
          clusterIds: ['uat'],
          namespace: 'shop',
          target: { kind: 'pod', name: pod },
          file: '/opt/logs/localhost_access_log.txt',
          tailLines: 5,
        },
      },
      (e) => {
        if (e.t === 'lines') {
          lines.push(...e.lines);
          logs.ack('t', 'file-view', e.seq);
        } else if (e.t === 'sources') sources = e.sources;
      },
    );
    if (!r.ok) throw new Error(r.error.message);
    await until(() => lines.length > 30, 10_000, 'file lines');
    expect(sources[0]).toMatchObject({ file: '/opt/logs/localhost_access_log.txt', state: 'live' });
    expect(lines[0]![2]).toMatch(/"GET \/api\/orders\/\d+ HTTP\/1.1"/);
    r.value();
    await until(() => openExecSessions(dc.cluster('uat').store) === 0, 5000, 'tail ended');
    logs.dispose();
  });
});
