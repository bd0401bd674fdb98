import { parse as parseCookies } from 'hono/utils/cookie';
import type { AuthProvider, MembershipChange } from './types';
import type { Principal, Role } from '../../shared/protocol';
import type { AuthStore, User } from './store';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'session';

/** Options of `createAccountsAuth`. */
export type AccountsAuthOptions = Record<string, never>;

/** The accounts provider: `AuthProvider` plus what the auth routes need to announce changes. */
export interface AccountsAuth extends AuthProvider {
  /** Tells every `onMembershipChange` listener about a change (called by the members routes). */
  emitMembershipChange(change: MembershipChange): void;
  onSessionEnd(listener: (sessionIds: string[]) => void): () => void;
  touchSession(sessionId: string): Promise<boolean>;
  readonly sessionTouchIntervalMs: number;
  /** The session token carried by request headers, if any. */
  sessionTokenFrom(headers: Headers): string | undefined;
}

/** The Principal view of a user (without `sessionId`: this is also what the API returns). */
export function principalOf(user: User): Principal {
  return { userId: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
}

/** Calls every listener, so that one that throws cannot keep the others from hearing. */
function notifyAll<T>(listeners: Set<(value: T) => void>, value: T, what: string): void {
  for (const listener of [...listeners]) {
    try {
      listener(value);
    } catch (err) {
      console.error(`${what} listener failed`, err);
    }
  }
}

/**
 * The real `AuthProvider`, backed by `AuthStore`: a request is authenticated by the
 * `session` cookie (an active, unexpired session of an active account — every use
 * slides its idle expiry); a principal's role in a package is its membership (admins
 * get no implicit access, so a package stays confidential to its members); admins may
 * create packages and become their owner. Membership changes made through the members
 * API reach every `onMembershipChange` listener synchronously, before the HTTP answer
 * is sent, so the websocket layer can downgrade or close connections at once; the
 * end of a session (logout, password change, absolute expiry) reaches every
 * `onSessionEnd` listener the same way, naming it by the `sessionId` its principal
 * carried. A listener that throws does not keep the others from hearing about it.
 */
export function createAccountsAuth(store: AuthStore, _opts: AccountsAuthOptions = {}): AccountsAuth {
  const listeners = new Set<(change: MembershipChange) => void>();
  const sessionListeners = new Set<(sessionIds: string[]) => void>();
  // However a session ends (logout, password change, idle or absolute expiry, found
  // expired by a request), the store announces it and its sockets close.
  store.onSessionsEnded((ids) => notifyAll(sessionListeners, ids, 'onSessionEnd'));

  function sessionTokenFrom(headers: Headers): string | undefined {
    const header = headers.get('cookie');
    if (!header) return undefined;
    const token = parseCookies(header, SESSION_COOKIE)[SESSION_COOKIE];
    return token && token.length <= 128 ? token : undefined;
  }

  return {
    sessionTokenFrom,

    async authenticate(headers: Headers): Promise<Principal | null> {
      const token = sessionTokenFrom(headers);
      if (!token) return null;
      const found = await store.userForSession(token);
      return found ? { ...principalOf(found.user), sessionId: found.sessionId } : null;
    },

    async roleFor(principal: Principal, packageId: string): Promise<Role | null> {
      return (await store.getMembership(packageId, principal.userId))?.role ?? null;
    },

    async canCreatePackage(principal: Principal): Promise<boolean> {
      // Re-read: an admin flag revoked after the session started must count at once.
      return (await store.getUserById(principal.userId))?.isAdmin === true;
    },

    async afterPackageCreated(principal: Principal, packageId: string): Promise<void> {
      await store.transaction(function* (tx) {
        const existing = yield* tx.getMembership(packageId, principal.userId);
        if (existing) yield* tx.updateMembership(packageId, principal.userId, { role: 'owner' });
        else yield* tx.addMembership(packageId, principal.userId, 'owner', null);
      });
    },

    async listMemberships(principal: Principal) {
      return (await store.listMembershipsOfUser(principal.userId)).map((m) => ({
        packageId: m.packageId,
        role: m.role,
        ...(m.party !== null ? { party: m.party } : {}),
      }));
    },

    async listMemberIds(packageId: string): Promise<string[]> {
      return (await store.listMembers(packageId)).map((m) => m.userId);
    },

    onMembershipChange(listener: (change: MembershipChange) => void): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    emitMembershipChange(change: MembershipChange): void {
      notifyAll(listeners, change, 'onMembershipChange');
    },

    onSessionEnd(listener: (sessionIds: string[]) => void): () => void {
      sessionListeners.add(listener);
      return () => {
        sessionListeners.delete(listener);
      };
    },

    touchSession(sessionId: string): Promise<boolean> {
      return store.renewSession(sessionId);
    },

    // The store renews at most this often, so reporting more often gains nothing.
    sessionTouchIntervalMs: store.renewIntervalMs,

  };
}
