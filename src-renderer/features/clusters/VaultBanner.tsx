import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { useAppStore } from '../../store';
import { useAction } from '../../components/useAction';

/** Linux basic_text: secrets would be stored with a key kept beside them. Ask before storing. */
export function VaultBanner() {
  const vault = useAppStore((s) => s.appInfo?.vault);
  const setVault = useAppStore((s) => s.setVault);
  const client = useClient();
  const { run, busy, error } = useAction((allow: boolean) => client['vault.consent']({ allow }));
  if (!vault?.needsConsent) return null;

  const answer = async (allow: boolean) => {
    const result = await run(allow);
    if (result.ok) setVault(result.value);
  };

  return (
    <ErrorBanner
      tone="warn"
      testId="vault-banner"
      title="Secrets would not be encrypted by your OS."
      error={{
        message: `The system keyring is not available (backend: ${vault.backend}), so saved Harbor credentials and imported kubeconfigs would be protected only by a key stored beside them. Allow this, or install/unlock a keyring (GNOME Keyring, KWallet) and restart Capstan.`,
      }}
    >
      {busy ? <Spinner size="xs" /> : null}
      <button type="button" className="btn btn--primary" onClick={() => answer(true)} disabled={busy} data-testid="vault-consent">
        Allow unencrypted storage
      </button>
      <button type="button" className="btn" onClick={() => answer(false)} disabled={busy} data-testid="vault-decline">
        Not now
      </button>
      {error ? <span className="text-bad">{error.message}</span> : null}
    </ErrorBanner>
  );
}
