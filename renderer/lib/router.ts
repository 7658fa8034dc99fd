import { useSyncExternalStore } from 'react';

/** Hash routes, so the same build works from file:// (Electron) and from a server. */
export type Route =
  | { view: 'stage' }
  | { view: 'missions'; missionId: number | null }
  | { view: 'proposals' }
  | { view: 'models' }
  | { view: 'settings' }
  | { view: 'autonomy' }
  | { view: 'roundtables'; conversationId: number | null }
  | { view: 'agents'; agentId: string };

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
    case 'proposals':
      return { view: 'proposals' };
    case 'models':
      return { view: 'models' };
    case 'settings':
      return { view: 'settings' };
    case 'autonomy':
      return { view: 'autonomy' };
    case 'roundtables': {
      const id = Number(parts[1]);
      return { view: 'roundtables', conversationId: Number.isSafeInteger(id) && id > 0 ? id : null };
    }
    case 'agents':
    {
      // a malformed escape ("#/agents/%") must not throw out of the render and blank the app
      const agentId = parts[1] ? safeDecode(parts[1]) : null;
      return agentId ? { view: 'agents', agentId } : { view: 'stage' };
    }
    default:
      return { view: 'stage' };
  }
}

export function routeHref(route: Route): string {
  if (route.view === 'missions') return route.missionId ? `#/missions/${route.missionId}` : '#/missions';
  if (route.view === 'roundtables') return route.conversationId ? `#/roundtables/${route.conversationId}` : '#/roundtables';
  if (route.view === 'agents') return `#/agents/${encodeURIComponent(route.agentId)}`;
  return `#/${route.view}`;
}

export function missionHref(id: number): string {
  return routeHref({ view: 'missions', missionId: id });
}

export function agentHref(agentId: string): string {
  return routeHref({ view: 'agents', agentId });
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
