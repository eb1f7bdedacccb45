import type { ImageCheck, ImageCheckState } from '../../../src-shared/releases/contract';

const stateLabel: Record<ImageCheckState, { text: string; badge: string }> = {
  present: { text: 'present', badge: 'ok' },
  missing: { text: 'missing', badge: 'bad' },
  'digest-differs': { text: 'digest differs', badge: 'bad' },
  unknown: { text: 'cannot tell', badge: 'warn' },
  'no-registry': { text: 'no registry', badge: 'warn' },
};

const short = (d: string | undefined) => (d ? d.replace(/^sha256:([0-9a-f]{12})[0-9a-f]*$/, '$1') : '');

/**
 * The plan's target image in each region its groups pull from (asked of the registries, not the
 * snapshot): present with its digest, missing, another digest, or cannot tell (offline).
 */
export function PlanImagesView({ images }: { images: ImageCheck }) {
  return (
    <div className="rel-images" data-testid="plan-images" data-pending={images.pending}>
      <div className="field__label">
        Image in each region's registry{' '}
        <span className="muted">
          {images.pending
            ? '· asking the registries…'
            : images.checkedAt
              ? `· asked at ${new Date(images.checkedAt).toLocaleTimeString()}`
              : ''}
        </span>
      </div>
      <table className="rel-preview">
        <thead>
          <tr>
            <th>Region</th>
            <th>Image</th>
            <th>State</th>
            <th>Digest</th>
            <th>Pulled by</th>
          </tr>
        </thead>
        <tbody>
          {images.rows.map((r) => (
            <tr
              key={`${r.image}/${r.region ?? r.datacenters.join()}`}
              data-testid="plan-image-row"
              data-region={r.region ?? ''}
              data-state={r.state}
              title={r.message}
            >
              <td style={{ whiteSpace: 'nowrap' }}>
                {r.region ?? <span className="muted">datacenter {r.datacenters.join(', ')}</span>}
                {r.registryId ? <div className="muted">{r.registryId}</div> : null}
              </td>
              <td className="mono">{r.image}</td>
              <td>
                <span className={`badge badge--${stateLabel[r.state].badge}`}>{stateLabel[r.state].text}</span>
              </td>
              <td className="mono">{short(r.digest)}</td>
              <td className="mono">{r.groups.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
