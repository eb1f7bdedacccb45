import type { StartPreview } from '../../../src-shared/releases/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const podsText = (b: number[]) => (b.length > 1 ? `${sum(b)}: ${b[0]} first, then ${b.slice(1).join(' + ')}` : `${sum(b)}`);

/** The image first (what an on-call engineer checks); the hold settings folded, they are put back at the end. */
function Changes({ changes }: { changes: string[] }) {
  const images = changes.filter((c) => c.startsWith('image.'));
  const rest = changes.filter((c) => !c.startsWith('image.'));
  return (
    <div className="rel-start__changes">
      {images.map((c) => (
        <div key={c} className="mono">
          <b>{c}</b>
        </div>
      ))}
      {rest.length ? (
        <details>
          <summary className="muted">and {rest.length} hold setting(s) Capstan sets while it releases (put back at the end)</summary>
          {rest.map((c) => (
            <div key={c} className="mono">
              {c}
            </div>
          ))}
        </details>
      ) : null}
    </div>
  );
}

/** Per group: the pods and its first write, as the API server answered a dry run of it; refusals in its words. */
export function WritePreviewTable({ preview, testId }: { preview: StartPreview; testId: string }) {
  const refused = preview.groups.filter((g) => g.refused);
  return (
    <>
      {refused.length ? (
        <div className="banner banner--bad" data-testid="write-refused">
          {refused.map((g) => (
            <div key={g.key}>
              {g.key}: the API server refused it: {g.refused}
            </div>
          ))}
        </div>
      ) : null}
      <table className="rel-preview" data-testid={testId}>
        <thead>
          <tr>
            <th>Stage</th>
            <th>Group</th>
            <th>Pods</th>
            <th>First write (server dry run)</th>
          </tr>
        </thead>
        <tbody>
          {preview.groups.map((g) => (
            <tr key={g.key} data-key={g.key} className={g.refused ? 'text-bad' : undefined}>
              <td>{g.stage + 1}</td>
              <td className="mono">{g.key}</td>
              <td>{podsText(g.batches)}</td>
              <td>{g.refused ? `refused: ${g.refused}` : g.note ? g.note : <Changes changes={g.changes} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Why a previewed step cannot be confirmed (the API server refused a write), or undefined. */
export const refusedWhy = (preview: StartPreview | null): string | undefined => {
  const refused = preview?.groups.filter((g) => g.refused) ?? [];
  return refused.length ? `The API server refused the first write of ${refused.map((g) => g.key).join(', ')}; fix that first.` : undefined;
};

/**
 * The start confirmation: per group, what its first write changes, as the API server answered a
 * dry run of it against live state (nothing was stored). A write the server refuses blocks the
 * start with its words; so does a permission the check (asked again now) finds missing, named
 * with its cluster and namespace, and a refusal of the start itself (`refused`: the dialog stays).
 * Later stages are checked now and again when their approval is asked.
 */
export function StartConfirm({
  preview,
  name,
  refused,
  onConfirm,
  onCancel,
}: {
  preview: StartPreview;
  name: string;
  refused?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const permissions = preview.refusedPermissions;
  return (
    <ConfirmDialog
      wide
      title={`Start ${name}?`}
      confirmLabel="Start release"
      blocked={refused ?? (permissions ? 'A permission the release needs is missing; see above.' : refusedWhy(preview))}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      {refused ? (
        <div className="banner banner--bad" data-testid="start-refused">
          {refused}
        </div>
      ) : null}
      {permissions && permissions !== refused ? (
        <div className="banner banner--bad" data-testid="start-permissions-refused">
          {permissions}
        </div>
      ) : null}
      <p className="muted">{DRY_RUN_NOTE}</p>
      <WritePreviewTable preview={preview} testId="start-preview" />
    </ConfirmDialog>
  );
}

export const DRY_RUN_NOTE =
  "Each group's first write, sent to its cluster as a dry run just now: the API server checked it (schema, admission, quotas) and answered what it would store. Nothing has changed yet. Every later write is checked the same way before it is made.";
