/**
 * The AuthProvider contract against the real accounts provider: `createAccountsAuth`
 * over `AuthStore` on a temporary SQLite file. Roles and session ends are made the way
 * the members routes and logout make them: a store write, then the announcement.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createAccountsAuth, SESSION_COOKIE } from '../../../server/auth/provider';
import { AuthStore } from '../../../server/auth/store';
import { authProviderContract } from './providerContract';

authProviderContract(
  'accounts provider (AuthStore on SQLite)',
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-contract-'));
    const db = new Database(path.join(dir, 'auth.sqlite'));
    const store = new AuthStore(db);
    const auth = createAccountsAuth(store);
    let users = 0;
    return {
      provider: auth,
      userWithSession({ isAdmin = false } = {}) {
        users += 1;
        // Any non-null hash makes the account active; these users never log in with a password.
        const user = store.insertUser({ email: `person${users}@kommune.test`, name: `Person ${users}`, passwordHash: 'unused', isAdmin });
        const { token } = store.createSession(user.id);
        return { userId: user.id, headers: new Headers({ cookie: `${SESSION_COOKIE}=${token}` }) };
      },
      setRole(userId, packageId, role) {
        if (role === null) store.removeMembership(packageId, userId);
        else if (store.getMembership(packageId, userId)) store.updateMembership(packageId, userId, { role });
        else store.addMembership(packageId, userId, role, null);
        auth.emitMembershipChange({ packageId, userId, role });
      },
      endSession(headers) {
        const token = auth.sessionTokenFrom(headers);
        if (token) store.deleteSession(token);
      },
      close() {
        db.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  { sessions: true },
);
