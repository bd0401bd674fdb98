import pg from 'pg';
import type { Migration } from '../storage/postgres/migrations';
import { inTransaction } from '../storage/postgres/pool';
import { POSTGRES_DIALECT, type Sql, type SqlResult, type SqlRunner } from './sql';

/**
 * The accounts tables in PostgreSQL (migration ids 100–199 belong to the accounts):
 * the same tables and columns as in SQLite, times as BIGINT milliseconds, and an
 * explicit id on login failures (SQLite uses its implicit rowid).
 */
export const ACCOUNT_MIGRATIONS: readonly Migration[] = [
  {
    id: 100,
    name: 'accounts: users, sessions, one-time tokens, memberships, login failures',
    sql: `
      CREATE TABLE auth_users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL DEFAULT '',
        password_hash TEXT,
        is_admin INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        created_by TEXT
      );
      CREATE TABLE auth_sessions (
        token_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        renewed_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        absolute_expires_at BIGINT NOT NULL
      );
      CREATE INDEX auth_sessions_user ON auth_sessions (user_id);
      CREATE TABLE auth_tokens (
        token_hash TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        user_id TEXT,
        package_id TEXT,
        role TEXT,
        created_at BIGINT NOT NULL,
        expires_at BIGINT,
        used_at BIGINT
      );
      CREATE INDEX auth_tokens_user ON auth_tokens (user_id);
      CREATE TABLE auth_memberships (
        package_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        role TEXT NOT NULL,
        party TEXT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (package_id, user_id)
      );
      CREATE INDEX auth_memberships_user ON auth_memberships (user_id);
      CREATE TABLE auth_login_failures (
        id BIGSERIAL PRIMARY KEY,
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE INDEX auth_login_failures_key ON auth_login_failures (scope, key, at);
    `,
  },
];

/** How often a serialisation conflict restarts a transaction before the error reaches the caller. */
const MAX_SERIALIZATION_RETRIES = 8;

/** 64-bit integers (BIGINT, COUNT) as JavaScript numbers: every value the accounts keep (milliseconds, counts, ids) is far below 2^53. */
const ACCOUNT_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** `?` placeholders as PostgreSQL's `$1, $2, …` (the store's SQL has no `?` inside literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function isRetryable(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '40001' || code === '40P01';
}

/**
 * Drives the store's work on a `pg` pool (the same bounded pool as the document
 * storage). A transaction runs SERIALIZABLE on one connection and is retried from
 * the start on a serialisation failure or deadlock, so its checks hold at commit as
 * they do on SQLite.
 */
export class PostgresRunner implements SqlRunner {
  readonly dialect = POSTGRES_DIALECT;

  constructor(private readonly pool: pg.Pool) {}

  private async drive<T>(client: pg.Pool | pg.PoolClient, work: Sql<T>): Promise<T> {
    let step = work.next(undefined as unknown as SqlResult);
    while (!step.done) {
      const op = step.value;
      const r = await client.query({ text: numbered(op.sql), values: [...op.params], types: ACCOUNT_TYPES });
      step = work.next({ rows: r.rows, changes: r.rowCount ?? 0 });
    }
    return step.value;
  }

  async transaction<T>(work: () => Sql<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await inTransaction(this.pool, (client) => this.drive(client, work()), 'SERIALIZABLE');
      } catch (err) {
        if (attempt < MAX_SERIALIZATION_RETRIES && isRetryable(err)) continue;
        throw err;
      }
    }
  }

  async run<T>(work: () => Sql<T>): Promise<T> {
    return this.drive(this.pool, work());
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
