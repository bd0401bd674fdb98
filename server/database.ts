import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { ACCOUNT_MIGRATIONS } from './auth/postgresStore';
import type { ServerConfig } from './config';
import type { ReadinessCheck } from './readiness';
import { PostgresStorage } from './storage/postgres/docStorage';
import { DOC_MIGRATIONS, runMigrations, type Migration } from './storage/postgres/migrations';
import { createPgPool } from './storage/postgres/pool';
import { SQLITE_FILENAME, SqliteStorage } from './storage/sqlite';
import type { DocStorage } from './storage/types';

/**
 * Every PostgreSQL migration of the server, by id range: 1–99 documents, packages,
 * audit and conflicts (server/storage/postgres/migrations.ts); 100–199 accounts
 * (server/auth/postgresStore.ts); 200–299 agreements. A new part adds its list here.
 */
export const SERVER_MIGRATIONS: readonly Migration[] = [...DOC_MIGRATIONS, ...ACCOUNT_MIGRATIONS];

/** Where everything the server keeps lives: one SQLite file, or one PostgreSQL pool. */
export interface OpenedDatabase {
  kind: 'sqlite' | 'postgres';
  storage: DocStorage;
  /** For `installAccounts`: the same SQLite connection or the same pool. */
  accounts: { db: BetterSqlite3.Database } | { pool: pg.Pool };
  /** What `/api/ready` checks (PostgreSQL; nothing for the embedded file). */
  readiness: ReadinessCheck[];
  /** Where the data is, for the start-up line (never with a password). */
  where: string;
  /** Closes the storage (and with it the pool). */
  close(): Promise<void>;
}

/** A connection string without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** Opens PostgreSQL: one bounded pool for documents and accounts; migrations run first (advisory lock, idempotent). */
export async function openPostgres(opts: { url: string; max: number; schema?: string | undefined }): Promise<{ pool: pg.Pool; storage: PostgresStorage }> {
  const pool = await createPgPool({ connectionString: opts.url, max: opts.max, ...(opts.schema ? { schema: opts.schema } : {}) });
  try {
    await runMigrations(pool, SERVER_MIGRATIONS);
  } catch (err) {
    await pool.end();
    throw err;
  }
  return { pool, storage: new PostgresStorage(pool) };
}

/**
 * Picks the back-end: `DATABASE_URL=postgres://…` selects PostgreSQL for everything
 * (documents, packages, audit, conflicts, accounts) on one pool of `PG_POOL_MAX`
 * connections; otherwise the embedded SQLite file under DATA_DIR (unchanged layout).
 */
export async function openDatabase(config: ServerConfig, env: NodeJS.ProcessEnv): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(config.databaseUrl)) throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL');
    const { pool, storage } = await openPostgres({ url: config.databaseUrl, max: config.pgPoolMax, schema: config.pgSchema });
    return {
      kind: 'postgres',
      storage,
      accounts: { pool },
      readiness: [{ name: 'postgres', check: async () => void (await pool.query('SELECT 1')) }],
      where: `PostgreSQL ${redactUrl(config.databaseUrl)}${config.pgSchema ? ` (schema ${config.pgSchema})` : ''}`,
      close: () => storage.close(),
    };
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const synchronous = env.SQLITE_SYNCHRONOUS === 'FULL' ? 'FULL' : 'NORMAL';
  const storage = new SqliteStorage(path.join(config.dataDir, SQLITE_FILENAME), { synchronous });
  return { kind: 'sqlite', storage, accounts: { db: storage.db }, readiness: [], where: config.dataDir, close: () => storage.close() };
}
