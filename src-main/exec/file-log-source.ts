/**
 * A log file inside a container as a log source: `tail -n N -F FILE` over exec, lines framed and
 * handed to the view like a pod log. Files carry no kubelet timestamps, so a resumed tail
 * re-reads the last REPLAY lines and drops everything up to the last line already seen (no
 * duplicate, and no gap while fewer than REPLAY lines were written during the outage).
 */
import type { SourceSink } from '../logs/pod-log-source';
import { LineFramer } from '../logs/line-framer';
import type { ExecService, ExecSession } from './exec-service';

const REPLAY = 1000;

export interface FileTarget { namespace: string; pod: string; container: string; file: string; tailLines?: number }

export function followFile(exec: ExecService, clusterId: string, t: FileTarget, sink: SourceSink): { stop(): void } {
  let stopped = false;
  let session: ExecSession | undefined;
  let lastLine: string | undefined;
  let backoff = 800;
  const run = async () => {
    while (!stopped) {
      const resume = lastLine !== undefined;
      const framer = new LineFramer();
      let replay: string[] | undefined = resume ? [] : undefined;
      const deliver = (texts: string[]) => {
        if (texts.length === 0) return;
        lastLine = texts[texts.length - 1];
        sink.lines(texts.map((x) => ['', x, 0]));
      };
      const ended = new Promise<{ code: number; message?: string } | { error: { message: string } }>((resolve) => {
        void exec.open(clusterId, { namespace: t.namespace, pod: t.pod, container: t.container, command: ['tail', '-n', String(resume ? REPLAY : (t.tailLines ?? 200)), '-F', t.file], stdin: false, tty: false }, {
          data: (ch, d) => {
            if (ch !== 1) return;
            const texts = framer.push(d).map((f) => f.text);
            if (!replay) return deliver(texts);
            replay.push(...texts);
            const at = replay.lastIndexOf(lastLine!);
            if (at >= 0 || replay.length >= REPLAY) {
              if (at < 0) sink.marker('── resumed the file; lines written during the outage may be missing ──');
              const rest = replay.slice(at + 1);
              replay = undefined;
              deliver(rest);
            }
          },
          end: resolve,
        }).then((r) => {
          if (!r.ok) resolve({ error: r.error });
          else {
            session = r.value;
            sink.state('live', 0);
            backoff = 800;
            if (stopped) r.value.close();
          }
        });
      });
      const e = await ended;
      session = undefined;
      if (stopped) return;
      const message = 'error' in e ? e.error.message : e.message ?? `tail exited with code ${e.code}`;
      sink.state('reconnecting', 0, message);
      await new Promise((r) => setTimeout(r, backoff * (0.5 + Math.random() / 2)));
      backoff = Math.min(30_000, backoff * 2);
    }
  };
  void run();
  return {
    stop() {
      stopped = true;
      session?.close();
    },
  };
}
