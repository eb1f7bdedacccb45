/**
 * GET /api/v1/namespaces/{ns}/pods/{name}/log: synthetic Java/Tomcat-style container logs, derived
 * from the container's status (start time, restarts, behaviour of its version), with the query
 * parameters the API server supports: container, previous, timestamps, tailLines, sinceSeconds,
 * sinceTime, limitBytes, follow. Lines are deterministic per pod so repeated reads agree.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectStore } from '../kube/store';
import { notFound } from '../kube/store';
import type { KubeObject } from '../kube/types';
import { ApiError } from './status';

const LINE_EVERY_SIM_MS = 5000;
const MAX_LINES = 2000;
type ContainerStatus = { name: string; restartCount: number; state: { running?: { startedAt?: string }; terminated?: { startedAt?: string; finishedAt?: string; reason?: string }; waiting?: { reason?: string } }; lastState: { terminated?: { startedAt?: string; finishedAt?: string; reason?: string; exitCode?: number } } };

export function handlePodLog(req: IncomingMessage, res: ServerResponse, store: ObjectStore, ns: string, name: string, params: URLSearchParams, speed: number): void {
  const pod = store.get('pods', ns, name)?.obj;
  if (!pod) throw notFound('pods', name);
  const containers = (pod.spec.containers as { name: string }[]).map((c) => c.name);
  const container = params.get('container') ?? (containers.length === 1 ? containers[0]! : '');
  if (!container) throw new ApiError(400, 'BadRequest', `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`);
  if (!containers.includes(container)) throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
  const status = ((pod.status?.containerStatuses ?? []) as ContainerStatus[]).find((c) => c.name === container);
  const previous = params.get('previous') === 'true';
  let from: string | undefined;
  let to: string | undefined;
  let ending: string[] = [];
  if (previous) {
    const t = status?.lastState?.terminated;
    if (!t) throw new ApiError(400, 'BadRequest', `previous terminated container "${container}" in pod "${name}" not found`);
    from = t.startedAt;
    to = t.finishedAt;
    ending = crashLines(t.reason ?? 'Error', pod);
  } else {
    const running = status?.state?.running;
    const terminated = status?.state?.terminated;
    if (running) from = running.startedAt;
    else if (terminated) ({ startedAt: from, finishedAt: to } = terminated);
    else if (status?.lastState?.terminated) ({ startedAt: from, finishedAt: to } = status.lastState.terminated);
    else throw new ApiError(400, 'BadRequest', `container "${container}" in pod "${name}" is waiting to start: ${status?.state?.waiting?.reason ?? 'ContainerCreating'}`);
  }
  const start = Date.parse(from ?? new Date().toISOString());
  const end = to ? Date.parse(to) : Date.now();
  let lines = generate(pod, container, start, end, speed);
  if (ending.length) lines.push(...ending.map((text) => ({ t: end, text })));
  const since = params.get('sinceSeconds') ? Date.now() - Number(params.get('sinceSeconds')) * 1000 : params.get('sinceTime') ? Date.parse(params.get('sinceTime')!) : undefined;
  if (since !== undefined) lines = lines.filter((l) => l.t >= since);
  const tail = params.get('tailLines');
  if (tail !== null) lines = Number(tail) > 0 ? lines.slice(-Number(tail)) : [];
  const timestamps = params.get('timestamps') === 'true';
  const fmt = (l: { t: number; text: string }) => (timestamps ? `${new Date(l.t).toISOString().replace('Z', '000000Z')} ` : '') + l.text + '\n';
  let body = lines.map(fmt).join('');
  const limit = params.get('limitBytes') ? Number(params.get('limitBytes')) : undefined;
  if (limit !== undefined) body = body.slice(0, limit);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  if (params.get('follow') !== 'true' || previous || to) {
    res.end(body);
    return;
  }
  res.write(body);
  let n = Math.floor(((Date.now() - start) * speed) / LINE_EVERY_SIM_MS);
  const timer = setInterval(() => {
    const current = store.get('pods', ns, name)?.obj;
    const cs = ((current?.status?.containerStatuses ?? []) as ContainerStatus[]).find((c) => c.name === container);
    if (!current || cs?.state?.running?.startedAt !== from) {
      // The instance ended: like the kubelet, the stream carries its last lines (what a read of
      // the terminated instance ends with) before it closes.
      clearInterval(timer);
      const t = [cs?.state?.terminated, cs?.lastState?.terminated].find((x) => x?.startedAt === from);
      const at = t?.finishedAt ? Date.parse(t.finishedAt) : Date.now();
      res.end(t ? crashLines(t.reason ?? 'Error', pod).map((text) => fmt({ t: at, text })).join('') : undefined);
      return;
    }
    res.write(fmt({ t: Date.now(), text: accessLine(pod, n++, Date.now()) }));
  }, LINE_EVERY_SIM_MS / speed);
  req.on('close', () => clearInterval(timer));
}

function generate(pod: KubeObject, container: string, start: number, end: number, speed: number): { t: number; text: string }[] {
  const app = container;
  const out = [
    `  .   ____          _            __ _ _`,
    ` :: Spring Boot ::                (v3.3.4)`,
    `INFO  [main] c.s.${app}.Application : Starting Application using Java 21.0.4 with PID 1 (/app started by app in /app)`,
    `INFO  [main] o.s.b.w.embedded.tomcat.TomcatWebServer : Tomcat initialized with port 8080 (http)`,
    `INFO  [main] c.s.${app}.Application : Started Application in 7.412 seconds (process running for 8.1)`,
  ].map((text, i) => ({ t: start + i * 100, text }));
  // The most recent MAX_LINES access lines (a container up for days would have far more).
  const count = Math.floor(((end - start) * speed) / LINE_EVERY_SIM_MS);
  const first = Math.max(0, count - MAX_LINES);
  for (let i = first; i < count; i++) {
    const t = start + ((i + 1) * LINE_EVERY_SIM_MS) / speed;
    out.push({ t, text: accessLine(pod, i, t) });
  }
  return out;
}

function accessLine(pod: KubeObject, i: number, t: number): string {
  const app = pod.metadata.labels?.['app.kubernetes.io/name'] ?? 'app';
  const paths = [`/api/${app}`, `/api/${app}/${1000 + (i % 97)}`, '/actuator/health/readiness', `/api/${app}/search?q=${i % 13}`];
  const status = i % 53 === 0 ? 500 : i % 17 === 0 ? 404 : 200;
  const level = status === 500 ? 'ERROR' : 'INFO ';
  return `${level} [http-nio-8080-exec-${(i % 10) + 1}] c.s.${app}.api.AccessLog : GET ${paths[i % paths.length]} ${status} ${(t % 97) + 3}ms`;
}

function crashLines(reason: string, pod: KubeObject): string[] {
  const app = pod.metadata.labels?.['app.kubernetes.io/name'] ?? 'app';
  if (reason === 'OOMKilled') {
    return [`WARN  [cache-refresh] c.s.${app}.cache.CatalogCache : cache size 1843200 entries, heap 97% used`, 'java.lang.OutOfMemoryError: Java heap space'];
  }
  return [
    `ERROR [main] o.s.boot.SpringApplication : Application run failed`,
    `java.lang.IllegalStateException: Missing required configuration key '${app}.datasource.url'`,
    `\tat c.s.${app}.config.SettingsValidator.validate(SettingsValidator.java:42)`,
    `\tat c.s.${app}.Application.main(Application.java:18)`,
  ];
}
