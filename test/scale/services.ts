/**
 * The services the scale-out suite runs against: PostgreSQL and Redis on this
 * machine (`TEST_DATABASE_URL`, `TEST_REDIS_URL`). The suite fails, never skips,
 * when they are missing: `npm run test:scale` is the run that proves scale-out.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { readConfig } from '../../server/config';
import type { ReadinessCheck } from '../../server/readiness';
import { startFromConfig, type StartedServer } from '../../server/start';
import { createPgPool } from '../../server/storage/postgres/pool';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh schema name, so every store a test opens starts empty and sees nothing else. */
export function freshSchema(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A pool on a fresh schema of the test database. */
export async function testPool(schema = freshSchema(), max = 5): Promise<pg.Pool> {
  return createPgPool({ connectionString: TEST_DATABASE_URL, schema, max });
}

/** Drops a schema made by `freshSchema` (best effort, for cleanup). */
export async function dropSchema(schema: string): Promise<void> {
  const pool = await createPgPool({ connectionString: TEST_DATABASE_URL, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await pool.end();
  }
}

/** The administrator every `startOnPostgres` install bootstraps. */
export const PG_ADMIN = { email: 'admin@kommune.test', password: 'et langt passord for drift' };

/**
 * Starts the production start sequence (server/start.ts) on port 0 with
 * `DATABASE_URL` = the test database and `PG_SCHEMA` = `schema`, bootstrapping
 * `PG_ADMIN` when the schema has no users yet.
 */
export async function startOnPostgres(schema: string, opts: { readiness?: ReadinessCheck[]; env?: NodeJS.ProcessEnv } = {}): Promise<StartedServer> {
  const env = { DATABASE_URL: TEST_DATABASE_URL, PG_SCHEMA: schema, PORT: '0', HOST: '127.0.0.1', PG_POOL_MAX: '4', ...opts.env };
  return startFromConfig(readConfig(env), {
    env: { BOOTSTRAP_ADMIN_EMAIL: PG_ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: PG_ADMIN.password, ...opts.env },
    log: () => {},
    roomLog: { info() {}, warn() {}, error() {} },
    ...(opts.readiness ? { readiness: opts.readiness } : {}),
  });
}
