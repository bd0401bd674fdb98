import { randomBytes } from 'node:crypto';
import type { AuthProvider, MembershipChange } from '../../server/auth/types';
import type { Principal, Role } from '../../shared/protocol';

/** Cookie name the test provider reads, the same as the real session cookie. */
export const TEST_SESSION_COOKIE = 'session';

/** The test `AuthProvider` plus the knobs tests turn. */
export interface TestAuth extends AuthProvider {
  /** Adds a user and returns its session token (send it as cookie `session=<token>`). */
  addUser(user: { userId: string; name?: string; email?: string; isAdmin?: boolean; token?: string }): string;
  /** `session=<token>` for a user added earlier. */
  cookieFor(userId: string): string;
  /** Sets (or with null removes) a membership and tells listeners at once, like the real members API. */
  setRole(userId: string, packageId: string, role: Role | null, party?: string): void;
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * An in-memory `AuthProvider` for tests and benchmarks, behaving like the real one
 * at the contract: a request is authenticated by the `session` cookie (which a Node
 * websocket client can send on the upgrade, as a browser does), roles are per
 * package, only admins create packages and become their owner, and membership
 * changes reach listeners synchronously. Never wire it into a production server: it
 * has no passwords.
 */
export function createTestAuth(): TestAuth {
  const users = new Map<string, Principal>();
  const tokens = new Map<string, string>();
  const tokenOf = new Map<string, string>();
  const roles = new Map<string, Map<string, Role>>();
  const parties = new Map<string, string>();
  const listeners = new Set<(c: MembershipChange) => void>();

  const emit = (change: MembershipChange) => {
    for (const l of [...listeners]) l(change);
  };

  const auth: TestAuth = {
    addUser(u) {
      users.set(u.userId, { userId: u.userId, name: u.name ?? u.userId, email: u.email ?? `${u.userId}@test.invalid`, isAdmin: u.isAdmin ?? false });
      const token = u.token ?? randomBytes(16).toString('base64url');
      tokens.set(token, u.userId);
      tokenOf.set(u.userId, token);
      return token;
    },
    cookieFor(userId) {
      const token = tokenOf.get(userId);
      if (!token) throw new Error(`no test user ${userId}`);
      return `${TEST_SESSION_COOKIE}=${token}`;
    },
    setRole(userId, packageId, role, party) {
      if (party !== undefined && role !== null) parties.set(`${userId}\u0000${packageId}`, party);
      else parties.delete(`${userId}\u0000${packageId}`);
      let m = roles.get(userId);
      if (!m) roles.set(userId, (m = new Map()));
      if (role === null) m.delete(packageId);
      else m.set(packageId, role);
      emit({ packageId, userId, role });
    },
    async authenticate(headers) {
      const token = cookieValue(headers.get('cookie'), TEST_SESSION_COOKIE);
      const userId = token ? tokens.get(token) : undefined;
      return userId ? (users.get(userId) ?? null) : null;
    },
    async roleFor(principal, packageId) {
      return roles.get(principal.userId)?.get(packageId) ?? null;
    },
    async canCreatePackage(principal) {
      return users.get(principal.userId)?.isAdmin === true;
    },
    async afterPackageCreated(principal, packageId) {
      auth.setRole(principal.userId, packageId, 'owner');
    },
    async listMemberships(principal) {
      return [...(roles.get(principal.userId) ?? new Map<string, Role>()).entries()].map(([packageId, role]) => {
        const party = parties.get(`${principal.userId}\u0000${packageId}`);
        return { packageId, role, ...(party ? { party } : {}) };
      });
    },
    async listMemberIds(packageId) {
      return [...roles.entries()].filter(([, m]) => m.has(packageId)).map(([userId]) => userId);
    },
    onMembershipChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
  return auth;
}
