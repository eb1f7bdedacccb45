import { useAppStore } from '../store';
import type { ThemePreference } from '../store/ui-slice';
import { ChoiceButton } from './ChoiceButton';

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
        <ChoiceButton
          key={o.value}
          role="radio"
          selected={theme === o.value}
          onSelect={() => setTheme(o.value)}
          title={`${o.label} theme`}
          testId={`theme-${o.value}`}
        >
          <span aria-hidden>{o.icon}</span> {o.label}
        </ChoiceButton>
      ))}
    </div>
  );
}
