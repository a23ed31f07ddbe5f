/**
 * A tiny client-side router over the History API: the server answers index.html for every
 * /console/<path>, so deep links (/console/queues/orders?tab=monitoring) load the right page.
 */
import { useEffect, useState } from 'preact/hooks';

/** The app's base path without the trailing slash ("/console"). */
export const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

export interface Location {
  /** Path below the base, always starting with "/" ("/", "/queues/orders"). */
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  let path = window.location.pathname;
  if (path.startsWith(BASE)) path = path.slice(BASE.length);
  if (!path.startsWith('/')) path = `/${path}`;
  return { path, query: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

/** The full href of an app path ("/queues/a" → "/console/queues/a"). */
export function href(path: string): string {
  return `${BASE}${path}`;
}

/** Go to an app path; `replace` keeps the history entry (tab switches, filters). */
export function navigate(path: string, replace = false): void {
  const url = href(path);
  if (url === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  listeners.forEach((l) => l());
  if (!replace) window.scrollTo(0, 0);
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const l = () => setLoc(current());
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return loc;
}

/** Click handler for in-app links: plain left clicks navigate without a reload, others act normally. */
export function linkClick(path: string) {
  return (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(path);
  };
}
