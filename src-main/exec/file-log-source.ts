/**
 * A log file inside a container as a log source: `tail -n N -F FILE` over exec, lines framed and
 * handed to the view like a pod log. Files carry no kubelet timestamps, so a resumed tail
 * re-reads the last REPLAY lines and drops everything up to the last line already seen (no
 * duplicate, and no gap while fewer than REPLAY lines were written during the outage).
 * Like a pod log source it runs `tail` only while the pod watch says the container runs (a
 * crash-looping container is waited for, not exec'd into every back-off step), and every exec
 * passes the source's RequestCap.
 */
import type { ContainerStateFeed } from '../logs/container-state';
import { RequestCap, waitingText } from '../logs/container-state';
import type { SourceSink } from '../logs/pod-log-source';
import { LineFramer } from '../base/line-framer';
import type { ExecService, ExecSession } from './exec-service';
import { Backoff, EQUAL_JITTER } from '../../src-shared/base/backoff';

const REPLAY = 1000;

export interface FileTarget {
  namespace: string;
  pod: string;
  container: string;
  file: string;
  tailLines?: number;
}

export function followFile(
  exec: ExecService,
  clusterId: string,
  t: FileTarget,
  sink: SourceSink,
  feed?: ContainerStateFeed,
): { stop(): void } {
  let stopped = false;
  const abort = new AbortController();
  const cap = new RequestCap();
  /** Sleeps `ms`; a report from the pod watch ends the wait early. */
  const pause = async (ms: number) => {
    if (feed) await feed.next(abort.signal, ms);
    else await new Promise((r) => setTimeout(r, ms));
  };
  let session: ExecSession | undefined;
  let lastLine: string | undefined;
  const backoff = new Backoff({ jitter: EQUAL_JITTER });
  const run = async () => {
    while (!stopped) {
      const s = feed?.current;
      if (s && s.instance === undefined) {
        if (s.finished) return sink.state('ended', s.restarts, 'The container has exited and will not restart.');
        sink.state('waiting', s.restarts, waitingText(s));
        await feed!.next(abort.signal);
        continue;
      }
      const wait = cap.take();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (stopped) return;
      const resume = lastLine !== undefined;
      const framer = new LineFramer();
      let replay: string[] | undefined = resume ? [] : undefined;
      const deliver = (texts: string[]) => {
        if (texts.length === 0) return;
        lastLine = texts[texts.length - 1];
        sink.lines(texts.map((x) => ['', x, 0]));
      };
      const ended = new Promise<{ code: number; message?: string } | { error: { message: string } }>((resolve) => {
        void exec
          .open(
            clusterId,
            {
              namespace: t.namespace,
              pod: t.pod,
              container: t.container,
              command: ['tail', '-n', String(resume ? REPLAY : (t.tailLines ?? 200)), '-F', t.file],
              stdin: false,
              tty: false,
            },
            {
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
            },
          )
          .then((r) => {
            if (!r.ok) resolve({ error: r.error });
            else {
              session = r.value;
              sink.state('live', feed?.current?.restarts ?? 0);
              backoff.reset();
              if (stopped) r.value.close();
            }
          });
      });
      const e = await ended;
      session = undefined;
      if (stopped) return;
      const message = 'error' in e ? e.error.message : (e.message ?? `tail exited with code ${e.code}`);
      sink.state('reconnecting', feed?.current?.restarts ?? 0, message);
      await pause(backoff.next(Date.now()));
    }
  };
  void run();
  return {
    stop() {
      stopped = true;
      abort.abort();
      session?.close();
    },
  };
}
