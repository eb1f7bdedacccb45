/**
 * Fuzz every IPC channel through the real router and the real services: payloads generated from
 * each channel's schema, then mutated (wrong types, huge strings, deep nesting, extra keys,
 * prototype keys, non-objects) are refused with invalid-payload before any handler runs; the
 * services stay up and answer the next valid call.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contract } from '../../src-shared/contract';
import type { AppError } from '../../src-shared/result';
import { jsonSample } from '../../src-shared/testing/json-sample';
import { createRouter, type Router } from '../ipc/router';
import { TestCipher } from '../vault/cipher';
import { createServices, type Services } from './composition';

const quiet = { info() {}, warn() {}, error() {} };
const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{ name: fat, cluster: { server: "https://127.0.0.1:9" } }]
users: [{ name: u, user: { token: "fuzz-token-secret" } }]
contexts: [{ name: fat, context: { cluster: fat, user: u } }]
`;

let dir: string;
let services: Services;
let router: Router;
const calls = new Map<string, number>();

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-fuzz-'));
  services = createServices({
    kubeconfigYaml: kubeconfig,
    userDataDir: dir,
    cipher: new TestCipher(true, 'test'),
    transport: 'browser',
    logger: quiet,
  });
  // Count handler runs: a refused payload must never reach one.
  const handlers = Object.fromEntries(
    Object.entries(services.handlers).map(([name, h]) => [
      name,
      (...args: unknown[]) => (calls.set(name, (calls.get(name) ?? 0) + 1), (h as (...a: unknown[]) => unknown)(...args)),
    ]),
  );
  router = createRouter({ contract, handlers: handlers as typeof services.handlers, logger: quiet, validateResponses: true });
});
afterAll(() => {
  router.dispose();
  services.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

type J = Record<string, unknown>;
const deep = (n: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
};
const wrongType = (v: unknown): unknown =>
  typeof v === 'string'
    ? 12345
    : typeof v === 'number'
      ? 'not-a-number'
      : typeof v === 'boolean'
        ? 'yes'
        : v === null
          ? 7
          : Array.isArray(v)
            ? 'not-an-array'
            : 'not-an-object';

/** Mutations of a valid payload; each must be refused. */
function mutations(valid: J, js: J): [string, unknown][] {
  const out: [string, unknown][] = [
    ['null', null],
    ['number', 42],
    ['string', 'payload'],
    ['array', [valid]],
    ['extra key', { ...valid, extraKey: 1 }],
    [
      '__proto__ key',
      JSON.parse(`{"__proto__": {"polluted": true}${Object.keys(valid).length ? ',' : ''}${JSON.stringify(valid).slice(1)}`),
    ],
    ['constructor key', { ...valid, constructor: { prototype: { polluted: true } } }],
    ['deep nesting', { ...valid, nested: deep(5000) }],
    ['huge payload', { ...valid, big: 'x'.repeat(300_000) }],
  ];
  const props = (js.properties ?? {}) as Record<string, J>;
  for (const [key, value] of Object.entries(valid)) {
    out.push([`${key}: wrong type`, { ...valid, [key]: wrongType(value) }]);
    out.push([`${key}: deep`, { ...valid, [key]: deep(200) }]);
    if (value && typeof value === 'object' && !Array.isArray(value))
      out.push([`${key}: extra nested key`, { ...valid, [key]: { ...value, extraKey: 1 } }]);
    const max = props[key]?.maxLength;
    if (typeof value === 'string')
      out.push([`${key}: too long`, { ...valid, [key]: 'x'.repeat(typeof max === 'number' ? max + 1 : 300_000) }]);
  }
  return out;
}

const sampleFor = (schema: z.ZodType): J => {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as J;
  return { js, value: jsonSample(js, (js.$defs ?? {}) as Record<string, J>) } as unknown as J;
};

describe('every IPC channel under fuzzing', () => {
  const names = Object.keys(contract) as (keyof typeof contract)[];
  it.each(names)('%s refuses mutated payloads cleanly and still answers', async (name) => {
    const channel = contract[name];
    const schema = channel.kind === 'request' ? channel.request : channel.params;
    const { js, value } = sampleFor(schema) as unknown as { js: J; value: J };
    expect(schema.safeParse(value).success, `the generated sample for ${name} is valid`).toBe(true);
    const before = calls.get(name) ?? 0;
    for (const [what, payload] of mutations(value, js)) {
      if (channel.kind === 'request') {
        const r = await router.invoke('fuzz', name, payload);
        expect(r, `${name} / ${what}`).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      } else {
        let ended: AppError | undefined;
        router.subscribe('fuzz', `s-${Math.random().toString(36).slice(2, 10)}`, name, payload, { event() {}, end: (e) => (ended = e) });
        expect(ended, `${name} / ${what}`).toMatchObject({ code: 'invalid-payload' });
      }
    }
    expect(calls.get(name) ?? 0, `a handler of ${name} ran on a refused payload`).toBe(before);
    expect(({} as J).polluted).toBeUndefined();
    // The services are still up: the next valid call is answered.
    expect(await router.invoke('fuzz', 'app.info', {})).toMatchObject({ ok: true });
    expect(await router.invoke('fuzz', 'clusters.list', {})).toMatchObject({ ok: true, value: [{ id: 'fat' }] });
    router.disposeSender('fuzz');
  });
});
