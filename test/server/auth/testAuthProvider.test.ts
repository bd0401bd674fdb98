/** The AuthProvider contract against the test provider the server tests use (test/server/testAuth.ts). */
import { createTestAuth, TEST_SESSION_COOKIE } from '../testAuth';
import { authProviderContract } from './providerContract';

authProviderContract(
  'test provider',
  () => {
    const auth = createTestAuth();
    let users = 0;
    return {
      provider: auth,
      userWithSession({ isAdmin = false } = {}) {
        const userId = `user-${++users}`;
        const token = auth.addUser({ userId, isAdmin });
        return { userId, headers: new Headers({ cookie: `${TEST_SESSION_COOKIE}=${token}` }) };
      },
      setRole: (userId, packageId, role) => auth.setRole(userId, packageId, role),
      close() {},
    };
  },
  // The test provider has no login sessions, so it offers no onSessionEnd.
  { sessions: false },
);
