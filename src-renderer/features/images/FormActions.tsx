/** A registry form's buttons: submit (the form's own action) and cancel. */
export function FormActions({ submitLabel, onCancel }: { submitLabel: string; onCancel: () => void }) {
  return (
    <div className="img-reg-form__actions">
      <button type="submit" className="btn btn--primary">
        {submitLabel}
      </button>
      <button type="button" className="btn" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
