/**
 * Rendering components in tests (under happy-dom: `// @vitest-environment happy-dom` at the top of
 * the test file): the real component tree with a client given through ClientContext, and a wait
 * for a condition. The client is a double that answers the channels a test names and records
 * every call; a channel it was not given fails the test by answering an error that says so.
 */
import { act, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import type { AppClient } from '../../src-shared/contract';
import { err } from '../../src-shared/result';
import { ClientContext } from '../components/ClientContext';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

type Channel = keyof AppClient;
type Handler<K extends Channel> = (...args: Parameters<AppClient[K]>) => ReturnType<AppClient[K]>;
export type FakeHandlers = { [K in Channel]?: Handler<K> };

export interface FakeClient {
  client: AppClient;
  /** Every call: channel and request. */
  calls: { channel: string; request: unknown }[];
}

export function fakeClient(handlers: FakeHandlers): FakeClient {
  const calls: FakeClient['calls'] = [];
  const client = new Proxy({} as AppClient, {
    get:
      (_t, channel: string) =>
      (...args: unknown[]) => {
        calls.push({ channel, request: args[0] });
        const h = (handlers as Record<string, ((...a: unknown[]) => unknown) | undefined>)[channel];
        return h ? h(...args) : Promise.resolve(err('internal', `the test's client has no answer for ${channel}`));
      },
  });
  return { client, calls };
}

export interface Rendered {
  container: HTMLElement;
  rerender(ui: ReactNode): Promise<void>;
  unmount(): Promise<void>;
}

export async function render(ui: ReactNode, client: AppClient): Promise<Rendered> {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  const wrap = (node: ReactNode) => <ClientContext.Provider value={client}>{node}</ClientContext.Provider>;
  await act(async () => root.render(wrap(ui)));
  return {
    container,
    rerender: async (next) => act(async () => root.render(wrap(next))),
    unmount: async () => {
      await act(async () => root.unmount());
      container.remove();
    },
  };
}

/** Retries `check` (letting React and pending answers run between tries) until it stops throwing. */
export async function waitFor<T>(check: () => T, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (e) {
      if (Date.now() > until) throw e;
    }
    await act(async () => new Promise((r) => setTimeout(r, 10)));
  }
}

/** Clicks an element the way a user does (the event bubbles to React's root listener). */
export async function click(el: Element | null | undefined): Promise<void> {
  if (!el) throw new Error('nothing to click');
  await act(async () => {
    (el as HTMLElement).click();
  });
}

/** The element with this data-testid, or an error naming it. */
export function byTestId(container: ParentNode, id: string): HTMLElement {
  const el = container.querySelector<HTMLElement>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`no element with data-testid="${id}"`);
  return el;
}

/** Types into an input the way React sees it (the native value setter, then an input event). */
export async function typeInto(el: Element | null | undefined, value: string): Promise<void> {
  if (!(el instanceof HTMLInputElement)) throw new Error('not an input');
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** Submits a form as its submit button would. */
export async function submit(form: Element | null | undefined): Promise<void> {
  if (!(form instanceof HTMLFormElement)) throw new Error('not a form');
  await act(async () => {
    form.requestSubmit();
  });
}

/**
 * happy-dom lays nothing out, so virtualised tables render no rows: give every element a size
 * (call once per test file that renders a VirtualTable).
 */
export function giveElementsASize(width = 1200, height = 800): void {
  const rect = { x: 0, y: 0, top: 0, left: 0, right: width, bottom: height, width, height, toJSON: () => ({}) };
  Object.defineProperty(HTMLElement.prototype, 'getBoundingClientRect', { configurable: true, value: () => rect });
  for (const [prop, value] of [
    ['offsetWidth', width],
    ['offsetHeight', height],
    ['clientWidth', width],
    ['clientHeight', height],
  ] as const) {
    Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => value });
  }
}
