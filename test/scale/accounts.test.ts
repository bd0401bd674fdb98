/** The accounts store contract and the AuthProvider contract against PostgreSQL (same bodies as on SQLite). */
import { afterAll } from 'vitest';
import { PostgresRunner } from '../../server/auth/postgresStore';
import { all } from '../../server/auth/sql';
import { AuthStore } from '../../server/auth/store';
import { SERVER_MIGRATIONS } from '../../server/database';
import { runMigrations } from '../../server/storage/postgres/migrations';
import { accountsProviderUnderTest } from '../server/auth/accountsProviderUnderTest';
import { authProviderContract } from '../server/auth/providerContract';
import { authStoreContract } from '../server/auth/storeContract';
import { dropSchema, freshSchema, testPool } from './services';

const schemas: string[] = [];
afterAll(async () => {
  for (const s of schemas) await dropSchema(s);
});

async function migratedPool() {
  const schema = freshSchema('acc');
  schemas.push(schema);
  const pool = await testPool(schema);
  await runMigrations(pool, SERVER_MIGRATIONS);
  return pool;
}

authStoreContract('PostgreSQL', async (options) => {
  const pool = await migratedPool();
  const runner = new PostgresRunner(pool);
  return {
    store: new AuthStore(runner, options),
    sql: (text, ...params) => runner.run(() => all(text, ...params)),
    close: () => pool.end(),
  };
});

authProviderContract(
  'accounts provider (AuthStore on PostgreSQL)',
  async () => {
    const pool = await migratedPool();
    return accountsProviderUnderTest(AuthStore.postgres(pool), () => pool.end());
  },
  { sessions: true },
);
