import { useSyncExternalStore } from 'react';

/** Hash routes, so the same build works from file:// (Electron) and from a server. */
export type Route =
  | { view: 'stage' }
  | { view: 'missions'; missionId: number | null }
  | { view: 'proposals' }
  | { view: 'models' }
  | { view: 'settings' };

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
    default:
      return { view: 'stage' };
  }
}

export function routeHref(route: Route): string {
  if (route.view === 'missions') return route.missionId ? `#/missions/${route.missionId}` : '#/missions';
  return `#/${route.view}`;
}

export function missionHref(id: number): string {
  return routeHref({ view: 'missions', missionId: id });
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
