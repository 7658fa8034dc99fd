import { PauseIndicator } from './components/pause-indicator.js';
import { routeHref, type Route } from './lib/router.js';
import { viewKey } from './lib/shortcuts.js';
import { useRuntime } from './store/runtime-store.js';
import { useTheme } from './store/theme-store.js';
import { useUi } from './store/ui-store.js';

const tabs: { view: Route['view']; label: string }[] = [
  { view: 'stage', label: 'Stage' },
  { view: 'missions', label: 'Missions' },
  { view: 'proposals', label: 'Proposals' },
  { view: 'autonomy', label: 'Autonomy' },
  { view: 'roundtables', label: 'Roundtables' },
  { view: 'agents', label: 'Agents' },
  { view: 'artifacts', label: 'Artifacts' },
  { view: 'models', label: 'Models' },
  { view: 'settings', label: 'Settings' },
];

function tabHref(view: Route['view']): string {
  if (view === 'missions') return routeHref({ view: 'missions', missionId: null });
  if (view === 'roundtables') return routeHref({ view: 'roundtables', conversationId: null });
  if (view === 'agents') return routeHref({ view: 'agents', agentId: null });
  if (view === 'artifacts') return routeHref({ view: 'artifacts', artifactId: null });
  return routeHref({ view } as Route);
}

const streamLabels = { open: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' } as const;

function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true">
      <rect x="4" y="4" width="16" height="16" rx="2" />
      <rect x="12" y="12" width="16" height="16" rx="2" />
      <path d="M4 4 L12 12 M20 4 L28 12 M4 20 L12 28 M20 20 L28 28" />
    </svg>
  );
}

export function AppHeader({ route }: { route: Route }) {
  const stream = useRuntime((s) => s.stream);
  const pending = useRuntime((s) => s.status?.pendingProposals ?? 0);
  const openGiveTask = useUi((s) => s.openGiveTask);
  const theme = useTheme((s) => s.theme);
  const toggleTheme = useTheme((s) => s.toggle);
  return (
    <header className="app-header">
      <a className="brand" href={routeHref({ view: 'stage' })} aria-label="emtesseract home">
        <Logo />
        <span className="brand-name">emtesseract</span>
      </a>
      <nav className="tabs" aria-label="Views">
        {tabs.map((t) => (
          <a
            key={t.view}
            className={`tab${route.view === t.view ? ' is-active' : ''}`}
            href={tabHref(t.view)}
            aria-current={route.view === t.view ? 'page' : undefined}
            aria-keyshortcuts={viewKey(t.view)}
            title={viewKey(t.view) ? `${t.label} (key ${viewKey(t.view)})` : undefined}
          >
            {t.label}
            {t.view === 'proposals' && pending > 0 && <span className="tab-count">{pending}</span>}
          </a>
        ))}
      </nav>
      <div className="header-right">
        <PauseIndicator />
        <span className={`conn conn-${stream}`} data-testid="stream-status" title="Connection to the engine's event stream">
          <span className="conn-dot" />
          {streamLabels[stream]}
        </span>
        <button
          type="button"
          className="icon-btn theme-toggle"
          data-testid="theme-toggle"
          aria-label={theme === 'dark' ? 'Use the light theme' : 'Use the dark theme'}
          title={theme === 'dark' ? 'Light theme' : 'Dark theme'}
          onClick={toggleTheme}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <button type="button" className="btn btn-primary" onClick={() => openGiveTask()}>
          Give task
        </button>
      </div>
    </header>
  );
}
