import type { ImageLineage } from '../../../src-shared/images/contract';
import { useClient } from '../../components/ClientContext';
import { EmptyState } from '../../components/EmptyState';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Spinner } from '../../components/Spinner';
import { useRequest } from '../../components/useRequest';
import { shortDigest } from './images-model';

/** Images with their region; the build history shows on hover. */
function ImageList({ images }: { images: ImageLineage[] }) {
  return (
    <ul>
      {images.map((i) => (
        <li key={`${i.repository}:${i.tag}@${i.registryId}`} title={i.history.join('\n')}>
          <span className="mono">
            {i.repository}:{i.tag}
          </span>{' '}
          <span className="muted">{i.region}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * Base images: which apps (the images the clusters run and the plans target) are built on which
 * base image, per region, as the registries record it (OCI base-image annotations). Several
 * digests under one base name mean some apps still run an older build of that base.
 */
export function LineagePanel() {
  const client = useClient();
  const { data: report, error } = useRequest(() => client['images.lineage.get']({}), [client]);
  if (error) return <ErrorBanner error={error} title="Base images could not be read." />;
  if (!report) return <Spinner size="sm" label="Reading image manifests…" />;
  if (!report.bases.length && !report.unannotated.length)
    return (
      <EmptyState title="No running image found in the registries" testId="images-lineage-empty">
        Connect clusters (or save a plan): their images are looked up in every region's registry.
      </EmptyState>
    );
  const digestsPerName = new Map<string, number>();
  for (const b of report.bases) digestsPerName.set(b.baseName ?? '', (digestsPerName.get(b.baseName ?? '') ?? 0) + 1);
  return (
    <div className="img-lineage" data-testid="images-lineage">
      {report.bases.map((b) => (
        <section key={`${b.baseName}@${b.baseDigest}`} className="img-panel" data-testid="images-lineage-base" data-base={b.baseName}>
          <h3 className="img-detail__h">
            {b.baseName ?? 'unnamed base'} <span className="mono muted">{shortDigest(b.baseDigest)}</span>
            {(digestsPerName.get(b.baseName ?? '') ?? 0) > 1 ? (
              <span className="badge badge--warn">one of several builds of this base</span>
            ) : null}
          </h3>
          <ImageList images={b.images} />
        </section>
      ))}
      {report.unannotated.length ? (
        <section className="img-panel">
          <h3 className="img-detail__h">No base image recorded</h3>
          <ImageList images={report.unannotated} />
        </section>
      ) : null}
      {report.errors.map((e) => (
        <ErrorBanner key={`${e.registryId}/${e.image}`} tone="warn" error={e.error} title={`${e.registryId}, ${e.image}:`} />
      ))}
    </div>
  );
}
