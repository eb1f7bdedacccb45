import { useState, type ChangeEvent } from 'react';
import type { RegistryInfo } from '../../../src-shared/images/contract';
import { useClient } from '../../components/ClientContext';
import { ErrorBanner } from '../../components/ErrorBanner';
import { SourceRegionField, TextField } from './TextField';
import { useAction } from '../../components/useAction';
import { useRequest } from '../../components/useRequest';
import { joinList, splitList } from './images-model';
import { FormActions } from './FormActions';

/** A text input's value and change handler from a state pair. */
const bind = (value: string, set: (value: string) => void) => ({
  value,
  onChange: (e: ChangeEvent<HTMLInputElement>) => set(e.target.value),
});

/**
 * Edit a registry in place (URL, region, what it follows, whether its region is where CI pushes),
 * and see what it follows and found at its last refresh. Credentials and trust have their own
 * controls on the registry's row.
 */
export function RegistryEditForm({
  registry,
  onSaved,
  onCancel,
}: {
  registry: RegistryInfo;
  onSaved: (r: RegistryInfo) => void;
  onCancel: () => void;
}) {
  const client = useClient();
  const oci = registry.kind === 'oci';
  const [url, setUrl] = useState(registry.url);
  const [region, setRegion] = useState(registry.region);
  const [include, setInclude] = useState(joinList(registry.include));
  const [exclude, setExclude] = useState(joinList(registry.exclude));
  const [scope, setScope] = useState(joinList(oci ? registry.repositories : registry.projects));
  const [source, setSource] = useState(!!registry.source);
  // Coverage is extra information: a failed read shows none.
  const coverages = useRequest(() => client['images.registries.coverage']({}), [client]).data;
  const coverage = coverages?.find((c) => c.registryId === registry.id) ?? null;
  const saving = useAction(() =>
    client['images.registries.update']({
      registryId: registry.id,
      url: url.trim(),
      region: region.trim(),
      include: splitList(include),
      exclude: splitList(exclude),
      ...(oci ? { repositories: splitList(scope) } : { projects: splitList(scope) }),
      source,
    }),
  );
  const { error } = saving;
  const save = async () => {
    const r = await saving.run();
    if (r.ok) onSaved(r.value);
  };

  return (
    <form
      className="img-reg-form img-panel"
      aria-label={`Edit ${registry.name}`}
      data-testid="images-registry-edit"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3 className="img-detail__h">Edit {registry.name}</h3>
      <div className="img-reg-form__grid">
        <TextField label="URL" grow required aria-label="Registry URL" {...bind(url, setUrl)} />
        <TextField label="Region" required aria-label="Region it serves" {...bind(region, setRegion)} />
        <TextField
          label="Include (globs; empty: all)"
          grow
          aria-label="Repositories to include"
          placeholder="shop/*"
          {...bind(include, setInclude)}
        />
        <TextField label="Exclude (globs)" grow aria-label="Repositories to exclude" placeholder="*/tmp-*" {...bind(exclude, setExclude)} />
        <TextField
          label={oci ? 'Repositories always followed' : 'Projects (empty: all visible)'}
          grow
          aria-label={oci ? 'Repositories to follow' : 'Projects to follow'}
          {...bind(scope, setScope)}
        />
        <SourceRegionField checked={source} onChange={setSource} />
      </div>
      {coverage ? (
        <div className="img-small" data-testid="images-registry-coverage" data-mode={coverage.mode ?? 'unread'}>
          {coverage.mode ? (
            <p>
              Follows {coverage.repositoryCount} repositories ({coverage.tagCount} tags), found through{' '}
              {coverage.mode === 'catalog' ? 'its catalog' : coverage.mode === 'harbor' ? "Harbor's projects" : 'a list (catalog refused)'}.
            </p>
          ) : (
            <p className="muted">Not read yet.</p>
          )}
          {coverage.note ? <p className="muted">{coverage.note}</p> : null}
          {coverage.error ? <p className="text-bad">{coverage.error.message}</p> : null}
          <ul className="img-coverage">
            {coverage.repositories.slice(0, 200).map((r) => (
              <li key={r.name}>
                <span className="mono">{r.name}</span>{' '}
                <span className="muted">
                  {r.tags} tags · {r.sources.join(', ')}
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {error ? <ErrorBanner error={error} title="Not saved." /> : null}
      <FormActions submitLabel="Save" onCancel={onCancel} />
    </form>
  );
}
