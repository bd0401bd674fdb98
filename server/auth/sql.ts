/**
 * The accounts store's way to talk SQL once for two engines. Every operation of the
 * store is a generator that yields statements (`all`, `one`, `run`) and receives
 * their results; a `SqlRunner` drives it:
 *
 * - SQLite (better-sqlite3) drives it synchronously, inside one `db.transaction`, so
 *   nothing else on the shared connection (a document append) can run in between —
 *   which an `async` function with `await`s could not promise;
 * - PostgreSQL (pg) drives it asynchronously on one pooled connection, in a
 *   SERIALIZABLE transaction that is retried from the start when PostgreSQL reports a
 *   serialisation conflict, so a check-then-write sequence ("is this the last owner?")
 *   behaves as if it ran alone, as it does on SQLite.
 *
 * Statements use `?` placeholders (the PostgreSQL runner numbers them) and only SQL
 * both engines understand; the few differences are in `SqlDialect`.
 */

/** A bound parameter. */
export type SqlValue = string | number | null;

/** One statement the work wants run. */
export interface SqlOp {
  mode: 'all' | 'run';
  sql: string;
  params: readonly SqlValue[];
}

/** What a statement gave back: its rows (for `all`), or how many rows it changed (for `run`). */
export interface SqlResult {
  rows: unknown[];
  changes: number;
}

/** A unit of work: yields statements, receives their results, returns `T`. */
export type Sql<T> = Generator<SqlOp, T, SqlResult>;

/** The rows of a query. */
export function* all<R>(sql: string, ...params: SqlValue[]): Sql<R[]> {
  const result = yield { mode: 'all', sql, params };
  return result.rows as R[];
}

/** The first row of a query, or undefined. */
export function* one<R>(sql: string, ...params: SqlValue[]): Sql<R | undefined> {
  const result = yield { mode: 'all', sql, params };
  return result.rows[0] as R | undefined;
}

/** Runs a statement; returns how many rows it changed. */
export function* run(sql: string, ...params: SqlValue[]): Sql<number> {
  const result = yield { mode: 'run', sql, params };
  return result.changes;
}

/** The spellings that differ between the engines. */
export interface SqlDialect {
  name: 'sqlite' | 'postgres';
  /** The column that identifies a login failure row (`rowid` in SQLite, `id` in PostgreSQL). */
  rowId: string;
  /** A collation that compares by code point, as SQLite's default does. */
  binaryCollation: string;
}

export const SQLITE_DIALECT: SqlDialect = { name: 'sqlite', rowId: 'rowid', binaryCollation: 'BINARY' };
export const POSTGRES_DIALECT: SqlDialect = { name: 'postgres', rowId: 'id', binaryCollation: '"C"' };

/** Drives units of work against one database. */
export interface SqlRunner {
  readonly dialect: SqlDialect;
  /** Runs `work` in one transaction that behaves as if it ran alone; rolls back when it throws. */
  transaction<T>(work: () => Sql<T>): Promise<T>;
  /** Runs `work` statement by statement without a transaction (single reads and writes). */
  run<T>(work: () => Sql<T>): Promise<T>;
  /** Whether the database answers (the readiness check). */
  ping(): Promise<void>;
}
