import pg from 'pg';

/** Default upper bound of connections one server instance holds (`PG_POOL_MAX`). */
export const DEFAULT_PG_POOL_SIZE = 10;
/** How long a request waits for a free pooled connection before it fails (ms). */
export const PG_CONNECTION_TIMEOUT_MS = 5_000;

/** Options of `createPgPool`. */
export interface PgPoolOptions {
  /** `postgres://user@host:port/db`. */
  connectionString: string;
  /** Maximum connections (default `DEFAULT_PG_POOL_SIZE`). */
  max?: number;
  /**
   * A schema to put first on the search path (created if missing). Tests give each
   * run its own schema so they never see each other's tables; production leaves it
   * unset (the database's default schema).
   */
  schema?: string;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A bounded `pg` pool. A connection that breaks (the server restarted, the network
 * dropped), idle or checked out, emits `error`, which is handled here so it never
 * crashes the process; the next query opens a fresh connection.
 */
export async function createPgPool(opts: PgPoolOptions): Promise<pg.Pool> {
  if (opts.schema !== undefined && !SCHEMA_RE.test(opts.schema)) throw new Error(`invalid schema name: ${opts.schema}`);
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? DEFAULT_PG_POOL_SIZE,
    connectionTimeoutMillis: PG_CONNECTION_TIMEOUT_MS,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  pool.on('error', () => {
    // An idle client died; the pool drops it and the next checkout connects again.
  });
  pool.on('connect', (client) => {
    // A checked-out client whose connection breaks (PostgreSQL unreachable between or
    // during its queries) emits 'error', and the pool listens only while it is idle:
    // unhandled, that would crash the process. Its queries reject anyway, and on
    // release the pool drops it (no longer queryable).
    client.on('error', () => {});
  });
  if (opts.schema) {
    try {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
    } catch (err) {
      // Two pools creating the same schema at once: one wins, the other sees a duplicate.
      const code = (err as { code?: string }).code;
      if (code !== '23505' && code !== '42P06') throw err;
    }
  }
  return pool;
}

/**
 * Runs `fn` in one transaction on one pooled connection: COMMIT when it resolves,
 * ROLLBACK when it throws (and rethrows). The connection goes back to the pool
 * either way; a connection that failed mid-transaction is destroyed, not reused.
 * `isolation` raises the isolation level (default: READ COMMITTED).
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, isolation?: 'SERIALIZABLE'): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(isolation ? `BEGIN ISOLATION LEVEL ${isolation}` : 'BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
