/**
 * What the launch measurement runs inside the page (a string: bench/ type-checks without the DOM
 * library). Installed before the app loads, it records epoch times (performance.timeOrigin +
 * performance.now(), comparable with this process's clock) of the steps between the page load and
 * the board: the app's script starting (the `capstan:start` mark of main.tsx), the WebSocket open,
 * the first bridge message, the first one carrying Deployments (the last known board), the board
 * tab's click (made by the page itself, see below), and the navigation timings (HTML received,
 * DOMContentLoaded, load).
 */
export const launchProbe = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const probe = window.__launchProbe = { wsOpenAt: 0, firstMessageAt: 0, firstDeploymentsAt: 0, clickAt: 0, messagesBeforeDeployments: 0, bytesBeforeDeployments: 0 };
  // The board tab is clicked from inside the page in the frame after its button is painted, as a
  // person who wants the board clicks it: playwright's own click reached the page 300–800 ms after
  // the button was there on the loaded 2-core machine, which measured the driver, not the app.
  window.addEventListener('click', () => { if (!probe.clickAt) probe.clickAt = now(); }, true);
  const clickBoard = () => {
    const nav = document.querySelector('[data-testid=nav-releases]');
    if (!nav) return false;
    requestAnimationFrame(() => nav.click());
    return true;
  };
  const watchNav = () => {
    if (clickBoard()) return;
    const mo = new MutationObserver(() => { if (clickBoard()) mo.disconnect(); });
    mo.observe(document.documentElement, { subtree: true, childList: true });
  };
  if (document.documentElement) watchNav();
  else document.addEventListener('DOMContentLoaded', watchNav);
  const Ws = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const ws = new Ws(url, protocols);
    ws.addEventListener('open', () => { if (!probe.wsOpenAt) probe.wsOpenAt = now(); });
    ws.addEventListener('message', (e) => {
      const at = now();
      if (!probe.firstMessageAt) probe.firstMessageAt = at;
      if (probe.firstDeploymentsAt || typeof e.data !== 'string') return;
      if (e.data.includes('"kind":"Deployment"')) probe.firstDeploymentsAt = at;
      else { probe.messagesBeforeDeployments++; probe.bytesBeforeDeployments += e.data.length; }
    });
    return ws;
  };
  Object.assign(window.WebSocket, { prototype: Ws.prototype, CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
})()`;

/** The navigation timings and the app's start mark, as epoch ms (0 when absent). */
export const launchTimings = `(() => {
  const o = performance.timeOrigin;
  const nav = performance.getEntriesByType('navigation')[0];
  const mark = performance.getEntriesByName('capstan:start')[0];
  return {
    navigationStartAt: o,
    htmlAt: nav ? o + nav.responseEnd : 0,
    domContentLoadedAt: nav ? o + nav.domContentLoadedEventEnd : 0,
    loadAt: nav ? o + nav.loadEventEnd : 0,
    appStartAt: mark ? o + mark.startTime : 0,
    scriptBytes: performance.getEntriesByType('resource').filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js')).reduce((n, r) => n + (r.encodedBodySize || 0), 0),
    probe: window.__launchProbe,
  };
})()`;
