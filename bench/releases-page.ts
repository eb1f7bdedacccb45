/**
 * What the releases board benchmark runs inside the page (strings: bench/ type-checks without the
 * DOM library). Times are epoch milliseconds with sub-millisecond precision
 * (performance.timeOrigin + performance.now()), comparable with the sandbox process's clock.
 */

/**
 * Installed before the app loads: records when the board first shows rows and when it is full
 * (every row, every pod counted), from a MutationObserver on the board's data attributes, and the
 * next animation frame after that (the frame that paints it).
 */
export const boardProbe = (want: { rows: number; pods: number }) => `(() => {
  const now = () => performance.timeOrigin + performance.now();
  // When the bridge message carrying a watched pod arrives (window.__podWatch = { pod, at }): splits
  // a change's delay into main + transport and the renderer's part. The app opens its WebSocket
  // after this script runs.
  const Ws = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const ws = new Ws(url, protocols);
    ws.addEventListener('message', (e) => {
      const w = window.__podWatch;
      if (w && !w.at && typeof e.data === 'string' && e.data.includes(w.pod)) w.at = now();
    });
    return ws;
  };
  Object.assign(window.WebSocket, { prototype: Ws.prototype, CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  // Callable again later (the board re-opened with warm data): window.__armBoard().
  window.__armBoard = () => {
    const probe = window.__boardProbe = { armedAt: now(), firstRowsAt: 0, allRowsAt: 0, allRowsFrameAt: 0, allRowsStale: false, fullAt: 0, fullFrameAt: 0 };
    const check = () => {
      const b = document.querySelector('[data-testid=release-board]');
      if (!b || !document.querySelector('[data-testid=board-line]')) return false;
      const rows = Number(b.getAttribute('data-rows')), pods = Number(b.getAttribute('data-pods'));
      // Lines from the saved snapshot (a launch before the clusters synced) are not the live board.
      const stale = !!document.querySelector('[data-testid=board-stale]');
      if (!probe.firstRowsAt && rows > 0) probe.firstRowsAt = now();
      if (!probe.allRowsAt && rows === ${want.rows}) {
        probe.allRowsAt = now();
        probe.allRowsStale = stale;
        requestAnimationFrame(() => (probe.allRowsFrameAt = now()));
      }
      if (rows !== ${want.rows} || pods !== ${want.pods} || stale) return false;
      probe.fullAt = now();
      requestAnimationFrame(() => (probe.fullFrameAt = now()));
      return true;
    };
    const mo = new MutationObserver(() => { if (check()) mo.disconnect(); });
    mo.observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-rows', 'data-pods'] });
    return true;
  };
  if (document.documentElement) window.__armBoard();
  else document.addEventListener('DOMContentLoaded', () => window.__armBoard());
})()`;

/**
 * Scroll the board until the row of \`app\` is rendered and in view (the board may be
 * virtualised: the row exists only near the viewport). \`fraction\` is the app's position in the
 * sorted list, for the first jump. Resolves true when the row is there, after two frames.
 */
export const revealRow = (app: string, fraction: number) => `(async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const row = () => document.querySelector('[data-testid=board-row][data-app="${app}"]');
  const scroller = document.querySelector('[data-testid=board-scroll]');
  for (let i = 0; i < 60 && !row(); i++) {
    if (i === 0) scroller.scrollTop = ${fraction} * scroller.scrollHeight - scroller.clientHeight / 2;
    else {
      const rendered = [...document.querySelectorAll('[data-testid=board-row]')].map((r) => r.getAttribute('data-app'));
      const before = rendered.length && '${app}'.localeCompare(rendered[0]) < 0;
      scroller.scrollTop += (before ? -1 : 1) * scroller.clientHeight * 0.8;
    }
    await frame();
    await frame();
  }
  const r = row();
  if (!r) return false;
  r.scrollIntoView({ block: 'center' });
  await frame();
  await frame();
  return true;
})()`;

/**
 * Arm a watch on one board line: resolves when its data-restarts reaches \`restarts\`, with the
 * time the DOM showed it (MutationObserver callback), the start of the next frame, and when the
 * bridge message with \`pod\` arrived in the page.
 */
export const armCell = (key: string, restarts: number, pod: string, timeoutMs: number) => `(() => {
  const now = () => performance.timeOrigin + performance.now();
  window.__podWatch = { pod: '"name":"${pod}"', at: 0 };
  const sel = '[data-testid=board-line][data-key="${key}"]';
  const shown = () => document.querySelector(sel)?.getAttribute('data-restarts') === '${restarts}';
  window.__cell = new Promise((resolve) => {
    if (shown()) return resolve({ dom: now(), frame: now(), arrived: window.__podWatch.at, already: true });
    const timer = setTimeout(() => (mo.disconnect(), resolve(null)), ${timeoutMs});
    const mo = new MutationObserver(() => {
      if (!shown()) return;
      const dom = now();
      mo.disconnect();
      clearTimeout(timer);
      requestAnimationFrame(() => resolve({ dom, frame: now(), arrived: window.__podWatch.at }));
    });
    mo.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-restarts'] });
  });
  return true;
})()`;

export const cellResult = `window.__cell`;

/** The longest gap between animation frames since \`startFrameWatch\`, and the frame count. */
export const startFrameWatch = `(() => {
  const w = window.__frames = { max: 0, count: 0, last: performance.now(), on: true };
  const tick = (t) => { w.max = Math.max(w.max, t - w.last); w.last = t; w.count++; if (w.on) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  return true;
})()`;
export const stopFrameWatch = `(() => { const w = window.__frames; w.on = false; return { longestFrameMs: Math.round(w.max), frames: w.count }; })()`;

/** performance.memory (Chromium; needs --enable-precise-memory-info for exact figures). */
export const pageMemory = `(() => { const m = performance.memory; return m ? { usedJSHeapSize: m.usedJSHeapSize, totalJSHeapSize: m.totalJSHeapSize } : null; })()`;

/** Elements in the document: what the board costs the DOM. */
export const domSize = `document.getElementsByTagName('*').length`;
