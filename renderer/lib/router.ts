import { useSyncExternalStore } from 'react';

/** Hash routes, so the same build works from file:// (Electron) and from a server. */
export type Route =
  | { view: 'stage' }
  | { view: 'missions'; missionId: number | null }
  | { view: 'proposals'; proposalId?: number }
  | { view: 'models' }
  | { view: 'settings'; section?: string; focus?: string }
  | { view: 'autonomy' }
  | { view: 'roundtables'; conversationId: number | null }
  | { view: 'agents'; agentId: string | null }
  | { view: 'artifacts'; artifactId: number | null };

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  switch (parts[0]) {
    case 'missions': {
      const id = Number(parts[1]);
      return { view: 'missions', missionId: Number.isSafeInteger(id) && id > 0 ? id : null };
    }
    case 'proposals': {
      const id = Number(parts[1]);
      return Number.isSafeInteger(id) && id > 0 ? { view: 'proposals', proposalId: id } : { view: 'proposals' };
    }
    case 'models':
      return { view: 'models' };
    case 'settings':
    {
      // malformed escapes are dropped, never thrown out of the render
      const section = parts[1] ? safeDecode(parts[1]) : null;
      const focus = parts[2] ? safeDecode(parts[2]) : null;
      return { view: 'settings', ...(section ? { section } : {}), ...(focus ? { focus } : {}) };
    }
    case 'artifacts': {
      const id = Number(parts[1]);
      return { view: 'artifacts', artifactId: Number.isSafeInteger(id) && id > 0 ? id : null };
    }
    case 'autonomy':
      return { view: 'autonomy' };
    case 'roundtables': {
      const id = Number(parts[1]);
      return { view: 'roundtables', conversationId: Number.isSafeInteger(id) && id > 0 ? id : null };
    }
    case 'agents':
    {
      if (!parts[1]) return { view: 'agents', agentId: null };
      // a malformed escape ("#/agents/%") must not throw out of the render and blank the app
      const agentId = safeDecode(parts[1]);
      return agentId ? { view: 'agents', agentId } : { view: 'stage' };
    }
    default:
      return { view: 'stage' };
  }
}

export function routeHref(route: Route): string {
  if (route.view === 'missions') return route.missionId ? `#/missions/${route.missionId}` : '#/missions';
  if (route.view === 'roundtables') return route.conversationId ? `#/roundtables/${route.conversationId}` : '#/roundtables';
  if (route.view === 'agents') return route.agentId ? `#/agents/${encodeURIComponent(route.agentId)}` : '#/agents';
  if (route.view === 'proposals') return route.proposalId ? `#/proposals/${route.proposalId}` : '#/proposals';
  if (route.view === 'artifacts') return route.artifactId ? `#/artifacts/${route.artifactId}` : '#/artifacts';
  if (route.view === 'settings') {
    const tail = [route.section, route.section ? route.focus : undefined].filter((x): x is string => !!x).map(encodeURIComponent);
    return ['#/settings', ...tail].join('/');
  }
  return `#/${route.view}`;
}

export function missionHref(id: number): string {
  return routeHref({ view: 'missions', missionId: id });
}

/** That one proposal in the Proposals view (waiting or decided), not the whole list. */
export function proposalHref(id: number): string {
  return routeHref({ view: 'proposals', proposalId: id });
}

export function agentHref(agentId: string): string {
  return routeHref({ view: 'agents', agentId });
}

export function artifactHref(id: number | null): string {
  return routeHref({ view: 'artifacts', artifactId: id });
}

export function settingsHref(section?: string, focus?: string): string {
  return routeHref({ view: 'settings', ...(section ? { section } : {}), ...(focus ? { focus } : {}) });
}

export function conversationHref(id: number | null): string {
  return routeHref({ view: 'roundtables', conversationId: id });
}

export function navigate(route: Route): void {
  window.location.hash = routeHref(route);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
