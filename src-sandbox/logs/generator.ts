/**
 * Deterministic container output: line i of a container instance is a pure function of
 * (app, pod, i, profile), so a history read, a follow and a resumed follow (sinceTime) agree
 * byte for byte. That is what lets clients be tested for "no gap, no duplicate".
 *
 * Profiles: 'java' (Spring Boot/Tomcat: start-up banner, access lines, GC, WARN, ERROR with a
 * multi-line stack trace, JSON lines) and 'hostile' (the same, plus ANSI colours, OSC 0/52
 * control sequences, invalid UTF-8 bytes and, at index 500 of every 5,000, a single 1 MB line).
 */
export type LogProfile = 'java' | 'hostile';
export type LogFile = 'catalina.out' | 'gc.log' | 'localhost_access_log.txt';
export const LOG_FILES: readonly LogFile[] = ['catalina.out', 'gc.log', 'localhost_access_log.txt'];

export interface LineContext {
  app: string;
  pod: string;
  profile: LogProfile;
  /** Cached offset (see shift). */
  seed?: number;
  /** An init container: short set-up output instead of the application's. */
  init?: string;
}

const STARTUP = (app: string): string[] => [
  '  .   ____          _            __ _ _',
  ' :: Spring Boot ::                (v3.3.4)',
  `INFO  [main] c.s.${app}.Application : Starting Application using Java 21.0.4 with PID 1 (/app started by app in /app)`,
  'INFO  [main] o.s.b.w.embedded.tomcat.TomcatWebServer : Tomcat initialized with port 8080 (http)',
  `INFO  [main] c.s.${app}.Application : Started Application in 7.412 seconds (process running for 8.1)`,
];

const ONE_MB_LINE_INDEX = 500;

/** Pods of one Deployment start in the same second: each gets its own offset into the pattern,
 * so they do not print the same line at the same moment. The start-up lines stay first. */
function shift(c: LineContext, i: number): number {
  if (i < 5) return i;
  if (c.seed === undefined) {
    let h = 0;
    for (let k = 0; k < c.pod.length; k++) h = (h * 31 + c.pod.charCodeAt(k)) >>> 0;
    c.seed = h % 1000;
  }
  return i + c.seed;
}

/** The kind of line i is, which decides the files it also appears in. */
export function lineKind(i: number): 'startup' | 'access' | 'gc' | 'warn' | 'error' | 'stack' | 'json' {
  if (i < 5) return 'startup';
  const p = i % 100;
  if (p === 37) return 'error';
  if (p >= 38 && p <= 41) return 'stack';
  if (p === 60) return 'warn';
  if (p === 88) return 'json';
  if (p % 25 === 7) return 'gc';
  return 'access';
}

/** Line i as a string (without newline); 'hostile' lines may be a Buffer with invalid UTF-8. */
export function lineText(c: LineContext, idx: number, tMs: number): string | Buffer {
  const { app } = c;
  if (c.init) return initLine(c.init, app, idx);
  const i = shift(c, idx);
  if (c.profile === 'hostile') {
    const h = hostile(c, i);
    if (h !== undefined) return h;
  }
  switch (lineKind(i)) {
    case 'startup':
      return STARTUP(app)[idx]!;
    case 'error':
      return `ERROR [http-nio-8080-exec-${(i % 10) + 1}] c.s.${app}.api.OrderController : Request failed: upstream timeout after 3000 ms (order ${100000 + i})`;
    case 'stack':
      return [
        'java.net.SocketTimeoutException: Read timed out',
        `\tat c.s.${app}.client.PricingClient.fetch(PricingClient.java:88)`,
        `\tat c.s.${app}.api.OrderController.create(OrderController.java:51)`,
        '\tat java.base/java.lang.Thread.run(Thread.java:1583)',
      ][(i % 100) - 38]!;
    case 'warn':
      return `WARN  [hikari-housekeeper] com.zaxxer.hikari.pool.HikariPool : HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m2s).`;
    case 'json':
      return JSON.stringify({
        '@timestamp': new Date(tMs).toISOString(),
        level: 'INFO',
        logger: `c.s.${app}.audit.AuditLog`,
        message: 'order accepted',
        orderId: 100000 + i,
        traceId: ((i * 2654435761) >>> 0).toString(16).padStart(8, '0'),
        pod: c.pod,
      });
    case 'gc':
      return gcLine(i);
    case 'access':
      return accessLine(app, i, tMs);
  }
}

function gcLine(i: number): string {
  const before = 600 + (i % 300);
  return `[gc] GC(${Math.floor(i / 25)}) Pause Young (Normal) (G1 Evacuation Pause) ${before}M->${before - 420}M(1024M) ${((i % 70) / 10 + 1.2).toFixed(3)}ms`;
}

const accessParts = new Map<string, { paths: string[]; heads: string[] }>();

function accessLine(app: string, i: number, tMs: number): string {
  // The 100,000 lines/s path: the per-app strings are built once.
  let p = accessParts.get(app);
  if (!p) {
    p = {
      paths: [`/api/${app}`, '', '/actuator/health/readiness', ''],
      heads: Array.from({ length: 10 }, (_, k) => ` [http-nio-8080-exec-${k + 1}] c.s.${app}.api.AccessLog : GET `),
    };
    accessParts.set(app, p);
  }
  const m = i % 4;
  const path = m === 1 ? `/api/${app}/${1000 + (i % 97)}` : m === 3 ? `/api/${app}/search?q=${i % 13}` : p.paths[m]!;
  const status = i % 53 === 0 ? 500 : i % 17 === 0 ? 404 : 200;
  return (status === 500 ? 'ERROR' : 'INFO ') + p.heads[i % 10]! + path + ' ' + status + ' ' + ((Math.floor(tMs) % 97) + 3) + 'ms';
}

function hostile(c: LineContext, i: number): string | Buffer | undefined {
  if (i % 5000 === ONE_MB_LINE_INDEX) return `INFO  [main] c.s.${c.app}.Dump : ` + 'x'.repeat(1024 * 1024);
  switch (i % 50) {
    case 11:
      return `\x1b[31mERROR\x1b[0m [main] coloured output from a library`;
    case 23:
      return `WARN  clipboard grab \x1b]52;c;${Buffer.from('rm -rf /').toString('base64')}\x07 and title \x1b]0;pwned\x07 done`;
    case 31:
      return Buffer.concat([Buffer.from('INFO  latin-1 bytes: caf'), Buffer.from([0xe9, 0x20, 0xff, 0xfe]), Buffer.from(' end')]);
    case 42:
      return 'INFO  cursor games \x1b[2J\x1b[H\x1b[?1049h cleared?';
    default:
      return undefined;
  }
}

/** The text of line i as it appears in a file inside the container, or undefined if not in it. */
export function fileLine(c: LineContext, file: LogFile, idx: number, tMs: number): string | undefined {
  if (file === 'catalina.out') {
    const t = lineText({ ...c, profile: 'java' }, idx, tMs);
    return typeof t === 'string' ? t : t.toString('utf8');
  }
  const i = shift(c, idx);
  const kind = lineKind(i);
  if (file === 'gc.log') return kind === 'gc' ? `[${new Date(tMs).toISOString()}]${gcLine(i)}` : undefined;
  if (kind !== 'access') return undefined;
  const status = i % 53 === 0 ? 500 : i % 17 === 0 ? 404 : 200;
  return `10.1.${i % 250}.${(i * 7) % 250} - - [${new Date(tMs).toUTCString()}] "GET /api/${c.app}/${1000 + (i % 97)} HTTP/1.1" ${status} ${200 + (i % 900)}`;
}

const INIT_STEPS = [
  'waiting for configuration',
  'fetching settings from config server',
  'rendering application.yaml',
  'checking database migrations',
  'warming the certificate cache',
];

function initLine(container: string, app: string, i: number): string {
  return `[${container}] ${INIT_STEPS[i % INIT_STEPS.length]} for ${app} (step ${i + 1})`;
}

/**
 * What a container prints as it dies, after everything else: the start-up lines it had not yet
 * printed (a crash-looping app dies early), then the failure.
 */
export function endingLines(app: string, reason: string, linesBefore: number): string[] {
  const startup = STARTUP(app).slice(Math.min(5, linesBefore));
  if (reason === 'OOMKilled') {
    return [
      ...startup,
      `WARN  [cache-refresh] c.s.${app}.cache.CatalogCache : cache size 1843200 entries, heap 97% used`,
      'java.lang.OutOfMemoryError: Java heap space',
    ];
  }
  return [
    ...startup,
    'ERROR [main] o.s.boot.SpringApplication : Application run failed',
    `java.lang.IllegalStateException: Missing required configuration key '${app}.datasource.url'`,
    `\tat c.s.${app}.config.SettingsValidator.validate(SettingsValidator.java:42)`,
    `\tat c.s.${app}.Application.main(Application.java:18)`,
  ];
}
