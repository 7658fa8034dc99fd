import { create } from 'zustand';

/** What the person chose; "system" follows the operating system, live. */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const KEY = 'emt.theme';

function readChoice(): ThemeChoice {
  try {
    const v = window.localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' || v === 'system' ? v : 'system';
  } catch {
    return 'system';
  }
}

const systemQuery = (): MediaQueryList | null => (typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: light)') : null);

function resolve(choice: ThemeChoice): Theme {
  if (choice !== 'system') return choice;
  return systemQuery()?.matches ? 'light' : 'dark';
}

function apply(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.querySelector('meta[name="color-scheme"]')?.setAttribute('content', theme);
}

interface ThemeState {
  choice: ThemeChoice;
  theme: Theme;
  setChoice(choice: ThemeChoice): void;
  /** Light ↔ dark (leaves "system" for an explicit choice). */
  toggle(): void;
}

export const useTheme = create<ThemeState>((set, get) => ({
  choice: 'system',
  theme: 'dark',
  setChoice(choice) {
    try {
      window.localStorage.setItem(KEY, choice);
    } catch {
      // private mode: the choice lasts until the page closes
    }
    const theme = resolve(choice);
    apply(theme);
    set({ choice, theme });
  },
  toggle() {
    get().setChoice(get().theme === 'dark' ? 'light' : 'dark');
  },
}));

/** Applies the saved choice before the first paint, and follows the system while the choice is "system". */
export function startTheme(): void {
  const choice = readChoice();
  const theme = resolve(choice);
  apply(theme);
  useTheme.setState({ choice, theme });
  systemQuery()?.addEventListener('change', () => {
    const { choice: c } = useTheme.getState();
    if (c !== 'system') return;
    const t = resolve(c);
    apply(t);
    useTheme.setState({ theme: t });
  });
}
