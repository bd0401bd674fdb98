/**
 * The accounts provider as `ProviderUnderTest`: roles and session ends are made the way
 * the members routes and logout make them — a store write, then the announcement.
 */
import { createAccountsAuth, SESSION_COOKIE } from '../../../server/auth/provider';
import type { AuthStore } from '../../../server/auth/store';
import type { ProviderUnderTest } from './providerContract';

export function accountsProviderUnderTest(store: AuthStore, close: () => void | Promise<void>): ProviderUnderTest {
  const auth = createAccountsAuth(store);
  let users = 0;
  return {
    provider: auth,
    async userWithSession({ isAdmin = false } = {}) {
      users += 1;
      // Any non-null hash makes the account active; these users never log in with a password.
      const user = await store.insertUser({ email: `person${users}@kommune.test`, name: `Person ${users}`, passwordHash: 'unused', isAdmin });
      const { token } = await store.createSession(user.id);
      return { userId: user.id, headers: new Headers({ cookie: `${SESSION_COOKIE}=${token}` }) };
    },
    async setRole(userId, packageId, role) {
      if (role === null) await store.removeMembership(packageId, userId);
      else if (await store.getMembership(packageId, userId)) await store.updateMembership(packageId, userId, { role });
      else await store.addMembership(packageId, userId, role, null);
      auth.emitMembershipChange({ packageId, userId, role });
    },
    async endSession(headers) {
      const token = auth.sessionTokenFrom(headers);
      if (token) await store.deleteSession(token);
    },
    close,
  };
}
