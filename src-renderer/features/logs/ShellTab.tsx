/**
 * A shell in a container: xterm over exec (WebSocket in main), typed input sent as-is, resize
 * follows the tab, copy/paste through the clipboard (Ctrl+Shift+C / Ctrl+Shift+V). Closing the
 * tab unsubscribes, which closes the socket and ends the remote process.
 */
import { useEffect, useRef, useState } from 'react';
import type { ContainerExplanation, ExecParams } from '../../../src-shared/exec/contract';
import { useClient } from '../../components/ClientContext';
import { ShellExplanation } from './ShellExplanation';
import { createTerminal } from './terminal';

/** What the container runtime says when the command is not in the image. */
const NO_SHELL = /executable file not found|no such file or directory/i;

export type ShellTarget = Omit<ExecParams, 'sessionId' | 'tty' | 'cols' | 'rows'>;

export function ShellTab({ sessionId, target, active }: { sessionId: string; target: ShellTarget; active: boolean }) {
  const client = useClient();
  const el = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState('connecting…');
  const [exited, setExited] = useState(false);
  const [explanation, setExplanation] = useState<ContainerExplanation | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const h = createTerminal(el.current, { cursorBlink: true, scrollback: 5000 });
    const { term } = h;
    let open = false;
    const send = (data: string) => open && void client['exec.input']({ sessionId, data });
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
      if (e.key === 'C') {
        void navigator.clipboard?.writeText(term.getSelection()).catch(() => undefined);
        return false;
      }
      if (e.key === 'V') {
        void navigator.clipboard
          ?.readText()
          .then((t) => term.paste(t))
          .catch(() => undefined);
        return false;
      }
      return true;
    });
    /** Asks main for the container's state and shows the explanation `pick` makes of it (null: none). */
    const explain = (pick: (x: ContainerExplanation) => ContainerExplanation | null) => {
      const { clusterId, namespace, pod, container } = target;
      void client['exec.explain']({ clusterId, namespace, pod, ...(container ? { container } : {}) }).then((r) => {
        const x = r.ok ? pick(r.value) : null;
        if (!x) return;
        setExplanation(x);
        setStatus(x.running ? 'no shell in the image' : 'not running');
      });
    };
    const onData = term.onData(send);
    const onResize = term.onResize(({ cols, rows }) => open && void client['exec.resize']({ sessionId, cols, rows }));
    const unsubscribe = client['exec.session'](
      { sessionId, ...target, tty: true, cols: term.cols, rows: term.rows },
      (e) => {
        if (e.t === 'open') {
          open = true;
          setStatus(`connected (${e.protocol})`);
          term.focus();
        } else if (e.t === 'data') term.write(e.data);
        else {
          open = false;
          setExited(true);
          setStatus(e.message ? `ended: ${e.message}` : `exited with code ${e.code}`);
          term.write(`\r\n\x1b[90m[process ended${e.code >= 0 ? `, exit code ${e.code}` : ''}]\x1b[0m\r\n`);
          // A running container whose image has no shell (distroless): offer a debug container instead.
          if (e.message && NO_SHELL.test(e.message))
            explain((x) =>
              x.running
                ? {
                    ...x,
                    summary: `Container ${x.container ?? target.pod} is running, but its image has no ${(target.command ?? ['sh'])[0]} (a distroless image?). A debug container shares its processes and brings a shell.`,
                  }
                : x,
            );
        }
      },
      (error) => {
        open = false;
        setExited(true);
        setStatus(error.message);
        // A refused shell is usually a container that is not running: say why in words, not the API's 400.
        explain((x) => (x.running ? null : x));
      },
    );
    return () => {
      onData.dispose();
      onResize.dispose();
      unsubscribe();
      h.dispose();
    };
  }, [client, sessionId, target]);

  return (
    <div className="log-tab shell-tab" style={{ display: active ? 'flex' : 'none' }} data-testid={`shell-tab-${sessionId}`}>
      <div className="log-status">
        <span className="shell-target">
          {target.clusterId} · {target.namespace}/{target.pod}
          {target.container ? ` · ${target.container}` : ''}
        </span>
        <span data-testid="shell-status" className={exited ? 'state-ended' : ''}>
          {status}
        </span>
        <span className="log-note">Ctrl+Shift+C copy · Ctrl+Shift+V paste</span>
      </div>
      {explanation ? <ShellExplanation target={target} explanation={explanation} /> : null}
      <div className="log-term" ref={el} data-testid="shell-term" style={explanation ? { display: 'none' } : undefined} />
    </div>
  );
}
