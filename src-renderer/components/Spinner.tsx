export function Spinner({ label, size = 'sm' }: { label?: string; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <span className={`spinner-wrap spinner-wrap--${size}`} role={label ? 'status' : undefined}>
      <span className={`spinner spinner--${size}`} aria-hidden />
      {label ? <span className="spinner__label">{label}</span> : null}
    </span>
  );
}

/** Determinate progress: "2 of 4 clusters synced". */
export function Progress({ value, max, label }: { value: number; max: number; label: string }) {
  const pct = max > 0 ? Math.round((value / max) * 100) : 0;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-label={label}
      data-testid="progress"
    >
      <div className="progress__bar" style={{ width: `${pct}%` }} />
      <span className="progress__label">{label}</span>
    </div>
  );
}
