/**
 * Who may talk to the main process over Electron IPC. A plain predicate (no Electron import) so it
 * is unit-tested; src-main/electron/ipc.ts feeds it `event.senderFrame` and `event.sender`.
 */
export interface SenderFrameLike {
  /** The frame's current URL. */
  readonly url: string;
  /** Null for a top-level frame. */
  readonly parent: unknown;
}

export interface SenderPolicy {
  /** webContents ids of our own windows. */
  readonly windowIds: ReadonlySet<number>;
  /** Origins our UI is served from: `capstan://app`, plus the dev server's origin in development. */
  readonly allowedOrigins: readonly string[];
}

export type SenderVerdict = { ok: true } | { ok: false; reason: string };

/** `capstan://app/x` has origin "null" in WHATWG terms for non-special schemes: compare scheme://host ourselves. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (!u.host) return undefined;
    return `${u.protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}

export function checkSender(frame: SenderFrameLike | null | undefined, webContentsId: number, policy: SenderPolicy): SenderVerdict {
  if (!frame) return { ok: false, reason: 'no sender frame (navigated away or destroyed)' };
  if (!policy.windowIds.has(webContentsId)) return { ok: false, reason: `webContents ${webContentsId} is not a Capstan window` };
  if (frame.parent !== null && frame.parent !== undefined) return { ok: false, reason: 'sent from a subframe' };
  const origin = originOf(frame.url);
  if (!origin || !policy.allowedOrigins.includes(origin))
    return { ok: false, reason: `sent from a foreign origin ${JSON.stringify(origin ?? frame.url.slice(0, 60))}` };
  return { ok: true };
}
