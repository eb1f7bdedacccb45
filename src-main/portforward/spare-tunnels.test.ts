import { describe, expect, it } from 'vitest';
import type { KubeSocket } from '../clusters/kube-websocket';
import { ok } from '../../src-shared/result';
import { SpareTunnels } from './spare-tunnels';

/** A tunnel as the service sees it: open until closed, by us or by the other side. */
function fakeTunnel(pod: string) {
  let onClose: (() => void) | undefined;
  const ws = {
    OPEN: 1,
    readyState: 1,
    close() {
      if (ws.readyState !== 1) return;
      ws.readyState = 3;
      onClose?.();
    },
  };
  const t = { pod, ws, onMessage() {}, onClose: (h: () => void) => (onClose = h) };
  return t as unknown as KubeSocket & { pod: string; ws: typeof ws };
}

function spares(size: number, keepMs: number) {
  const opened: ReturnType<typeof fakeTunnel>[] = [];
  const s = new SpareTunnels(
    async (pod) => {
      const t = fakeTunnel(pod);
      opened.push(t);
      return ok(t);
    },
    { size, keepMs },
  );
  return { s, opened };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('SpareTunnels', () => {
  it('fills up to its size and hands out open tunnels to the asked pod and port', async () => {
    const { s, opened } = spares(2, 60_000);
    s.fill('web-0', 8080);
    s.fill('web-0', 8080);
    expect(opened).toHaveLength(2);
    expect(await s.take('web-0', 8080)).toBe(opened[0]);
    await tick();
    expect(s.readyCount).toBe(1);
    s.dispose();
    expect(opened[1]!.ws.readyState).toBe(3);
  });

  it('a connection waits for a tunnel being opened; one more than are being opened does not', async () => {
    const { s, opened } = spares(1, 60_000);
    s.fill('web-0', 8080, 1);
    const [a, b] = await Promise.all([s.take('web-0', 8080), s.take('web-0', 8080)]);
    expect(a).toBe(opened[0]);
    expect(b).toBeUndefined();
    s.dispose();
  });

  it('closes spares to another pod or port, those that closed on their own, and those kept too long', async () => {
    const { s, opened } = spares(2, 30);
    s.fill('web-0', 8080);
    await tick();
    expect(await s.take('web-1', 8080)).toBeUndefined();
    expect(opened.map((t) => t.ws.readyState)).toEqual([3, 3]);

    s.fill('web-1', 8080);
    await tick();
    opened[2]!.ws.close(); // the pod went away
    expect(s.readyCount).toBe(1);
    // Kept 30 ms unused, then closed.
    const end = Date.now() + 5_000;
    while (s.readyCount > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    expect(s.readyCount).toBe(0);
    expect(opened[3]!.ws.readyState).toBe(3);
    s.dispose();
  });
});
