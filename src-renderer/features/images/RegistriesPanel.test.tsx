// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { RegistryHealth, RegistryInfo, RegistryInput } from '../../../src-shared/images/contract';
import { err, ok } from '../../../src-shared/result';
import { byTestId, click, fakeClient, render, submit, typeInto, waitFor, type Rendered } from '../../testing/render';
import { RegistriesPanel } from './RegistriesPanel';

const east: RegistryInfo = {
  id: 'harbor-east',
  name: 'harbor-east',
  kind: 'harbor',
  url: 'https://harbor-east.example.com',
  region: 'east',
  username: 'robot$capstan',
  hasSecret: true,
};
const health = (registryId: string, over: Partial<RegistryHealth> = {}): RegistryHealth => ({
  registryId,
  checkedAt: 1,
  reachable: true,
  status: 'healthy',
  components: [],
  credentialsOk: true,
  version: 'v2.10',
  ...over,
});

describe('RegistriesPanel', () => {
  let view: Rendered | undefined;
  afterEach(async () => view?.unmount());

  it('lists the registries and checks each; adding one sends the form as a registry input and checks it', async () => {
    const added: RegistryInput[] = [];
    const fake = fakeClient({
      'images.registries.list': async () => ok([east]),
      'images.registries.test': async ({ registryId }) =>
        ok(
          health(
            registryId,
            registryId === 'harbor-west' ? { reachable: false, error: { code: 'unavailable', message: 'connect ECONNREFUSED' } } : {},
          ),
        ),
      'images.registries.add': async (input) => (
        added.push(input),
        ok({ ...east, id: 'harbor-west', name: 'harbor-west', region: 'west', url: input.url })
      ),
      'images.matrix.get': async () => ok({} as never),
    });
    view = await render(<RegistriesPanel />, fake.client);
    const c = view.container;
    await waitFor(() => expect(c.querySelector('[data-registry="harbor-east"]')!.getAttribute('data-health')).toBe('ok'));
    expect(c.querySelector('[data-registry="harbor-east"]')!.textContent).toContain('credentials OK');

    const form = c.querySelector('form[aria-label="Add a registry"]');
    await typeInto(form!.querySelector('[aria-label="Registry name"]'), 'harbor-west');
    await typeInto(form!.querySelector('[aria-label="Registry URL"]'), ' https://harbor-west.example.com ');
    await typeInto(form!.querySelector('[aria-label="Region it serves"]'), 'west');
    await typeInto(form!.querySelector('[aria-label="Password or robot secret"]'), 's3cret');
    await typeInto(form!.querySelector('[aria-label="Projects to follow"]'), 'shop, platform');
    await submit(form);
    await waitFor(() => expect(c.querySelector('[data-registry="harbor-west"]')!.getAttribute('data-health')).toBe('bad'));
    expect(added).toEqual([
      {
        name: 'harbor-west',
        kind: 'harbor',
        url: 'https://harbor-west.example.com',
        region: 'west',
        secret: 's3cret',
        projects: ['shop', 'platform'],
      },
    ]);
    expect((form!.querySelector('[aria-label="Password or robot secret"]') as HTMLInputElement).value).toBe('');
    expect(byTestId(c, 'images-registry-error').textContent).toContain('connect ECONNREFUSED');
  });

  it('keeps the typed secret when the vault waits for consent, and says why it was not added', async () => {
    const fake = fakeClient({
      'images.registries.list': async () => ok([]),
      'images.registries.add': async () => err('consent-required', 'Allow Capstan to store secrets first.'),
    });
    view = await render(<RegistriesPanel />, fake.client);
    const c = view.container;
    await waitFor(() => byTestId(c, 'images-registries-empty'));
    const form = c.querySelector('form[aria-label="Add a registry"]');
    await typeInto(form!.querySelector('[aria-label="Registry name"]'), 'harbor-west');
    await typeInto(form!.querySelector('[aria-label="Registry URL"]'), 'https://harbor-west.example.com');
    await typeInto(form!.querySelector('[aria-label="Region it serves"]'), 'west');
    await typeInto(form!.querySelector('[aria-label="Password or robot secret"]'), 's3cret');
    await submit(form);
    await waitFor(() => expect(form!.textContent).toContain('Allow Capstan to store secrets first.'));
    expect((form!.querySelector('[aria-label="Password or robot secret"]') as HTMLInputElement).value).toBe('s3cret');
  });

  it('removes a registry only after the confirmation', async () => {
    const fake = fakeClient({
      'images.registries.list': async () => ok([east]),
      'images.registries.test': async ({ registryId }) => ok(health(registryId)),
      'images.registries.remove': async () => ok({} as never),
      'images.matrix.get': async () => ok({} as never),
    });
    view = await render(<RegistriesPanel />, fake.client);
    const c = view.container;
    await waitFor(() => c.querySelector('[data-registry="harbor-east"]')!);
    const remove = [...c.querySelectorAll('[data-registry="harbor-east"] button')].find((b) => b.textContent === 'Remove…');
    await click(remove);
    expect(fake.calls.some((x) => x.channel === 'images.registries.remove')).toBe(false);
    await click(byTestId(c, 'images-confirm-ok'));
    await waitFor(() => expect(c.querySelector('[data-registry="harbor-east"]')).toBeNull());
    expect(fake.calls.find((x) => x.channel === 'images.registries.remove')!.request).toEqual({ registryId: 'harbor-east' });
  });
});
