import { useAppStore } from '../store';
import type { ThemePreference } from '../store/ui-slice';

const options: { value: ThemePreference; label: string; icon: string }[] = [
  { value: 'light', label: 'Light', icon: '☀' },
  { value: 'dark', label: 'Dark', icon: '☾' },
  { value: 'system', label: 'System', icon: '◐' },
];

export function ThemeToggle() {
  const theme = useAppStore((s) => s.theme);
  const setTheme = useAppStore((s) => s.setTheme);
  return (
    <div className="segmented" role="radiogroup" aria-label="Theme" data-testid="theme-toggle">
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={theme === o.value}
          className={theme === o.value ? 'is-active' : ''}
          onClick={() => setTheme(o.value)}
          title={`${o.label} theme`}
          data-testid={`theme-${o.value}`}
        >
          <span aria-hidden>{o.icon}</span> {o.label}
        </button>
      ))}
    </div>
  );
}
