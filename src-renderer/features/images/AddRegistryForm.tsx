import { useState } from 'react';
import type { RegistryInfo, RegistryInput, RegistryKind } from '../../../src-shared/images/contract';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SourceRegionField, TextField } from './TextField';
import { useAction } from '../../components/useAction';
import { splitList } from './images-model';

interface Form {
  name: string;
  kind: RegistryKind;
  url: string;
  region: string;
  username: string;
  secret: string;
  /** OCI: repositories always followed; Harbor: projects (both comma- or space-separated). */
  scope: string;
  /** Globs on repository names. */
  include: string;
  source: boolean;
}
const emptyForm: Form = { name: '', kind: 'harbor', url: '', region: '', username: '', secret: '', scope: '', include: '', source: false };

/** The form that adds a registry; the secret is sent to main once, into the vault, and never comes back. */
export function AddRegistryForm({ onAdded }: { onAdded: (registry: RegistryInfo) => void }) {
  const client = useClient();
  const [form, setForm] = useState<Form>(emptyForm);
  const { run: add, busy: adding, error: formError } = useAction((input: RegistryInput) => client['images.registries.add'](input));

  const submit = async () => {
    const scope = splitList(form.scope);
    const include = splitList(form.include);
    const input: RegistryInput = {
      name: form.name.trim(),
      kind: form.kind,
      url: form.url.trim(),
      region: form.region.trim(),
      ...(form.username.trim() ? { username: form.username.trim() } : {}),
      ...(form.secret ? { secret: form.secret } : {}),
      ...(scope.length ? (form.kind === 'oci' ? { repositories: scope } : { projects: scope }) : {}),
      ...(include.length ? { include } : {}),
      ...(form.source ? { source: true } : {}),
    };
    const r = await add(input);
    // The secret leaves the form once main has it (in the vault, or refused for good); only a vault
    // waiting for consent keeps it, so that "Add" works again right after allowing storage.
    if (!r.ok && r.error.code === 'consent-required') return;
    setForm((f) => ({ ...f, secret: '' }));
    if (!r.ok) return;
    setForm(emptyForm);
    onAdded(r.value);
  };

  const field = (key: keyof Form) => ({
    value: form[key] as string,
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })),
  });

  return (
    <form
      className="img-reg-form img-panel"
      aria-label="Add a registry"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3 className="img-detail__h">Add a registry</h3>
      <div className="img-reg-form__grid">
        <label className="field">
          <span className="field__label">Kind</span>
          <select
            aria-label="Registry kind"
            value={form.kind}
            onChange={(e) => setForm((f) => ({ ...f, kind: e.target.value as RegistryKind }))}
          >
            <option value="harbor">Harbor</option>
            <option value="oci">OCI registry</option>
          </select>
        </label>
        <TextField label="Name" required aria-label="Registry name" placeholder="harbor-east" {...field('name')} />
        <TextField label="URL" grow required aria-label="Registry URL" placeholder="https://harbor-east.example.com" {...field('url')} />
        <TextField label="Region" required aria-label="Region it serves" placeholder="dc-east" {...field('region')} />
        <TextField label="User or robot" aria-label="Username or robot account" placeholder="robot$capstan" {...field('username')} />
        <label className="field">
          <span className="field__label">Secret</span>
          <input type="password" aria-label="Password or robot secret" autoComplete="new-password" {...field('secret')} />
        </label>
        <TextField
          label={
            form.kind === 'oci' ? 'Repositories always followed (the catalog is read too, where allowed)' : 'Projects (empty: all visible)'
          }
          grow
          aria-label={form.kind === 'oci' ? 'Repositories to follow' : 'Projects to follow'}
          placeholder={form.kind === 'oci' ? 'shop/orders, shop/payments' : 'shop, platform'}
          {...field('scope')}
        />
        <TextField
          label="Include (globs; empty: all)"
          grow
          aria-label="Repositories to include"
          placeholder="shop/*"
          {...field('include')}
        />
        <SourceRegionField checked={form.source} onChange={(source) => setForm((f) => ({ ...f, source }))} />
      </div>
      <p className="muted img-small">
        The secret goes to Capstan's vault in the main process and is never shown again; only whether one is stored.
      </p>
      {formError ? <ErrorBanner error={formError} title="Not added." /> : null}
      <div>
        <button type="submit" className="btn btn--primary" disabled={adding}>
          {adding ? 'Adding…' : 'Add registry'}
        </button>
      </div>
    </form>
  );
}
