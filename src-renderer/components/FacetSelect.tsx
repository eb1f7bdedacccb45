/**
 * A filter dropdown: "all" plus the values seen. A selected value stays listed even when no row
 * has it any more (a pod went away), so the selection never silently changes.
 */
export function FacetSelect({
  label,
  value,
  values,
  allLabel,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  values: readonly string[];
  allLabel: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  const options = value && !values.includes(value) ? [value, ...values] : values;
  return (
    <label className="field">
      <span className="field__label">{label}</span>
      <select aria-label={`Filter by ${label.toLowerCase()}`} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{allLabel}</option>
        {options.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
}
