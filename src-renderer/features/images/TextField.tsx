import type { InputHTMLAttributes, ReactNode } from 'react';

/**
 * One labelled text input of the registry forms: names, URLs, regions, globs, so neither the
 * browser's autocomplete nor its spell check gets in the way.
 */
export function TextField({ label, grow, ...input }: { label: ReactNode; grow?: boolean } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className={grow ? 'field field--grow' : 'field'}>
      <span className="field__label">{label}</span>
      <input autoComplete="off" spellCheck={false} {...input} />
    </label>
  );
}

/** Whether CI pushes to the registry's region (its images are the source of replication). */
export function SourceRegionField({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="field">
      <span className="field__label">Source region</span>
      <span>
        <input
          type="checkbox"
          aria-label="CI pushes to this registry's region"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
        />{' '}
        CI pushes here
      </span>
    </label>
  );
}
