/**
 * The AuthProvider contract against the real accounts provider: `createAccountsAuth`
 * over `AuthStore` on a temporary SQLite file (on PostgreSQL: test/scale/accounts.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AuthStore } from '../../../server/auth/store';
import { accountsProviderUnderTest } from './accountsProviderUnderTest';
import { authProviderContract } from './providerContract';

authProviderContract(
  'accounts provider (AuthStore on SQLite)',
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-contract-'));
    const db = new Database(path.join(dir, 'auth.sqlite'));
    return accountsProviderUnderTest(AuthStore.sqlite(db), () => {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
  },
  { sessions: true },
);
