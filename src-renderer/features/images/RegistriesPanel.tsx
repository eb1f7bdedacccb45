import { useCallback, useEffect, useState } from 'react';
import type { RegistryHealth, RegistryInfo } from '../../../src-shared/images/contract';
import type { AppError } from '../../../src-shared/result';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { VaultBanner } from '../clusters/VaultBanner';
import { AddRegistryForm } from './AddRegistryForm';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { IMAGES_CONFIRM } from './images-confirm';
import { CredentialsForm } from './CredentialsForm';
import { RegistryEditForm } from './RegistryEditForm';
import { RegistryTable } from './RegistryTable';
import { useRefreshBurst } from './useImagesActions';

/**
 * Registries: add a Harbor or a plain OCI registry (AddRegistryForm), health and credentials per
 * registry (RegistryTable, CredentialsForm), and trust of a self-signed certificate only on
 * explicit consent. This panel holds the list, the health checks and the confirmations.
 */
export function RegistriesPanel() {
  const client = useClient();
  const refreshBurst = useRefreshBurst();
  const [registries, setRegistries] = useState<RegistryInfo[] | null>(null);
  const [health, setHealth] = useState<Record<string, RegistryHealth>>({});
  const [testing, setTesting] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<AppError | null>(null);
  const [editing, setEditing] = useState<RegistryInfo | null>(null);
  const [creds, setCreds] = useState<RegistryInfo | null>(null);
  const [confirm, setConfirm] = useState<
    { kind: 'trust'; registry: RegistryInfo; fingerprint: string } | { kind: 'remove'; registry: RegistryInfo } | null
  >(null);

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

  /** A registry came back changed (trust, credentials): its row is replaced and checked again. */
  const replaced = (reg: RegistryInfo) => {
    setRegistries((list) => list?.map((x) => (x.id === reg.id ? reg : x)) ?? null);
    void test(reg.id);
  };

  const act = async () => {
    if (!confirm) return;
    if (confirm.kind === 'trust') {
      const r = await client['images.registries.trust']({ registryId: confirm.registry.id, fingerprint: confirm.fingerprint });
      if (!r.ok) setError(r.error);
      else {
        replaced(r.value);
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
    replaced(r.value);
  };

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
      <RegistryTable
        registries={registries}
        health={health}
        testing={testing}
        onCheck={(r) => void test(r.id)}
        onUntrust={(r) => void untrust(r)}
        onEdit={setEditing}
        onCredentials={setCreds}
        onRemove={(r) => setConfirm({ kind: 'remove', registry: r })}
      />
      {registries?.map((r) => {
        const h = health[r.id];
        if (!h?.error) return null;
        return (
          <ErrorBanner key={r.id} error={h.error} title={`${r.name}:`} tone={h.reachable ? 'warn' : 'bad'} testId="images-registry-error">
            {h.certificateFingerprint && h.error.code === 'tls-error' ? (
              <button
                type="button"
                className="btn"
                onClick={() => setConfirm({ kind: 'trust', registry: r, fingerprint: h.certificateFingerprint! })}
              >
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
        <CredentialsForm
          key={creds.id}
          registry={creds}
          onCancel={() => setCreds(null)}
          onSaved={(saved) => {
            setCreds(null);
            replaced(saved);
            refreshBurst();
          }}
        />
      ) : null}
      <AddRegistryForm
        onAdded={(added) => {
          setRegistries((list) => [...(list ?? []), added]);
          void test(added.id);
          refreshBurst();
        }}
      />
      {confirm ? (
        <ConfirmDialog
          testIds={IMAGES_CONFIRM}
          focus="cancel"
          title={confirm.kind === 'trust' ? `Trust the certificate of ${confirm.registry.name}?` : `Remove ${confirm.registry.name}?`}
          confirmLabel={confirm.kind === 'trust' ? 'Trust this certificate' : 'Remove'}
          danger={confirm.kind === 'remove'}
          onCancel={() => setConfirm(null)}
          onConfirm={() => void act()}
        >
          {confirm.kind === 'trust' ? (
            <>
              <p>
                {confirm.registry.url} presents a certificate no trusted authority signed. Trust it only if this fingerprint is the one your
                registry administrators published:
              </p>
              <p className="mono img-fingerprint">{confirm.fingerprint}</p>
              <p className="muted">
                Capstan then trusts exactly this certificate for this registry only; a different certificate is refused again.
              </p>
            </>
          ) : (
            <p>Its column leaves the matrix and its stored secret is deleted from the vault.</p>
          )}
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
