import { useState } from 'react';
import type { RegistryInfo } from '../../../src-shared/images/contract';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { useAction } from '../../components/useAction';
import { FormActions } from './FormActions';

/** New credentials for one registry: an empty secret keeps the stored one; a refused save clears the typed secret. */
export function CredentialsForm({
  registry,
  onSaved,
  onCancel,
}: {
  registry: RegistryInfo;
  onSaved: (registry: RegistryInfo) => void;
  onCancel: () => void;
}) {
  const client = useClient();
  const [creds, setCreds] = useState<{ id: string; username: string; secret: string }>({
    id: registry.id,
    username: registry.username ?? '',
    secret: '',
  });

  const saving = useAction(() =>
    client['images.registries.setCredentials']({
      registryId: creds.id,
      username: creds.username.trim(),
      ...(creds.secret ? { secret: creds.secret } : {}),
    }),
  );
  const saveCredentials = async () => {
    const r = await saving.run();
    if (!r.ok) return setCreds({ ...creds, secret: '' });
    onSaved(r.value);
  };

  return (
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
          <input
            aria-label="New username or robot account"
            autoComplete="off"
            spellCheck={false}
            value={creds.username}
            onChange={(e) => setCreds({ ...creds, username: e.target.value })}
          />
        </label>
        <label className="field">
          <span className="field__label">New secret (empty: keep the stored one)</span>
          <input
            type="password"
            aria-label="New password or robot secret"
            autoComplete="new-password"
            value={creds.secret}
            onChange={(e) => setCreds({ ...creds, secret: e.target.value })}
          />
        </label>
      </div>
      {saving.error ? <ErrorBanner error={saving.error} title="Not saved." /> : null}
      <FormActions submitLabel="Save credentials" onCancel={onCancel} />
    </form>
  );
}
