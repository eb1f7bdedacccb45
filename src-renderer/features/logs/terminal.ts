/**
 * One xterm.js 6 terminal with the WebGL renderer when the GPU allows it (falling back to the DOM
 * renderer on failure or context loss), fit and search addons. Shared by log tabs and shells.
 */
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebglAddon } from '@xterm/addon-webgl';
import { Terminal } from '@xterm/xterm';
import type { ISearchOptions } from '@xterm/addon-search';
import type { ITerminalOptions } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';

export interface TermHandle {
  term: Terminal;
  fit: FitAddon;
  search: SearchAddon;
  /** Re-counts and re-highlights a search's matches without moving the view. */
  refreshSearch(text: string, options: ISearchOptions): void;
  /** 'webgl' or 'dom', for the status line and tests. */
  renderer: () => 'webgl' | 'dom';
  dispose(): void;
}

const DARK = { background: '#0d1013', foreground: '#d7dce2', cursor: '#d7dce2', selectionBackground: '#2c4a74' };

/**
 * WebGL only where it helps: on a software-only GL (SwiftShader, llvmpipe; VMs, headless, remote
 * desktops) the DOM renderer is several times faster (bench/logs.ts: 116k vs 32k lines/s, longest
 * frame 17 vs 150 ms). localStorage capstan.terminal.renderer = 'dom' | 'webgl' overrides.
 */
function useWebgl(): boolean {
  let pref: string | null = null;
  try {
    pref = localStorage.getItem('capstan.terminal.renderer');
  } catch {
    /* no storage: automatic */
  }
  if (pref === 'dom' || pref === 'webgl') return pref === 'webgl';
  softwareGl ??= detectSoftwareGl();
  return !softwareGl;
}

let softwareGl: boolean | undefined;
function detectSoftwareGl(): boolean {
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return true;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return /swiftshader|llvmpipe|softpipe|software/i.test(name);
  } catch {
    return true;
  }
}

export function createTerminal(el: HTMLElement, o: ITerminalOptions = {}): TermHandle {
  const term = new Terminal({
    allowProposedApi: true, // search result decorations (match count)
    fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace',
    fontSize: 12,
    lineHeight: 1.15,
    theme: DARK,
    ...o,
  });
  const fit = new FitAddon();
  const search = new SearchAddon({ highlightLimit: 2000 });
  term.loadAddon(fit);
  term.loadAddon(search);
  term.open(el);
  let renderer: 'webgl' | 'dom' = 'dom';
  if (useWebgl())
    try {
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        webgl.dispose();
        renderer = 'dom';
      });
      term.loadAddon(webgl);
      renderer = 'webgl';
    } catch {
      renderer = 'dom'; // no WebGL2 (software rendering, some VMs): the DOM renderer still works
    }
  el.dataset.renderer = renderer;
  // End-to-end tests read the buffer through the element (the WebGL renderer draws no DOM text).
  Object.defineProperty(el, 'xterm', { value: term, configurable: true });
  const ro = new ResizeObserver(() => {
    if (el.clientWidth > 0 && el.clientHeight > 0) fit.fit();
  });
  ro.observe(el);
  fit.fit();
  return {
    term,
    fit,
    search,
    renderer: () => renderer,
    refreshSearch(text, options) {
      // What the addon's own refresh does (clear the cached term, search back incrementally with
      // noScroll); the third argument is not in its typings but is in its implementation.
      search.clearDecorations();
      (search.findPrevious as (t: string, o: ISearchOptions, i: { noScroll: boolean }) => boolean).call(
        search,
        text,
        { ...options, incremental: true },
        { noScroll: true },
      );
    },
    dispose() {
      ro.disconnect();
      term.dispose();
    },
  };
}
