/**
 * The text filter of a view's filter bar: a labelled search box. The view's main one (`primary`)
 * is what `/` focuses (useGlobalKeys finds it by `data-filter-input`).
 */
export function SearchField({
  label,
  ariaLabel,
  testId,
  placeholder,
  value,
  onChange,
  grow = false,
  primary = false,
  id,
}: {
  label: string;
  ariaLabel: string;
  testId: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  grow?: boolean;
  primary?: boolean;
  id?: string;
}) {
  return (
    <label className={grow ? 'field field--grow' : 'field'}>
      <span className="field__label">{label}</span>
      <input
        type="search"
        id={id}
        data-filter-input={primary || undefined}
        aria-label={ariaLabel}
        data-testid={testId}
        placeholder={placeholder}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        spellCheck={false}
      />
    </label>
  );
}
