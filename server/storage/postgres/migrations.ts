import type pg from 'pg';
import { inTransaction } from './pool';

/** One schema change, applied once per database, in `id` order. */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/**
 * A fixed key for the advisory lock migrations take: two instances starting at
 * once run the migrations one after the other, and the second finds them done.
 */
const MIGRATION_LOCK_KEY = 7_240_117_001;

/**
 * Applies every migration of `migrations` not yet recorded in `schema_migrations`,
 * each in the same transaction as its record, under a transaction-scoped advisory
 * lock. Idempotent, and safe when several instances start at the same time.
 */
export async function runMigrations(pool: pg.Pool, migrations: readonly Migration[]): Promise<number[]> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const done = new Set((await client.query<{ id: number }>('SELECT id FROM schema_migrations')).rows.map((r) => r.id));
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
      if (done.has(m.id)) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
      applied.push(m.id);
    }
    return applied;
  });
}

/** The document store's tables (see `PostgresStorage`). */
export const DOC_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'documents, packages and audit',
    sql: `
      CREATE TABLE packages (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_by TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      -- One row per document: the last sequence number handed out. Appends lock it,
      -- so one document's appends commit in sequence order across instances.
      CREATE TABLE doc_heads (
        doc TEXT PRIMARY KEY,
        last_seq BIGINT NOT NULL
      );
      CREATE TABLE doc_updates (
        doc TEXT NOT NULL,
        seq BIGINT NOT NULL,
        data BYTEA NOT NULL,
        PRIMARY KEY (doc, seq)
      );
      CREATE TABLE doc_snapshots (
        doc TEXT PRIMARY KEY,
        data BYTEA NOT NULL,
        through_seq BIGINT NOT NULL
      );
      CREATE TABLE audit (
        id BIGSERIAL PRIMARY KEY,
        package_id TEXT NOT NULL,
        line_id TEXT NOT NULL,
        field TEXT NOT NULL,
        year TEXT,
        old_value TEXT,
        new_value TEXT,
        user_id TEXT,
        at TEXT NOT NULL
      );
      CREATE INDEX audit_by_package ON audit (package_id, id);
    `,
  },
  {
    id: 2,
    name: 'deleted lines keep their snapshot',
    sql: 'ALTER TABLE audit ADD COLUMN snapshot TEXT',
  },
  {
    id: 3,
    name: 'conflicts on amount cells',
    sql: `
      CREATE TABLE conflicts (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        package_id TEXT NOT NULL,
        data JSONB NOT NULL,
        dismissed_by TEXT,
        dismissed_at TEXT
      );
      CREATE INDEX conflicts_by_package ON conflicts (package_id, seq);
    `,
  },
  {
    // Agreement (issue 13) owns ids 200–299.
    id: 201,
    name: 'agreement: sign-offs, versions, proposals, lock and its log',
    sql: `
      CREATE TABLE agreement_signoffs (
        package_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        party TEXT NOT NULL,
        data JSONB NOT NULL,
        PRIMARY KEY (package_id, item_id, party)
      );
      CREATE TABLE agreement_versions (
        seq BIGSERIAL PRIMARY KEY,
        package_id TEXT NOT NULL,
        id TEXT NOT NULL,
        meta TEXT NOT NULL,
        data TEXT NOT NULL,
        seal TEXT,
        UNIQUE (package_id, id)
      );
      CREATE TABLE agreement_proposals (
        seq BIGSERIAL PRIMARY KEY,
        package_id TEXT NOT NULL,
        id TEXT NOT NULL,
        data JSONB NOT NULL,
        UNIQUE (package_id, id)
      );
      CREATE TABLE agreement_locks (
        package_id TEXT PRIMARY KEY,
        data JSONB NOT NULL
      );
      CREATE TABLE agreement_lock_log (
        seq BIGSERIAL PRIMARY KEY,
        package_id TEXT NOT NULL,
        data JSONB NOT NULL
      );
      CREATE INDEX agreement_lock_log_by_package ON agreement_lock_log (package_id, seq);
    `,
  },
];
