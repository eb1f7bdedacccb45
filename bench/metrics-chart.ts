/**
 * Chart render cost in Chromium: uPlot (the build the app bundles) with 12 series × 1 hour of
 * 10 s samples (360 points each), fed a new sample per frame as while live. Reports the time from
 * setData to the end of uPlot's redraw, per frame (target ≤ 16 ms).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launchChromium } from '../test/e2e/browser';

const SERIES = 12;
const POINTS = 360;
const FRAMES = 120;

export async function run() {
  const require = createRequire(import.meta.url);
  const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent(`<html><head><style>${uplotCss}</style></head><body><div id="c" style="width:1200px"></div></body></html>`);
    await page.addScriptTag({ content: uplotJs });
    const times = await page.evaluate(
      async ({ SERIES, POINTS, FRAMES }) => {
        // Runs in the page; this file is type-checked without the DOM library, hence the narrow casts.
        type U = { setData(d: unknown): void };
        const W = globalThis as unknown as {
          uPlot: new (o: unknown, d: unknown, el: unknown) => U;
          document: { getElementById(id: string): unknown };
          requestAnimationFrame(cb: () => void): void;
        };
        const now = Date.now() / 1000;
        const xs = Array.from({ length: POINTS }, (_, i) => now - (POINTS - i) * 10);
        const ys = Array.from({ length: SERIES }, (_, s) => xs.map((_, i) => 5e8 + s * 3e7 + Math.sin(i / 7 + s) * 4e7));
        const u = new W.uPlot(
          {
            width: 1200,
            height: 300,
            series: [{}, ...ys.map((_, s) => ({ label: `s${s}`, stroke: `hsl(${s * 30} 70% 45%)`, width: 1.5 }))],
          },
          [xs, ...ys],
          W.document.getElementById('c'),
        );
        const out: number[] = [];
        for (let f = 0; f < FRAMES; f++) {
          const t = xs[xs.length - 1]! + 10;
          xs.shift();
          xs.push(t);
          ys.forEach((y, s) => {
            y.shift();
            y.push(5e8 + s * 3e7 + Math.sin((POINTS + f) / 7 + s) * 4e7);
          });
          const t0 = performance.now();
          u.setData([xs, ...ys]);
          await Promise.resolve(); // uPlot commits the redraw in a microtask queued by setData
          out.push(performance.now() - t0);
          await new Promise((r) => W.requestAnimationFrame(() => r(null)));
        }
        return out;
      },
      { SERIES, POINTS, FRAMES },
    );
    times.sort((a, b) => a - b);
    const q = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 100) / 100;
    return {
      series: SERIES,
      pointsPerSeries: POINTS,
      frames: FRAMES,
      msPerFrameMedian: q(0.5),
      msPerFrameP95: q(0.95),
      msPerFrameMax: q(1),
      targetMsPerFrame: 16,
    };
  } finally {
    await browser.close();
  }
}
