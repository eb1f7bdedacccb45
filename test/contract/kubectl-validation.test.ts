/**
 * Decoding and validation of writes against the official OpenAPI documents, refereed by kubectl:
 * fieldValidation Strict / Warn / Ignore, type errors, names and labels, 422 bodies with causes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSandbox } from './kube-sandbox-helpers';
import { startTestSandbox } from './kube-sandbox-helpers';

describe('kubectl meets the sandbox decoder and validation', { timeout: 60_000 }, () => {
  let sb: TestSandbox;
  let dir: string;
  const store = () => sb.dc.cluster('fat').store;
  const deploymentJson = (name: string, spec: Record<string, unknown> = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'v' } },
      template: { metadata: { labels: { app: 'v' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
      ...spec,
    },
  });
  const file = (name: string, obj: unknown) => {
    const f = join(dir, `${name}.json`);
    writeFileSync(f, JSON.stringify(obj));
    return f;
  };
  const kubectl = (args: string[]) => sb.kubectl(['--context', 'fat', ...args]);

  beforeAll(async () => {
    sb = await startTestSandbox();
    dir = mkdtempSync(join(tmpdir(), 'capstan-validation-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sb?.close();
  });

  it('Strict (kubectl apply default): an unknown field is a 400 strict decoding error and nothing is stored', async () => {
    const r = await kubectl(['apply', '-f', file('strict', deploymentJson('strict', { foo: 1 }))]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('strict decoding error: unknown field "spec.foo"');
    expect(store().get('deployments', 'default', 'strict')).toBeUndefined();
  });

  it('Warn: kubectl prints the server Warning; the object is stored without the field', async () => {
    const r = await kubectl(['create', '--validate=warn', '-f', file('warn', deploymentJson('warn', { foo: 1 }))]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Warning: unknown field "spec.foo"');
    expect(store().get('deployments', 'default', 'warn')!.obj.spec.foo).toBeUndefined();
  });

  it('Ignore: stored without the field, no warning', async () => {
    const r = await kubectl(['create', '--validate=false', '-f', file('ignore', deploymentJson('ignore', { foo: 1 }))]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(store().get('deployments', 'default', 'ignore')!.obj.spec.foo).toBeUndefined();
  });

  it('a value of the wrong type is a 400 with the decoder message', async () => {
    const r = await kubectl(['create', '--validate=false', '-f', file('two', deploymentJson('two', { replicas: 'two' }))]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Error from server (BadRequest)');
    expect(r.stderr).toContain('json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
    expect(store().get('deployments', 'default', 'two')).toBeUndefined();
  });

  it('an invalid name is a 422 whose cause kubectl prints', async () => {
    const r = await kubectl(['create', '-f', file('bad-name', deploymentJson('Bad_Name'))]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `The Deployment "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters`,
    );
  });

  it('invalid label keys and values are refused on patch, with one cause each', async () => {
    const r = await kubectl([
      '-n',
      'shop',
      'patch',
      'deploy/payments-fat',
      '--type=merge',
      '-p',
      JSON.stringify({ metadata: { labels: { 'bad key!': 'ok', good: 'bad value!' } } }),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('The Deployment "payments-fat" is invalid:');
    expect(r.stderr).toContain(`* metadata.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters`);
    expect(r.stderr).toContain(
      `* metadata.labels: Invalid value: "bad value!": a valid label must be an empty string or consist of alphanumeric characters`,
    );
    expect(store().get('deployments', 'shop', 'payments-fat')!.obj.metadata.labels!.good).toBeUndefined();
  });

  it('a 422 body carries details.causes with reason and field', async () => {
    const r = await sb.request('fat', 'POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'Bad', image: 'x' }] },
    });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      details: { name: 'p', kind: 'Pod', causes: [{ reason: 'FieldValueInvalid', field: 'spec.containers[0].name' }] },
    });
    expect(r.body.message).toMatch(/^Pod "p" is invalid: spec.containers\[0\].name: Invalid value: "Bad": a lowercase RFC 1123 label/);
  });

  it('a Strict PUT names every unknown field, nested ones with their list index', async () => {
    const current = store().clone('deployments', 'shop', 'payments-fat')!;
    current.spec.template.spec.containers[0].colour = 'red';
    (current.metadata as unknown as Record<string, unknown>).extra = true;
    const r = await sb.request('fat', 'PUT', '/apis/apps/v1/namespaces/shop/deployments/payments-fat?fieldValidation=Strict', current);
    expect(r.status).toBe(400);
    expect(r.body.message).toBe(
      'strict decoding error: unknown field "metadata.extra", unknown field "spec.template.spec.containers[0].colour"',
    );
  });
});
