import { useCallback, useEffect, useState } from 'react';
import type { RegistryHealth, RegistryInfo, RegistryInput, RegistryKind } from '../../../src-shared/images/contract';
import type { AppError } from '../../../src-shared/result';
import { useClient } from '../../components/ClientContext';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { VaultBanner } from '../clusters/VaultBanner';
import { ConfirmDialog } from './ConfirmDialog';
import { splitList } from './images-model';
import { RegistryEditForm } from './RegistryEditForm';
import { useRefreshBurst } from './useImagesActions';

/**
 * Registries: add a Harbor or a plain OCI registry (the secret is sent to main once, into the
 * vault, and never comes back), health and credentials per registry, and trust of a self-signed
 * certificate only on explicit consent.
 */

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

function healthBadge(h: RegistryHealth | undefined) {
  if (!h) return <span className="badge badge--muted">not checked</span>;
  if (!h.reachable) return <span className="badge badge--bad">unreachable</span>;
  if (h.error) return <span className="badge badge--warn">{h.error.code}</span>;
  return <span className={`badge badge--${h.status === 'healthy' ? 'ok' : 'warn'}`}>{h.status ?? 'reachable'}</span>;
}

function credentialsBadge(h: RegistryHealth | undefined, r: RegistryInfo) {
  if (!r.username) return <span className="muted">anonymous</span>;
  if (h?.authState) return <span className="badge badge--warn">{h.authState}</span>;
  if (h?.credentialsOk === true) return <span className="badge badge--ok">credentials OK</span>;
  if (h?.credentialsOk === false) return <span className="badge badge--bad">credentials refused</span>;
  return <span className="muted">{r.hasSecret ? 'secret stored' : 'no secret'}</span>;
}

export function RegistriesPanel() {
  const client = useClient();
  const refreshBurst = useRefreshBurst();
  const [registries, setRegistries] = useState<RegistryInfo[] | null>(null);
  const [health, setHealth] = useState<Record<string, RegistryHealth>>({});
  const [testing, setTesting] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<AppError | null>(null);
  const [form, setForm] = useState<Form>(emptyForm);
  const [formError, setFormError] = useState<AppError | null>(null);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<RegistryInfo | null>(null);
  const [creds, setCreds] = useState<{ id: string; username: string; secret: string; error?: AppError } | null>(null);
  const [confirm, setConfirm] = useState<{ kind: 'trust'; registry: RegistryInfo; fingerprint: string } | { kind: 'remove'; registry: RegistryInfo } | null>(null);

  const test = useCallback(
    async (id: string) => {
      setTesting((t) => ({ ...t, [id]: true }));
      const r = await client['images.registries.test']({ registryId: id });
      setTesting((t) => ({ ...t, [id]: false }));
      if (r.ok) setHealth((h) => ({ ...h, [id]: r.value }));
      else setError(r.error);
    },
    [client],
  );

  const load = useCallback(async () => {
    const r = await client['images.registries.list']({});
    if (!r.ok) return setError(r.error);
    setRegistries(r.value);
    await Promise.all(r.value.map((x) => test(x.id)));
  }, [client, test]);

  useEffect(() => {
    void load();
  }, [load]);

  const submit = async () => {
    setFormError(null);
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
    setAdding(true);
    const r = await client['images.registries.add'](input);
    setAdding(false);
    // The secret leaves the form once main has it (in the vault, or refused for good); only a vault
    // waiting for consent keeps it, so that "Add" works again right after allowing storage.
    if (!r.ok && r.error.code === 'consent-required') return setFormError(r.error);
    setForm((f) => ({ ...f, secret: '' }));
    if (!r.ok) return setFormError(r.error);
    setForm(emptyForm);
    setRegistries((list) => [...(list ?? []), r.value]);
    void test(r.value.id);
    refreshBurst();
  };

  const act = async () => {
    if (!confirm) return;
    if (confirm.kind === 'trust') {
      const r = await client['images.registries.trust']({ registryId: confirm.registry.id, fingerprint: confirm.fingerprint });
      if (!r.ok) setError(r.error);
      else {
        setRegistries((list) => list?.map((x) => (x.id === r.value.id ? r.value : x)) ?? null);
        void test(r.value.id);
        refreshBurst();
      }
    } else {
      const r = await client['images.registries.remove']({ registryId: confirm.registry.id });
      if (!r.ok) setError(r.error);
      else {
        setRegistries((list) => list?.filter((x) => x.id !== confirm.registry.id) ?? null);
        refreshBurst();
      }
    }
    setConfirm(null);
  };

  const untrust = async (reg: RegistryInfo) => {
    const r = await client['images.registries.untrust']({ registryId: reg.id });
    if (!r.ok) return setError(r.error);
    setRegistries((list) => list?.map((x) => (x.id === r.value.id ? r.value : x)) ?? null);
    void test(reg.id);
  };

  const saveCredentials = async () => {
    if (!creds) return;
    const r = await client['images.registries.setCredentials']({ registryId: creds.id, username: creds.username.trim(), ...(creds.secret ? { secret: creds.secret } : {}) });
    if (!r.ok) return setCreds({ ...creds, secret: '', error: r.error });
    setCreds(null);
    setRegistries((list) => list?.map((x) => (x.id === r.value.id ? r.value : x)) ?? null);
    void test(r.value.id);
    refreshBurst();
  };

  const field = (key: keyof Form) => ({
    value: form[key] as string,
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })),
  });

  return (
    <div className="img-registries" data-testid="images-registries">
      <VaultBanner />
      {error ? (
        <ErrorBanner error={error} title="Registry request failed.">
          <button type="button" className="btn" onClick={() => setError(null)}>
            Dismiss
          </button>
        </ErrorBanner>
      ) : null}
      {registries === null ? (
        <Spinner size="sm" label="Reading the registry list…" />
      ) : registries.length === 0 ? (
        <EmptyState title="No registry configured" testId="images-registries-empty">
          Add the Harbor of each region (or any OCI registry) below to see whether every region has the images your workloads run.
        </EmptyState>
      ) : (
        <table className="img-reg-table" aria-label="Registries">
          <thead>
            <tr>
              <th>Name</th>
              <th>Region</th>
              <th>URL</th>
              <th>Account</th>
              <th>Health</th>
              <th>Credentials</th>
              <th>Version</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {registries.map((r) => {
              const h = health[r.id];
              return (
                <tr key={r.id} data-testid="images-registry" data-registry={r.id} data-health={h ? (h.reachable && !h.error ? 'ok' : 'bad') : 'unknown'}>
                  <td>
                    <b>{r.name}</b> <span className="muted">{r.kind === 'harbor' ? 'Harbor' : 'OCI'}</span>
                    {r.warnings?.map((w) => (
                      <span key={w} className="badge badge--warn" data-testid="images-registry-warning" title={w}>
                        plain http
                      </span>
                    ))}
                  </td>
                  <td>
                    {r.region}
                    {r.source ? <span className="muted"> (source)</span> : null}
                  </td>
                  <td className="mono img-small">{r.url}</td>
                  <td className="mono img-small">{r.username ?? '—'}</td>
                  <td>
                    {testing[r.id] ? <Spinner size="xs" label="Checking…" /> : healthBadge(h)}
                    {h?.components.filter((c) => c.status !== 'healthy').map((c) => (
                      <span key={c.name} className="badge badge--warn" title={c.error}>
                        {c.name}: {c.status}
                      </span>
                    ))}
                  </td>
                  <td>{credentialsBadge(h, r)}</td>
                  <td className="img-small">{h?.version ?? ''}</td>
                  <td className="img-reg-table__actions">
                    <button type="button" className="btn btn--ghost" onClick={() => void test(r.id)}>
                      Check
                    </button>
                    {r.pinnedFingerprint ? (
                      <button type="button" className="btn btn--ghost" title={`Trusted certificate ${r.pinnedFingerprint}`} onClick={() => void untrust(r)}>
                        Forget certificate
                      </button>
                    ) : null}
                    <button type="button" className="btn btn--ghost" onClick={() => setEditing(r)} data-testid="images-registry-edit-open">
                      Edit…
                    </button>
                    <button type="button" className="btn btn--ghost" onClick={() => setCreds({ id: r.id, username: r.username ?? '', secret: '' })} data-testid="images-registry-credentials">
                      Credentials…
                    </button>
                    <button type="button" className="btn btn--ghost" onClick={() => setConfirm({ kind: 'remove', registry: r })}>
                      Remove…
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {registries?.map((r) => {
        const h = health[r.id];
        if (!h?.error) return null;
        return (
          <ErrorBanner key={r.id} error={h.error} title={`${r.name}:`} tone={h.reachable ? 'warn' : 'bad'} testId="images-registry-error">
            {h.certificateFingerprint && h.error.code === 'tls-error' ? (
              <button type="button" className="btn" onClick={() => setConfirm({ kind: 'trust', registry: r, fingerprint: h.certificateFingerprint! })}>
                Trust this certificate…
              </button>
            ) : null}
          </ErrorBanner>
        );
      })}
      {editing ? (
        <RegistryEditForm
          key={editing.id}
          registry={editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            // The source flag is one at a time: reread the list so that other rows drop theirs.
            void load();
            void test(saved.id);
            refreshBurst();
          }}
        />
      ) : null}
      {creds ? (
        <form
          className="img-reg-form img-panel"
          aria-label={`New credentials for ${creds.id}`}
          onSubmit={(e) => {
            e.preventDefault();
            void saveCredentials();
          }}
        >
          <h3 className="img-detail__h">New credentials for {creds.id}</h3>
          <div className="img-reg-form__grid">
            <label className="field">
              <span className="field__label">User or robot (empty: anonymous)</span>
              <input aria-label="New username or robot account" autoComplete="off" spellCheck={false} value={creds.username} onChange={(e) => setCreds({ ...creds, username: e.target.value })} />
            </label>
            <label className="field">
              <span className="field__label">New secret (empty: keep the stored one)</span>
              <input type="password" aria-label="New password or robot secret" autoComplete="new-password" value={creds.secret} onChange={(e) => setCreds({ ...creds, secret: e.target.value })} />
            </label>
          </div>
          {creds.error ? <ErrorBanner error={creds.error} title="Not saved." /> : null}
          <div className="img-reg-form__actions">
            <button type="submit" className="btn btn--primary">
              Save credentials
            </button>
            <button type="button" className="btn" onClick={() => setCreds(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
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
            <select aria-label="Registry kind" value={form.kind} onChange={(e) => setForm((f) => ({ ...f, kind: e.target.value as RegistryKind }))}>
              <option value="harbor">Harbor</option>
              <option value="oci">OCI registry</option>
            </select>
          </label>
          <label className="field">
            <span className="field__label">Name</span>
            <input required aria-label="Registry name" placeholder="harbor-east" autoComplete="off" spellCheck={false} {...field('name')} />
          </label>
          <label className="field field--grow">
            <span className="field__label">URL</span>
            <input required aria-label="Registry URL" placeholder="https://harbor-east.example.com" autoComplete="off" spellCheck={false} {...field('url')} />
          </label>
          <label className="field">
            <span className="field__label">Region</span>
            <input required aria-label="Region it serves" placeholder="dc-east" autoComplete="off" spellCheck={false} {...field('region')} />
          </label>
          <label className="field">
            <span className="field__label">User or robot</span>
            <input aria-label="Username or robot account" placeholder="robot$capstan" autoComplete="off" spellCheck={false} {...field('username')} />
          </label>
          <label className="field">
            <span className="field__label">Secret</span>
            <input type="password" aria-label="Password or robot secret" autoComplete="new-password" {...field('secret')} />
          </label>
          <label className="field field--grow">
            <span className="field__label">{form.kind === 'oci' ? 'Repositories always followed (the catalog is read too, where allowed)' : 'Projects (empty: all visible)'}</span>
            <input aria-label={form.kind === 'oci' ? 'Repositories to follow' : 'Projects to follow'} placeholder={form.kind === 'oci' ? 'shop/orders, shop/payments' : 'shop, platform'} autoComplete="off" spellCheck={false} {...field('scope')} />
          </label>
          <label className="field field--grow">
            <span className="field__label">Include (globs; empty: all)</span>
            <input aria-label="Repositories to include" placeholder="shop/*" autoComplete="off" spellCheck={false} {...field('include')} />
          </label>
          <label className="field">
            <span className="field__label">Source region</span>
            <span>
              <input type="checkbox" aria-label="CI pushes to this registry's region" checked={form.source} onChange={(e) => setForm((f) => ({ ...f, source: e.target.checked }))} /> CI pushes here
            </span>
          </label>
        </div>
        <p className="muted img-small">The secret goes to Capstan's vault in the main process and is never shown again; only whether one is stored.</p>
        {formError ? <ErrorBanner error={formError} title="Not added." /> : null}
        <div>
          <button type="submit" className="btn btn--primary" disabled={adding}>
            {adding ? 'Adding…' : 'Add registry'}
          </button>
        </div>
      </form>
      {confirm ? (
        <ConfirmDialog
          title={confirm.kind === 'trust' ? `Trust the certificate of ${confirm.registry.name}?` : `Remove ${confirm.registry.name}?`}
          confirmLabel={confirm.kind === 'trust' ? 'Trust this certificate' : 'Remove'}
          danger={confirm.kind === 'remove'}
          onCancel={() => setConfirm(null)}
          onConfirm={() => void act()}
        >
          {confirm.kind === 'trust' ? (
            <>
              <p>
                {confirm.registry.url} presents a certificate no trusted authority signed. Trust it only if this fingerprint is the one your registry administrators published:
              </p>
              <p className="mono img-fingerprint">{confirm.fingerprint}</p>
              <p className="muted">Capstan then trusts exactly this certificate for this registry only; a different certificate is refused again.</p>
            </>
          ) : (
            <p>Its column leaves the matrix and its stored secret is deleted from the vault.</p>
          )}
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
