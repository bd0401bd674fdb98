/**
 * Who is logged in, from `GET /api/auth/me`, shared by every screen. A 401
 * means "not logged in" (null user), anything else is an error to show.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { Principal, Role } from '../../shared/protocol';
import { ApiError, apiGet, apiSend } from './api';

export interface Membership {
  packageId: string;
  role: Role;
  party?: string | null;
}

export interface SessionState {
  status: 'loading' | 'ready' | 'error';
  user: Principal | null;
  memberships: Membership[];
  error?: string;
}

let state: SessionState = { status: 'loading', user: null, memberships: [] };
const listeners = new Set<() => void>();
let inflight: Promise<void> | null = null;

function set(next: SessionState): void {
  state = next;
  for (const l of listeners) l();
}

/** Re-reads the session from the server. */
export function refreshSession(): Promise<void> {
  inflight ??= (async () => {
    try {
      const me = await apiGet<{ user: Principal; memberships?: Membership[] }>('/api/auth/me');
      set({ status: 'ready', user: me.user, memberships: me.memberships ?? [] });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) set({ status: 'ready', user: null, memberships: [] });
      else set({ status: 'error', user: null, memberships: [], error: (e as Error).message });
    } finally {
      inflight = null;
    }
  })();
  return inflight;
}

export async function logout(): Promise<void> {
  try {
    await apiSend('POST', '/api/auth/logout');
  } finally {
    set({ status: 'ready', user: null, memberships: [] });
  }
}

export function useSession(): SessionState {
  const s = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
  useEffect(() => {
    if (s.status === 'loading') void refreshSession();
  }, [s.status]);
  return s;
}
