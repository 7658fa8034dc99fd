import { NotificationSettings } from '../../components/notification-settings.js';
import { useTheme, type ThemeChoice } from '../../store/theme-store.js';

const choices: { id: ThemeChoice; label: string; hint: string }[] = [
  { id: 'system', label: 'Follow the system', hint: 'Light or dark as your operating system is set, changing when it does.' },
  { id: 'light', label: 'Light', hint: 'Always light.' },
  { id: 'dark', label: 'Dark', hint: 'Always dark.' },
];

/** The theme (follow the system, or always light or dark) and which alerts notify; kept in this browser (or app). */
export function AppearancePane() {
  const choice = useTheme((s) => s.choice);
  const setChoice = useTheme((s) => s.setChoice);
  return (
    <section className="panel" aria-labelledby="appearance-title">
      <header className="panel-head">
        <h2 id="appearance-title">Appearance</h2>
      </header>
      <fieldset className="radio-list">
        <legend className="field-label">Theme</legend>
        {choices.map((c) => (
          <label key={c.id} className="radio-item">
            <input type="radio" name="theme" value={c.id} checked={choice === c.id} onChange={() => setChoice(c.id)} />
            <span>
              <strong>{c.label}</strong>
              <span className="field-hint"> {c.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <NotificationSettings />
    </section>
  );
}
