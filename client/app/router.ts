/**
 * A tiny history-API router: the app's few addresses are matched by hand, and
 * `navigate` pushes a new entry and re-renders every `useRoute` user.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'login'; next: string | null }
  | { name: 'setup'; token: string }
  | { name: 'invite'; token: string }
  | { name: 'list' }
  | { name: 'package'; id: string }
  | { name: 'members'; id: string }
  | { name: 'notFound' };

const listeners = new Set<() => void>();
const inBrowser = typeof window !== 'undefined';
let snapshot = inBrowser ? location.pathname + location.search + location.hash : '/';

function emit(): void {
  snapshot = location.pathname + location.search + location.hash;
  for (const l of listeners) l();
}
if (inBrowser) {
  window.addEventListener('popstate', emit);
  window.addEventListener('hashchange', emit);
}

/** Goes to `path` (same origin), adding a history entry unless `replace`. */
export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  emit();
  window.scrollTo(0, 0);
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Parses a location into a route. Pure, so it can be unit-tested. */
export function parseRoute(pathname: string, search: string, hash: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const token = hash.replace(/^#/, '');
  if (parts.length === 0) return { name: 'list' };
  if (parts[0] === 'login' && parts.length === 1) return { name: 'login', next: new URLSearchParams(search).get('next') };
  if (parts[0] === 'setup' && parts.length === 1) return { name: 'setup', token };
  // Invitation links carry the token in the fragment (never sent to servers or logs); /invite/:token works too.
  if (parts[0] === 'invite') return { name: 'invite', token: parts[1] ?? token };
  if (parts[0] === 'packages' && parts[1]) {
    if (parts.length === 2) return { name: 'package', id: parts[1] };
    if (parts.length === 3 && parts[2] === 'members') return { name: 'members', id: parts[1] };
  }
  return { name: 'notFound' };
}

export function useRoute(): Route {
  const loc = useSyncExternalStore(subscribe, () => snapshot);
  const url = new URL(loc, location.origin);
  return parseRoute(url.pathname, url.search, url.hash);
}

/** The current path with query, used as `?next=` when sending someone to log in. */
export function currentPath(): string {
  return location.pathname + location.search;
}
